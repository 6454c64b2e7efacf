import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the user's own dbt: an argument vector (never a shell), the user's environment plus the
/// plan, output into files read with a bound, and a deadline after which dbt is stopped.
public struct DbtRunner: Sendable {
    /// The executable, as an absolute path.
    public var executable: String
    /// The dbt project folder (dbt runs there, with `--project-dir` naming it).
    public var projectDirectory: String
    /// The target (`--target`), or nil for the profile's default.
    public var target: String?
    /// The environment dbt runs with (the user's: profiles read credentials from it).
    public var environment: [String: String]
    /// How long one invocation may take.
    public var timeout: TimeInterval
    /// How many bytes of output one invocation may write (standard output and error each).
    public var outputLimit: Int

    /// The longest a run may take by default: 15 minutes.
    public static let defaultTimeout: TimeInterval = 900
    /// The most output read of one invocation by default: 64 MB.
    public static let defaultOutputLimit = 64 << 20

    public init(
        executable: String, projectDirectory: String, target: String?, environment: [String: String], timeout: TimeInterval = defaultTimeout,
        outputLimit: Int = defaultOutputLimit
    ) {
        self.executable = executable
        self.projectDirectory = projectDirectory
        self.target = target
        self.environment = environment
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    /// The executable `requested` names (`--dbt`: a path, or a name looked up on `PATH`), or
    /// `dbt` on `PATH`; relative paths are resolved against `directory`.
    ///
    /// - Throws: ``ProofError/dbtNotFound(_:searched:)`` when there is none, or it cannot be run.
    public static func locate(_ requested: String?, path: String?, directory: String) throws -> String {
        let name = requested ?? "dbt"
        let manager = FileManager.default
        func runnable(_ candidate: String) -> Bool {
            var isDirectory: ObjCBool = false
            return manager.fileExists(atPath: candidate, isDirectory: &isDirectory) && !isDirectory.boolValue && manager.isExecutableFile(atPath: candidate)
        }
        if name.contains("/") {
            let absolute = name.hasPrefix("/") ? name : (directory as NSString).appendingPathComponent(name)
            guard runnable(absolute) else { throw ProofError.dbtNotFound(name, searched: nil) }
            return (absolute as NSString).standardizingPath
        }
        let folders = (path ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        for folder in folders {
            let candidate = ((folder.hasPrefix("/") ? folder : (directory as NSString).appendingPathComponent(folder)) as NSString)
                .appendingPathComponent(name)
            if runnable(candidate) { return candidate }
        }
        throw ProofError.dbtNotFound(name, searched: path ?? "")
    }

    /// The arguments of one `dbt show` of the program: JSON log lines (what this reader
    /// understands, whatever the user's `DBT_LOG_FORMAT`), info level and not quiet (the answer is
    /// an info event), no colours, and no `--write-json`, so `target/manifest.json` and
    /// `target/run_results.json` stay those of the user's own last run.
    func arguments() -> [String] {
        var arguments = [
            "--log-format", "json", "--log-level", "info", "--no-quiet", "--no-use-colors", "show", "--no-write-json",
            "--project-dir", projectDirectory, "--inline", ProofQuery.program, "--output", "json", "--limit", "1",
        ]
        if let target { arguments += ["--target", target] }
        return arguments
    }

    /// What one invocation left behind.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
        public var seconds: Double
    }

    /// Runs `dbt show` of the program with `plan` in its environment; `progress` is called with
    /// each line the program logs before a model (`2/10 orders`).
    ///
    /// - Throws: ``ProofError/dbtTimedOut(_:seconds:)``, ``ProofError/dbtOutputTooLarge(_:limit:)``,
    ///   ``ProofError/dbtCannotStart(_:_:)``.
    public func run(plan: String, progress: (String) -> Void = { _ in }) throws -> Output {
        var environment = self.environment
        environment[ProofQuery.planVariable] = plan
        return try Self.execute(
            executable, arguments(), directory: projectDirectory, environment: environment, timeout: timeout, outputLimit: outputLimit
        ) { line in
            if let step = DbtEvents.progress(line) { progress(step) }
        }
    }

    /// Runs `executable` with `arguments`, its standard output and error going to temporary files
    /// (a full pipe can never block it); calls `line` with each complete line of standard output
    /// as it comes; stops it (SIGTERM, then SIGKILL) past `timeout` or `outputLimit`.
    static func execute(
        _ executable: String, _ arguments: [String], directory: String, environment: [String: String], timeout: TimeInterval, outputLimit: Int,
        line: (String) -> Void
    ) throws -> Output {
        let manager = FileManager.default
        let scratch = manager.temporaryDirectory.appendingPathComponent("rationale-dbt-\(UUID().uuidString)")
        try manager.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        manager.createFile(atPath: outURL.path, contents: nil)
        manager.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        let reader = try FileHandle(forReadingFrom: outURL)
        defer {
            try? outHandle.close()
            try? errHandle.close()
            try? reader.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory, isDirectory: true)
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        let started = Date()
        do {
            try process.run()
        } catch {
            throw ProofError.dbtCannotStart(executable, (error as NSError).localizedDescription)
        }

        var pending = Data()
        var read = 0
        func drain() {
            // Lines are only looked at for progress: a bounded amount is read per pass.
            guard let chunk = try? reader.read(upToCount: 1 << 20), !chunk.isEmpty else { return }
            read += chunk.count
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let bytes = pending[pending.startIndex..<newline]
                if bytes.count < 4096 { line(String(decoding: bytes, as: UTF8.self)) }
                pending.removeSubrange(pending.startIndex...newline)
            }
            if pending.count > 1 << 20 { pending.removeAll() }
        }
        var failure: ProofError?
        while process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            drain()
            let elapsed = Date().timeIntervalSince(started)
            let written = max(Self.size(outURL.path), Self.size(errURL.path))
            if elapsed > timeout {
                failure = .dbtTimedOut(executable, seconds: Int(timeout))
            } else if written > outputLimit {
                failure = .dbtOutputTooLarge(executable, limit: outputLimit)
            }
            if failure != nil {
                stop(process)
                break
            }
        }
        process.waitUntilExit()
        drain()
        // What it wrote between the last look and its exit counts too.
        if failure == nil, max(Self.size(outURL.path), Self.size(errURL.path)) > outputLimit {
            failure = .dbtOutputTooLarge(executable, limit: outputLimit)
        }
        if let failure { throw failure }
        let seconds = Date().timeIntervalSince(started)
        let stdout = try Data(contentsOf: outURL, options: .alwaysMapped)
        let stderr = try Self.tail(errURL.path, bytes: 64 << 10)
        return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr, seconds: seconds)
    }

    /// Asks the process and everything it started to stop, and kills them if they have not after
    /// five seconds. Foundation starts a child as the leader of a process group of its own, so a
    /// wrapper script's dbt (and dbt's own children) go with it.
    static func stop(_ process: Process) {
        let group = -process.processIdentifier
        kill(group, SIGTERM)
        let asked = Date()
        while process.isRunning, Date().timeIntervalSince(asked) < 5 { Thread.sleep(forTimeInterval: 0.05) }
        // Those that outlived the leader, or all of them when it did not stop.
        kill(group, SIGKILL)
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The last `bytes` of a file.
    static func tail(_ path: String, bytes: Int) throws -> Data {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size > UInt64(bytes) ? size - UInt64(bytes) : 0)
        return try handle.readToEnd() ?? Data()
    }
}

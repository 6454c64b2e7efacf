import Foundation

/// A fresh git repository in its own temporary folder, deleted when released.
///
/// Every git command runs with a hermetic environment: no system or global
/// config, `HOME` set to the scratch folder, a fixed author, committer and
/// date (so commit ids are the same on every run), and no signing. The
/// repository lives at `<root>/repo`, so tests can put remotes, clones and
/// worktrees next to it under ``root``.
public final class ScratchRepository {
    /// The scratch folder holding the repository and anything else a test makes.
    public let root: String
    /// The repository's working tree (its git directory when bare).
    public let path: String
    /// Whether the repository was created bare.
    public let isBare: Bool
    /// The environment every git command here runs with.
    public let environment: [String: String]

    /// The repository folder as a file URL.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// Creates the scratch folder and runs `git init -b main` in it.
    ///
    /// Stops the test process when the folder or repository cannot be made:
    /// nothing a test does afterwards could mean anything.
    public init(bare: Bool = false) {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath()
        let root = base.appendingPathComponent("rationale-test-\(UUID().uuidString)").path
        self.root = root
        self.path = root + "/repo"
        self.isBare = bare
        self.environment = Self.hermeticEnvironment(home: root)
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            _ = try git(in: path, ["init", "--quiet", "-b", "main"] + (bare ? ["--bare"] : []))
            // Also in the repository's own config, for tools run without this environment.
            _ = try git("config", "user.name", Self.userName)
            _ = try git("config", "user.email", Self.userEmail)
            _ = try git("config", "commit.gpgsign", "false")
            _ = try git("config", "tag.gpgsign", "false")
        } catch {
            // Test support only: a scratch repository that cannot be created is a broken machine.
            preconditionFailure("ScratchRepository: \(error)")
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The author and committer name of every commit.
    public static let userName = "Scratch Tester"
    /// The author and committer email of every commit.
    public static let userEmail = "scratch@example.com"
    /// The author and committer date of every commit, fixed so ids are stable.
    public static let fixedDate = "2024-01-02T03:04:05+00:00"

    /// The environment for git: only `PATH` comes from the machine.
    public static func hermeticEnvironment(home: String) -> [String: String] {
        let config: [(String, String)] = [
            ("user.name", userName),
            ("user.email", userEmail),
            ("commit.gpgsign", "false"),
            ("tag.gpgsign", "false"),
            ("init.defaultBranch", "main"),
            ("core.autocrlf", "false"),
            ("advice.detachedHead", "false"),
        ]
        var environment: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "XDG_CONFIG_HOME": home + "/.config",
            "LANG": "C",
            "LC_ALL": "C",
            "TZ": "UTC",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_AUTHOR_NAME": userName,
            "GIT_AUTHOR_EMAIL": userEmail,
            "GIT_AUTHOR_DATE": fixedDate,
            "GIT_COMMITTER_NAME": userName,
            "GIT_COMMITTER_EMAIL": userEmail,
            "GIT_COMMITTER_DATE": fixedDate,
            "GIT_CONFIG_COUNT": String(config.count),
        ]
        for (index, (key, value)) in config.enumerated() {
            environment["GIT_CONFIG_KEY_\(index)"] = key
            environment["GIT_CONFIG_VALUE_\(index)"] = value
        }
        return environment
    }

    // MARK: Files

    /// Writes `content` to `path` (relative to the repository), creating folders.
    public func write(_ path: String, _ content: String) {
        write(path, bytes: Array(content.utf8))
    }

    /// Writes raw bytes to `path` (relative to the repository), creating folders.
    public func write(_ path: String, bytes: [UInt8]) {
        let url = URL(fileURLWithPath: absolute(path))
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        } catch {
            preconditionFailure("ScratchRepository.write(\(path)): \(error)") // Test support: the scratch folder is ours.
        }
    }

    /// Reads the file at `path` (relative to the repository) as UTF-8.
    public func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: absolute(path)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Deletes the file or folder at `path` (relative to the repository) from disk.
    public func remove(_ path: String) {
        do {
            try FileManager.default.removeItem(atPath: absolute(path))
        } catch {
            preconditionFailure("ScratchRepository.remove(\(path)): \(error)") // Test support: the scratch folder is ours.
        }
    }

    /// Moves a file on disk (not `git mv`), creating the destination's folders.
    public func move(_ from: String, _ to: String) {
        let destination = URL(fileURLWithPath: absolute(to))
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: absolute(from), toPath: destination.path)
        } catch {
            preconditionFailure("ScratchRepository.move(\(from), \(to)): \(error)") // Test support: the scratch folder is ours.
        }
    }

    /// Makes a symbolic link at `path` pointing to `target`.
    public func symlink(_ path: String, to target: String) {
        do {
            try FileManager.default.createSymbolicLink(atPath: absolute(path), withDestinationPath: target)
        } catch {
            preconditionFailure("ScratchRepository.symlink(\(path)): \(error)") // Test support: the scratch folder is ours.
        }
    }

    /// Sets or clears the executable bits of a file.
    public func setExecutable(_ path: String, _ executable: Bool = true) {
        do {
            try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: absolute(path))
        } catch {
            preconditionFailure("ScratchRepository.setExecutable(\(path)): \(error)") // Test support: the scratch folder is ours.
        }
    }

    /// The absolute path of `path` inside the repository.
    public func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : self.path + "/" + path
    }

    // MARK: Git

    /// Runs git in the repository and returns its standard output without the
    /// trailing newline.
    ///
    /// - Throws: ``ProcessFailure`` with git's standard error when it fails.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        try git(in: path, arguments)
    }

    /// Runs git in `directory` with this repository's environment.
    @discardableResult
    public func git(in directory: String, _ arguments: String...) throws -> String {
        try git(in: directory, arguments)
    }

    /// Runs git in `directory` with this repository's environment.
    @discardableResult
    public func git(in directory: String, _ arguments: [String]) throws -> String {
        let result = try runProcess("/usr/bin/env", ["git"] + arguments, cwd: directory, env: environment)
        guard result.status == 0 else {
            throw ProcessFailure(command: (["git"] + arguments).joined(separator: " "), status: result.status, stderr: result.stderr)
        }
        var output = result.stdout
        while output.hasSuffix("\n") {
            output.removeLast()
        }
        return output
    }

    /// Stages everything (`git add -A`) and commits; returns the new commit id.
    @discardableResult
    public func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "--quiet", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    /// Stages the given paths, including deletions (`git add -A -- paths`).
    public func stage(_ paths: String...) {
        do {
            try git(in: path, ["add", "-A", "--"] + paths)
        } catch {
            preconditionFailure("ScratchRepository.stage: \(error)") // Test support: staging our own files cannot fail.
        }
    }
}

/// A process that exited with a non-zero status.
public struct ProcessFailure: Error, CustomStringConvertible {
    /// The command line that ran.
    public let command: String
    /// Its exit status.
    public let status: Int32
    /// What it wrote to standard error.
    public let stderr: String

    /// The command, status and standard error.
    public var description: String {
        "`\(command)` exited with \(status): \(stderr)"
    }
}

/// Runs a program to completion and captures its output.
///
/// - Parameters:
///   - executable: The program's path (use `/usr/bin/env` to search `PATH`).
///   - args: Its arguments.
///   - cwd: The folder to run it in.
///   - env: Its whole environment; nil inherits this process's.
/// - Returns: The exit status and standard output and error as UTF-8.
public func runProcess(
    _ executable: String,
    _ args: [String],
    cwd: String,
    env: [String: String]?
) throws -> (status: Int32, stdout: String, stderr: String) {
    // Output goes to temporary files rather than pipes, so a chatty process
    // can never block on a full pipe buffer.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = args
    process.currentDirectoryURL = URL(fileURLWithPath: cwd, isDirectory: true)
    if let env {
        process.environment = env
    }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = outHandle
    process.standardError = errHandle
    try process.run()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()

    let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
    let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
    return (process.terminationStatus, stdout, stderr)
}

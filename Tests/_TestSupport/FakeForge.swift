import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The fake GitHub and GitLab API of `Tests/forge/fake_forge.py`, running on loopback for as long
/// as this object lives, with a scratch folder beside it for event payloads and summaries.
///
/// The server is seeded from a JSON object (see the script's header for its keys) and records
/// every request; ``state()`` reads both back. Nothing here reaches beyond 127.0.0.1.
public final class FakeForge {
    /// The port the server listens on.
    public let port: Int
    /// A scratch folder for the test's files, deleted with this object.
    public let root: String
    /// The GitHub API root (`GITHUB_API_URL`).
    public var gitHubAPI: String { "http://127.0.0.1:\(port)" }
    /// The GitLab API root (`CI_API_V4_URL`).
    public var gitLabAPI: String { "http://127.0.0.1:\(port)/api/v4" }

    private let process: Process
    private let input: Pipe

    /// The script, found from this file's place in the package.
    public static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("forge/fake_forge.py").path

    /// Starts the server with a seed and waits for its port.
    public init(seed: [String: Any]) throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath()
        root = base.appendingPathComponent("rationale-forge-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let seedPath = root + "/seed.json"
        try JSONSerialization.data(withJSONObject: seed, options: [.sortedKeys]).write(to: URL(fileURLWithPath: seedPath))

        let output = Pipe()
        input = Pipe()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "--port", "0", "--state", seedPath]
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        process.standardInput = input // the server exits when this pipe closes
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        var line = Data()
        while !line.contains(10) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let text = String(data: line, encoding: .utf8)?.split(separator: "\n").first, let port = Int(text) else {
            process.terminate()
            throw ProcessFailure(command: "python3 fake_forge.py", status: -1, stderr: "no port line; got \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The server's current pull requests and every request it has answered, in order.
    public func state() throws -> FakeForgeState {
        guard let url = URL(string: gitHubAPI + "/__state") else { throw URLError(.badURL) }
        let box = StateBox()
        let done = DispatchSemaphore(value: 0)
        let session = URLSession(configuration: .ephemeral)
        session.dataTask(with: url) { data, _, _ in
            box.data = data
            done.signal()
        }.resume()
        done.wait()
        session.finishTasksAndInvalidate()
        guard let data = box.data else { throw URLError(.cannotConnectToHost) }
        return try JSONDecoder().decode(FakeForgeState.self, from: data)
    }

    /// Writes a file into the scratch folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ content: String) throws -> String {
        let path = root + "/" + name
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Reads a file of the scratch folder, or nil when it is not there.
    public func read(_ name: String) -> String? {
        FileManager.default.contents(atPath: root + "/" + name).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Carries the state's bytes out of URLSession's callback.
private final class StateBox: @unchecked Sendable {
    // Written once before the semaphore is signalled, read after the wait.
    var data: Data?
}

/// What `GET /__state` answers.
public struct FakeForgeState: Decodable {
    /// A comment or note.
    public struct Comment: Decodable, Equatable {
        public var id: Int
        public var body: String
    }

    /// The GitHub pull request.
    public struct GitHub: Decodable {
        public var body: String?
        public var comments: [Comment]
    }

    /// The GitLab merge request.
    public struct GitLab: Decodable {
        public var description: String?
        public var notes: [Comment]
    }

    /// One request the server answered.
    public struct Request: Decodable {
        public var method: String
        /// The path with its query.
        public var path: String
        /// The raw request body.
        public var body: String?
        /// The status it answered.
        public var status: Int
        /// User-Agent, Accept, X-GitHub-Api-Version, Content-Type, Authorization and
        /// PRIVATE-TOKEN, names lowercased.
        public var headers: [String: String]
        /// For a `stream_bytes` answer: the bytes written before the client hung up.
        public var sent: Int?
        /// For a hostile answer: whether the client hung up before it was all sent.
        public var hungUp: Bool?

        enum CodingKeys: String, CodingKey {
            case method, path, body, status, headers, sent
            case hungUp = "hung_up"
        }

        /// `METHOD path` without the query.
        public var line: String { "\(method) \(path.split(separator: "?").first.map(String.init) ?? path)" }
    }

    public var github: GitHub
    public var gitlab: GitLab
    public var requests: [Request]

    /// The requests that wrote something (POST, PATCH, PUT) and succeeded.
    public var writes: [Request] { requests.filter { $0.method != "GET" && (200..<300).contains($0.status) } }
}

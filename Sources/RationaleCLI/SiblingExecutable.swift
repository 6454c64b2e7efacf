import Foundation
import Diagnostics
import Narrative

/// The executables installed beside `rationale` that take over a command: what the hook's binary
/// does not link (the HTTP stack, libcurl and its libraries) lives in them, so a hook starts
/// without loading it. The command line and the environment pass through unchanged, no shell.
public enum SiblingExecutable {
    /// The executable with the HTTP stack: `publish`, and `gate` when it reads the PR from the API.
    public static let network = "rationale-net"

    /// The path of `name` in the folder of the running executable (symbolic links resolved, so
    /// a link on PATH finds the real installation's sibling).
    public static func path(of name: String) -> String? {
        guard let own = Bundle.main.executablePath else { return nil }
        let folder = ((own as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
        return folder + "/" + name
    }

    /// Replaces this process with `name` from beside the running executable, given `arguments`
    /// (by default this process's own, the program name first) and the same environment.
    /// Returns only by throwing: ``SiblingError`` when the executable is missing or cannot run.
    public static func exec(_ name: String, arguments: [String] = CommandLine.arguments) throws -> Never {
        guard let path = path(of: name) else { throw SiblingError.unknownLocation(name: name) }
        guard FileManager.default.isExecutableFile(atPath: path) else { throw SiblingError.missing(name: name, path: path) }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv(path, argv)
        let code = errno
        for pointer in argv { free(pointer) }
        throw SiblingError.cannotRun(name: name, path: path, reason: String(cString: strerror(code)))
    }
}

/// Why a sibling executable could not take over a command.
public enum SiblingError: Error, LocalizedError, Equatable {
    /// The running executable's own path is unknown.
    case unknownLocation(name: String)
    /// No executable file of that name beside `rationale`.
    case missing(name: String, path: String)
    /// `execv` failed.
    case cannotRun(name: String, path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .unknownLocation(let name):
            return "cannot find \(name): the path of the running executable is unknown — run `\(name)` itself with the same arguments"
        case .missing(let name, let path):
            return
                "this command needs \(name), which is not installed beside rationale (no executable \(Echo.shortened(path))) — reinstall rationale (make install, or pip install the wheel), which installs both"
        case .cannotRun(let name, let path, let reason):
            return "cannot run \(name) (\(Echo.shortened(path))): \(reason)"
        }
    }
}

/// The network a command that talks to a forge uses. `rationale-net` sets it; in the hook's
/// binary it is nil and such a command hands itself to `rationale-net` (``required()``).
public final class Network: Sendable {
    /// What sends an HTTP request.
    public let exchange: HTTPExchange

    /// The network of an executable that has the HTTP stack.
    public init(exchange: @escaping HTTPExchange) {
        self.exchange = exchange
    }

    /// This executable's network, if it has the HTTP stack (a class, not the bare closure: a
    /// task-local closure value crashes `swift_task_localValuePush` in a static build).
    @TaskLocal static var current: Network?

    /// The exchange; without one, this process replaced by ``SiblingExecutable/network`` running
    /// the same command line (call it before the command prints or reads anything).
    static func required() throws -> HTTPExchange {
        if let current { return current.exchange }
        try SiblingExecutable.exec(SiblingExecutable.network)
    }
}

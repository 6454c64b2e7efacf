import Synchronization

/// This tool: its version keys the caches (a new version reads none of an older one's).
public enum Tool {
    /// The version.
    public static let version = "0.1.0"
}

/// Holds the large answers a command computed (project graphs of thousands of nodes) until the
/// process ends. The executable creates one, runs the command, and exits without releasing it:
/// freeing such a graph node by node costs a hook more than reading it did. The one place the
/// process's end is decided is the executable's entry point.
public final class AnswerKeeper: Sendable {
    @TaskLocal public static var current: AnswerKeeper?
    private let kept = Mutex<[any Sendable]>([])

    public init() {}

    /// Hands `answer` to the keeper of the running command (none in tests: it is freed as usual).
    public static func keep(_ answer: any Sendable) {
        current?.kept.withLock { $0.append(answer) }
    }
}

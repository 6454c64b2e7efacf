import Diagnostics
import Foundation

/// Why a session command could not run. Each case names the file or item and what to do.
public enum SessionError: Error, LocalizedError, Equatable {
    /// No loop with this id in the file.
    case unknownLoop(id: String, file: String, known: [String])
    /// A status change that makes no sense (approving a closed loop, …).
    case badTransition(id: String, from: Loop.Status, to: Loop.Status, file: String)
    /// `attempts add` without text.
    case emptyAttempt(file: String)
    /// `attempts add --result` with something else than failed, partial or worked.
    case unknownAttemptResult(String)
    /// ATTEMPTS.md holds a line that starts like an attempt but is not one (or repeats an id).
    case malformedAttempt(file: String, line: Int, message: String)
    /// `loops propose --option` values that make no question with options (why, and what would do).
    case badOptions(String)
    /// `loops close --chose` on a loop without options.
    case noOptions(id: String, file: String)
    /// `loops close --chose` naming no option of the loop (its options as `LABEL (text)`).
    case unknownOption(id: String, file: String, chose: String, options: [String])
    /// A template could not be parsed.
    case badTemplate(name: String, message: String)
    /// A template needed to write a session is missing.
    case missingTemplate(name: String)
    /// A title with nothing to make a folder name of.
    case emptyTitle
    /// An unknown kind of work.
    case unknownKind(String)
    /// A file given to `loops import` that cannot be read as its format.
    case unreadableImport(file: String, line: Int, expected: String)
    /// Loops that could not be written in a GTD format.
    case exportFailed(format: String, reason: String)
    /// A problem statement given to `session start` that cannot be the problem (why, and what would do).
    case hollowProblem(String)

    public var errorDescription: String? {
        switch self {
        case .unknownLoop(let id, let file, let known):
            let list = known.isEmpty ? "it holds no loops" : "its loops are \(known.joined(separator: ", "))"
            return "\(file): no loop \(Echo.shortened(id)); \(list) (`rationale loops list` shows them)"
        case .badTransition(let id, let from, let to, let file):
            return "\(file): \(id) is \(from.rawValue) and cannot become \(to.rawValue)"
        case .emptyAttempt(let file):
            return
                "\(file): an attempt needs text: say what was tried (the error it answered and the fix), e.g. `rationale attempts add \"dedupe with distinct in orders\" --result failed --why \"still 1,204 rows\"`; nothing was written"
        case .unknownAttemptResult(let given):
            return "`\(Echo.shortened(given))` is not a result: use --result failed, partial or worked; nothing was written"
        case .malformedAttempt(let file, let line, let message):
            return "\(file):\(line): \(message); fix that line (or put it inside a comment) and add again; nothing was written"
        case .badOptions(let why):
            return "\(why); nothing was written"
        case .noOptions(let id, let file):
            return "\(file): \(id) offers no options to choose from: close it with --note \"how it was settled\"; nothing was written"
        case .unknownOption(let id, let file, let chose, let options):
            return
                "\(file): \(id) has no option `\(Echo.shortened(chose))`: choose one of \(options.joined(separator: ", ")) with --chose LABEL; nothing was written"
        case .badTemplate(let name, let message):
            return "template \(name) cannot be read: \(message); fix it or delete the override to use the built-in one"
        case .missingTemplate(let name):
            return "template \(name) is missing; reinstall rationale or add it to your templates folder"
        case .emptyTitle:
            return "the session title has no letters or digits to name a folder by: give it a few words, e.g. \"refactor fct_orders\""
        case .unknownKind(let kind):
            return "unknown kind `\(Echo.shortened(kind))`; use one of \(SessionKind.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unreadableImport(let file, let line, let expected):
            return "\(Echo.shortened(file)):\(line): expected \(expected)"
        case .hollowProblem(let why):
            return "\(why); nothing was written"
        case .exportFailed(let format, let reason):
            return "the loops could not be written as \(format): \(reason); try --format json, and report this"
        }
    }
}

/// The kinds of data work a session can be, each with its own task-breakdown template.
public enum SessionKind: String, Sendable, CaseIterable, Codable {
    /// Changing how models are built while keeping what they mean.
    case refactor
    /// A failing dbt test.
    case testFailure = "test-failure"
    /// A model that did not exist.
    case newModel = "new-model"
    /// A run that failed or produced wrong data.
    case pipelineDebugging = "pipeline-debugging"
    /// Anything else (no task-breakdown template).
    case general
}

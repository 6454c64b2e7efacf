import Foundation

/// ATTEMPTS.md, read for its attempts and appended to in place: every line already in the file
/// stays exactly as it was.
public struct AttemptsDocument: Sendable {
    /// The file, edited in place.
    private var file: ItemListFile

    /// The file's lines, without line endings.
    public var lines: [String] { file.lines }

    /// The heading under which new attempts are appended.
    public static let sectionTitle = "Attempts"

    /// Reads the file's text.
    public init(_ text: String) {
        file = ItemListFile(text)
    }

    /// The text, with the same line endings and final newline as read.
    public var text: String { file.text }

    /// An attempt found in the file, with its 1-based line.
    public struct Entry: Sendable, Hashable {
        /// The 1-based line of its item.
        public var line: Int
        /// The attempt.
        public var attempt: Attempt
    }

    /// A line that starts like an attempt but does not follow the format, or repeats an id.
    public struct Problem: Sendable, Hashable {
        /// The 1-based line.
        public var line: Int
        /// What is wrong and how to write it.
        public var message: String
    }

    /// The attempts, in file order; items inside HTML comments and code blocks are examples.
    public var entries: [Entry] { scan().entries }

    /// Lines that look like attempts but are not well formed, and ids used twice.
    public var problems: [Problem] { scan().problems }

    /// The attempts, in file order.
    public var attempts: [Attempt] { entries.map(\.attempt) }

    /// The highest attempt number in the file (0 when none).
    public var highestNumber: Int {
        attempts.map(\.number).max() ?? 0
    }

    private func scan() -> (entries: [Entry], problems: [Problem]) {
        var entries: [Entry] = []
        var problems: [Problem] = []
        for line in file.visibleLines() {
            switch Attempt.parse(line.text) {
            case .notAnAttempt: continue
            case .attempt(let attempt): entries.append(Entry(line: line.number, attempt: attempt))
            case .malformed(let message): problems.append(Problem(line: line.number, message: message))
            }
        }
        // An id used twice: the later line is the one to renumber.
        let next = (entries.map(\.attempt.number).max() ?? 0) + 1
        var firstLine: [Int: Int] = [:]
        for entry in entries {
            if let first = firstLine[entry.attempt.number] {
                problems.append(
                    Problem(
                        line: entry.line,
                        message: "\(entry.attempt.id) is already the attempt on line \(first): give this one the next free number, A-\(next)"))
            } else {
                firstLine[entry.attempt.number] = entry.line
            }
        }
        return (entries, problems.sorted { $0.line < $1.line })
    }

    /// Adds an attempt after the last attempt of the `Attempts` section (after its indented
    /// continuation lines), or at the end of that section when it has none yet, or at the end of
    /// the file under a new `## Attempts` heading when there is no such section.
    public mutating func append(_ attempt: Attempt) {
        file.insert(attempt.line, after: entries.map(\.line), section: Self.sectionTitle)
    }
}

extension AttemptsDocument {
    /// The failed attempts since the last one that worked, in file order: what the author must
    /// escalate when there are ``escalateAfter`` or more.
    public var failedSinceLastWorked: [Entry] {
        let all = entries
        let start = (all.lastIndex { $0.attempt.result == .worked }).map { $0 + 1 } ?? 0
        return all[start...].filter { $0.attempt.result == .failed }
    }

    /// How many failed attempts in a row (none worked since) call for escalation.
    public static let escalateAfter = 3
}

extension SessionInput.File {
    /// The attempts log: every attempt at making the change work, failures included.
    public static let attempts = "ATTEMPTS.md"
}

extension SessionInput {
    /// The attempts of ATTEMPTS.md, when the session has the file.
    public var attempts: AttemptsDocument? {
        files[File.attempts].map(AttemptsDocument.init)
    }
}

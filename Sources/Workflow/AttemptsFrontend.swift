import Diagnostics
import Foundation
import Sessions

/// `rationale attempts …` on the active session's ATTEMPTS.md.
public enum AttemptsFrontend {
    /// What `attempts add` did.
    public struct Added {
        /// The attempt, as written.
        public var attempt: Attempt
        /// ATTEMPTS.md, relative to the repository root.
        public var file: String
        /// Whether the file was created by this add.
        public var created: Bool
        /// What `attempts_escalate` would say at close now, when the failures call for it.
        public var escalate: Finding?
    }

    /// Appends one attempt to the session's ATTEMPTS.md (created from its template when the
    /// session has none) and keeps every other line of the file as it was. Checks everything
    /// first: nothing is written when the text is empty, the result unknown, or a line of the
    /// file malformed.
    ///
    /// - Parameters:
    ///   - result: `failed`, `partial` or `worked` (any case).
    ///   - why: the error, or the figure that shows the result.
    ///   - by: who tried it.
    ///   - date: the day, `YYYY-MM-DD`.
    /// - Throws: ``SessionError/emptyAttempt(file:)``, ``SessionError/unknownAttemptResult(_:)``,
    ///   ``SessionError/malformedAttempt(file:line:message:)``, and what the workspace throws for
    ///   a link or a file that cannot be written.
    public static func add(
        _ workspace: Workspace, session requested: String?, text: String, result: String, why: String?, by: String?, date: String
    ) throws -> Added {
        let session = try workspace.activeSession(requested)
        let path = session.path(SessionInput.File.attempts)
        guard !oneLine(text).isEmpty else { throw SessionError.emptyAttempt(file: path) }
        guard let outcome = Attempt.Result(rawValue: result.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw SessionError.unknownAttemptResult(result)
        }
        let existing = session.files[SessionInput.File.attempts]
        let original = try existing ?? workspace.templates().render(SessionInput.File.attempts, ["title": session.metadata?.title ?? session.name])
        var document = AttemptsDocument(original)
        if let problem = document.problems.first {
            throw SessionError.malformedAttempt(file: path, line: problem.line, message: problem.message)
        }
        let number = max(try workspace.allSessions().compactMap { $0.attempts?.highestNumber }.max() ?? 0, document.highestNumber) + 1
        var attributes: [(key: String, value: String)] = []
        if let why = why.map(Loop.attributeValue), !why.isEmpty { attributes.append(("why", why)) }
        if let by = by.map(Loop.attributeValue), !by.isEmpty { attributes.append(("by", by)) }
        attributes.append(("at", date))
        var attempt = Attempt(number: number, result: outcome, text: oneLine(text), attributes: attributes)
        // The text must read back as itself: one ending in `[key: value]` would lose it to the
        // attributes, so its brackets become parentheses, as in an attribute value.
        if Attempt.parse(attempt.line) != .attempt(attempt) { attempt.text = Loop.attributeValue(attempt.text) }
        document.append(attempt)
        try workspace.replace(path, document.text)

        var written = session
        written.files[SessionInput.File.attempts] = document.text
        let escalate = AttemptsEscalateRule.check(written, RuleContext(closing: true)).first
        return Added(attempt: attempt, file: path, created: existing == nil, escalate: escalate)
    }

    /// What `attempts list` shows.
    public struct Listed {
        /// ATTEMPTS.md, relative to the repository root.
        public var file: String
        /// Whether the session has the file.
        public var exists: Bool
        /// The attempts, in file order, with their lines.
        public var entries: [AttemptsDocument.Entry]
        /// Lines that start like attempts but are not well formed.
        public var problems: [AttemptsDocument.Problem]
    }

    /// The attempts of the session's ATTEMPTS.md.
    public static func list(_ workspace: Workspace, session requested: String?) throws -> Listed {
        let session = try workspace.activeSession(requested)
        let document = session.attempts
        return Listed(
            file: session.path(SessionInput.File.attempts), exists: document != nil, entries: document?.entries ?? [],
            problems: document?.problems ?? [])
    }

    /// Text on one line, its ends trimmed.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

import Foundation
import Sessions

extension NarrativeDraft {
    /// One attempt a session logged: what was tried, how it ended, and why.
    public struct AttemptRow: Sendable, Encodable, Hashable {
        /// The session folder name.
        public var session: String
        /// `A-<n>`.
        public var id: String
        /// `failed`, `partial` or `worked`.
        public var result: String
        /// What was tried.
        public var text: String
        /// Why it ended so (empty when the line says nothing).
        public var why: String
    }

    /// What a medium-confidence decision or loop assumes.
    public struct Assumption: Sendable, Encodable, Hashable {
        /// The session folder name.
        public var session: String
        /// What it is about: `loaded: orders, stg_payments`, or a loop's id and question.
        public var subject: String
        /// The assumption, as the author wrote it.
        public var assumption: String
    }
}

extension NarrativeBuilder {
    /// The attempts of the sessions, session by session in the order they were tried.
    static func attempts(_ sessions: [SessionInput]) -> [NarrativeDraft.AttemptRow] {
        sessions.flatMap { session in
            (session.attempts?.attempts ?? []).map { attempt in
                NarrativeDraft.AttemptRow(
                    session: session.name, id: attempt.id, result: attempt.result.rawValue, text: attempt.text, why: attempt["why"] ?? "")
            }
        }
    }

    /// The assumptions of the sessions' medium-confidence decisions and loops (the author's
    /// decisions, not the context pack's).
    static func assumptions(_ sessions: [SessionInput]) -> [NarrativeDraft.Assumption] {
        sessions.flatMap { session -> [NarrativeDraft.Assumption] in
            let decisions = session.decisions.authorDecisions.compactMap { decision -> NarrativeDraft.Assumption? in
                guard decision.confidence == Confidence.medium.rawValue, let assumption = decision.assumption, !assumption.isEmpty else { return nil }
                return .init(
                    session: session.name, subject: "\(decision.verdict.rawValue): \(decision.names.joined(separator: ", "))", assumption: assumption)
            }
            let loops = (session.loops?.loops ?? []).compactMap { loop -> NarrativeDraft.Assumption? in
                guard loop.status != .proposed, loop[Confidence.key]?.lowercased() == Confidence.medium.rawValue,
                    let assumption = loop[Confidence.assumptionKey], !assumption.isEmpty
                else { return nil }
                return .init(session: session.name, subject: "\(loop.id) \(loop.text)", assumption: assumption)
            }
            return decisions + loops
        }
    }
}

extension NarrativeRenderer {
    /// The attempts as a Markdown table (attempt, result, why), every copied text escaped for
    /// a cell; the session named when the range holds several.
    static func attemptsTable(_ draft: NarrativeDraft) -> String {
        var lines = ["| attempt | result | why |", "|---|---|---|"]
        for attempt in draft.attempts {
            let session = draft.sessions.count > 1 ? " _(\(MarkdownSafety.cell(attempt.session)))_" : ""
            let result = attempt.result == "failed" ? "**failed**" : attempt.result
            let why = attempt.why.isEmpty ? "—" : MarkdownSafety.cell(attempt.why)
            lines.append("| \(attempt.id) \(MarkdownSafety.cell(attempt.text))\(session) | \(result) | \(why) |")
        }
        return lines.joined(separator: "\n")
    }

    /// One line under the table: how many of each result, and that failures stay on purpose.
    static func attemptsNote(_ draft: NarrativeDraft) -> String {
        let counts = Sessions.Attempt.Result.allCases.compactMap { result -> String? in
            let count = draft.attempts.filter { $0.result == result.rawValue }.count
            return count == 0 ? nil : "\(count) \(result.rawValue)"
        }
        let failed = draft.attempts.contains { $0.result == "failed" }
        return counts.joined(separator: ", ") + (failed ? " — the failures stay in the record: they show what was ruled out." : ".")
    }

    /// The assumptions as list items: what each is about, and what it assumes.
    static func assumptionItems(_ draft: NarrativeDraft) -> [String] {
        draft.assumptions.map { item in
            let session = draft.sessions.count > 1 ? " _(\(MarkdownSafety.cell(item.session)))_" : ""
            return "\(MarkdownSafety.cell(item.subject)): \(MarkdownSafety.cell(item.assumption))\(session)"
        }
    }
}

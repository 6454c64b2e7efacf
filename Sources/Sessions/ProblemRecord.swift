import Foundation

/// The problem statement as the author first gave it: `session start --problem` writes it into
/// SUMMARY.md and records its fingerprint in the session comment, so a later rewrite is allowed
/// but shows (in `session status` and beside the first statement in the narrative).
public enum ProblemRecord {
    /// The section that holds it.
    public static let title = ProblemStatementRule.title

    /// What the author wrote under `Problem, in my words`, on one line (comments and
    /// placeholders left out), or nil when nothing is written.
    public static func statement(in summary: String) -> String? {
        guard let section = MarkdownDocument(summary).section(title) else { return nil }
        let text = section.visibleBody.map { MarkdownText.withoutPlaceholders($0.text).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        return text.isEmpty ? nil : text
    }

    /// A statement's fingerprint: 16 hex digits of FNV-1a over its words (case, spacing and
    /// punctuation do not count as a rewrite). A change detector, not a signature.
    public static func digest(_ statement: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Substance.normalised(statement).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Why a statement given to `session start --problem` cannot be the problem, or nil: the
    /// same tests `problem_statement` and `problem_credits_agent` apply to SUMMARY.md.
    public static func refusal(_ statement: String) -> String? {
        let words = Substance.words(statement)
        if let credit = Substance.creditsAgent(words) {
            return
                "--problem credits the agent (`\(credit.agent) … \(credit.verb)`): say in your words what is wrong in the data or for whom, and how you know, e.g. \"orders counts refunds twice since payments are joined before they are summed: May revenue is 4 % above the ledger\""
        }
        guard words.count >= ProblemStatementRule.minimumWords else {
            return
                "--problem has \(words.count) word\(words.count == 1 ? "" : "s"): say in a full sentence (\(ProblemStatementRule.minimumWords)+ words) what is wrong, for whom, and how you will know it is fixed"
        }
        return nil
    }

    /// The statement as SUMMARY.md holds it: its own paragraphs, with nothing that Markdown or the
    /// tool would read as structure (a heading, a comment, a marker, a placeholder).
    public static func markdown(_ statement: String) -> String {
        TextLines(statement).lines.map { line -> String in
            var line = line.trimmingCharacters(in: .whitespaces)
                .replacingOccurrences(of: "<!--", with: "‹!--").replacingOccurrences(of: "-->", with: "--›")
                .replacingOccurrences(of: "[[", with: "[ [")
            if line.hasPrefix("#") { line = "\\" + line }
            return line
        }.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// SUMMARY.md with the statement in its problem section (in place of the section's first
    /// placeholder, or as its first line) and the fingerprint and base in its session comment.
    public static func recorded(_ statement: String, base: String?, in summary: String) -> String {
        let text = markdown(statement)
        var lines = TextLines(summary).lines
        let document = MarkdownDocument(summary)
        if let section = document.section(title), Self.statement(in: summary) == nil {
            if let placeholder = section.body.first(where: { $0.text.contains(MarkdownText.placeholderOpen) }) {
                lines[placeholder.number - 1] = text
            } else {
                lines.insert(contentsOf: ["", text], at: section.line)
            }
        }
        let written = TextLines(summary).with(lines).text
        guard var metadata = SessionMetadata.find(in: written).metadata else { return written }
        metadata.problem = digest(ProblemRecord.statement(in: written) ?? statement)
        metadata.base = base
        return metadata.applied(to: written)
    }

    /// Whether the statement differs from the one recorded at start: nil when none was recorded.
    public static func revised(_ session: SessionInput) -> Bool? {
        guard let recorded = session.metadata?.problem, let summary = session.files[SessionInput.File.summary] else { return nil }
        return digest(statement(in: summary) ?? "") != recorded
    }
}

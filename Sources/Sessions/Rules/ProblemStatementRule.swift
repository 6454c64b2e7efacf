import Diagnostics

/// The author states the problem in their own words — at least one real sentence — before the
/// agent solves it: the author stays the one who can explain the why.
public enum ProblemStatementRule: SessionRule {
    public static let id = "problem_statement"
    public static let description = "The `Problem, in my words` section states the problem in at least one real sentence."

    /// The section's title.
    public static let title = "Problem, in my words"
    /// The fewest words that count as a statement.
    public static let minimumWords = 8

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard let text = session.files[SessionInput.File.summary] else { return [] }
        let path = session.path(SessionInput.File.summary)
        // required_section already reports a missing or empty section when it is required.
        let required = context.requiredSections.contains { MarkdownDocument.normalisedTitle($0) == MarkdownDocument.normalisedTitle(title) }
        guard let section = MarkdownDocument(text).section(title) else {
            return required ? [] : [error(path, "add a `## \(title)` section: state the problem yourself before the agent solves it")]
        }
        if section.isEmpty {
            return required ? [] : [error(path, line: section.line, "state the problem in your own words under `\(section.title)`")]
        }
        let words = section.visibleBody.flatMap { line in
            MarkdownText.withoutPlaceholders(line.text).split { $0 == " " || $0 == "\t" }.filter { $0.contains { $0.isLetter } }
        }
        guard words.count >= minimumWords else {
            return [
                error(
                    path, line: section.line,
                    "the problem statement has \(words.count) word\(words.count == 1 ? "" : "s"): say in a full sentence (\(minimumWords)+ words) what is wrong, for whom, and how you know"
                )
            ]
        }
        return []
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "a real sentence"),
        RuleExample(
            triggers: true, "two words", line: .line(4),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "Orders double count refunds because payments are joined before they are aggregated per order.",
                    with: "fix orders")
            ]),
        RuleExample(
            triggers: false, "only an empty section: required_section reports it, not this rule",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "Orders double count refunds because payments are joined before they are aggregated per order.",
                    with: "[[fill: the problem]]")
            ]),
    ]
}

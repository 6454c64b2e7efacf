import Diagnostics

/// SUMMARY.md and CONTEXT.md cannot disagree on the budget or the tokens used: when both state a
/// figure, they state the same one. CONTEXT.md is the record (`rationale context --write` keeps
/// its figures); a SUMMARY.md copy that drifted is the author's to delete or correct.
public enum ContextFiguresRule: SessionRule {
    public static let id = "context_figures_differ"
    public static let description = "SUMMARY.md and CONTEXT.md state the same `Budget:` and `Used:` figures when both state them."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard let summaryText = session.files[SessionInput.File.summary], let contextText = session.files[SessionInput.File.context] else { return [] }
        var summary = ContextDecisions()
        summary.read(summaryText, file: session.path(SessionInput.File.summary))
        var record = ContextDecisions()
        record.read(contextText, file: session.path(SessionInput.File.context))
        var findings: [Finding] = []
        for (label, mine, theirs) in [("Budget", summary.budget, record.budget), ("Used", summary.used, record.used)] {
            guard let mine, let theirs, let a = mine.tokens, let b = theirs.tokens, a != b else { continue }
            findings.append(
                error(
                    mine.file, line: mine.line,
                    "`\(label): \(a) tokens` here, `\(label): \(b) tokens` in \(theirs.file):\(theirs.line): one session, two figures — delete this line (CONTEXT.md keeps the figures `rationale context --write` records) or make them equal"
                ))
        }
        return findings
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "only SUMMARY.md states figures"),
        RuleExample(
            triggers: false, "both state the same figures",
            files: [SessionInput.File.context: SessionSamples.context + "\nBudget: 4,000 tokens\nUsed: 2600 tokens\n"]),
        RuleExample(
            triggers: true, "the pack was rewritten at another budget, SUMMARY.md kept the old one", line: .line(17),
            files: [SessionInput.File.context: SessionSamples.context + "\nBudget: 2500 tokens\nUsed: 2600 tokens\n"]),
        RuleExample(
            triggers: true, "the tokens used differ", line: .line(18),
            files: [SessionInput.File.context: SessionSamples.context + "\nBudget: 4000 tokens\nUsed: 3100 tokens\n"]),
    ]
}

import Diagnostics

/// The context decisions declare a token budget and the tokens used, and stay within it.
public enum ContextBudgetRule: SessionRule {
    public static let id = "context_budget"
    public static let description = "The context decisions declare `Budget: N tokens` and `Used: M tokens`, with M ≤ N."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        let decisions = session.decisions
        guard decisions.sectionFound else { return [] } // required_section reports the missing section
        let summaryPath = session.path(SessionInput.File.summary)
        guard let budget = decisions.budget else {
            return [error(summaryPath, "no token budget declared: add `Budget: 4000 tokens` under `## Context decisions`")]
        }
        guard let limit = budget.tokens else {
            return [error(budget.file, line: budget.line, "the budget line holds no number: write e.g. `Budget: 4000 tokens`")]
        }
        guard let used = decisions.used else {
            return [
                error(
                    budget.file, line: budget.line,
                    "the tokens used are not declared: add `Used: N tokens` (`rationale tokens FILE` counts what you gave the agent)")
            ]
        }
        guard let spent = used.tokens else {
            return [error(used.file, line: used.line, "the `Used:` line holds no number: write e.g. `Used: 2600 tokens`")]
        }
        if spent > limit {
            return [
                error(
                    used.file, line: used.line,
                    "\(spent) tokens used against a budget of \(limit): narrow the context (summarise farther nodes, drop tests to names) or raise the budget and say why"
                )
            ]
        }
        return []
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "2600 of 4000"),
        RuleExample(
            triggers: true, "over budget", line: .line(18),
            files: [SessionInput.File.summary: RuleExample.summary(replacing: "Used: 2600 tokens", with: "Used: 5,200 tokens")]),
        RuleExample(
            triggers: true, "no budget", line: .none,
            files: [SessionInput.File.summary: RuleExample.summary(replacing: "Budget: 4000 tokens\n", with: "")]),
        RuleExample(
            triggers: true, "used left as a placeholder", line: .line(18),
            files: [SessionInput.File.summary: RuleExample.summary(replacing: "Used: 2600 tokens", with: "Used: [[fill: tokens used]] tokens")]),
        RuleExample(
            triggers: false, "bold labels and an approximate figure",
            files: [SessionInput.File.summary: RuleExample.summary(replacing: "Used: 2600 tokens", with: "**Used:** ~2,600 tokens")]),
    ]
}

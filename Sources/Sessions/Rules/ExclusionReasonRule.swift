import Diagnostics

/// Every exclusion says why: leaving a downstream model out of the agent's context is a claim
/// ("it needs no change") a reviewer must be able to check.
public enum ExclusionReasonRule: SessionRule {
    public static let id = "exclusion_reason"
    public static let description = "Every `excluded:` context decision gives its reason after an em dash."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        // An item whose names are still a placeholder is placeholder_left's to report.
        session.decisions.decisions.filter { $0.verdict == .excluded && $0.reason.isEmpty && !$0.names.isEmpty }.map { decision in
            let names = decision.names.joined(separator: ", ")
            return error(
                decision.file, line: decision.line,
                "`excluded: \(names)` gives no reason: write `- excluded: \(names.isEmpty ? "name" : names) — why it was left out`")
        }
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "the exclusion has a reason"),
        RuleExample(
            triggers: true, "no reason", line: .line(21),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "- excluded: revenue — downstream; reads only order_id and amount, whose meaning is kept",
                    with: "- excluded: revenue")
            ]),
        RuleExample(
            triggers: true, "only a placeholder for a reason", line: .line(21),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "downstream; reads only order_id and amount, whose meaning is kept",
                    with: "[[fill: why]]")
            ]),
        RuleExample(
            triggers: false, "a double hyphen separates the reason too",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "- excluded: revenue — downstream",
                    with: "- excluded: revenue -- downstream")
            ]),
    ]
}

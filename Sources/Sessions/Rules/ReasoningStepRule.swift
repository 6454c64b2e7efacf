import Diagnostics

/// The data engineer's reasoning protocol — Source, Destination, Transformation, Quality,
/// Performance, Operations — structures Reasoning: the steps the change needs (by what it
/// modifies: a staging fix two, a new model all six) are filled, or say why they are not affected.
public enum ReasoningStepRule: SessionRule {
    public static let id = "reasoning_step"
    public static let description =
        "`Reasoning` fills each protocol step the change needs (Transformation and Quality for a model change, all six for a new model, Destination under marts or with an exposure downstream …), or says `Not affected — because …`; no step is a stock phrase"

    /// The fewest words a filled step has.
    public static let minimumWords = 3

    /// Openings that say a step does not apply.
    static let notAffected = ["not affected", "n/a", "na", "none", "unchanged", "no change", "not applicable", "nothing"]

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard let requirements = context.reasoningSteps, let text = session.files[SessionInput.File.summary] else { return [] }
        let written = ReasoningSteps(summary: text)
        // No Reasoning section at all is required_section's to report.
        guard let sectionLine = written.sectionLine else { return [] }
        let path = session.path(SessionInput.File.summary)
        var findings: [Finding] = []
        for (step, node, key) in requirements.required(for: context.modified) {
            let found = written[step]
            guard found?.text.isEmpty ?? true else { continue }
            let state = found == nil ? "has no `\(step.title)` step" : "leaves the `\(step.title)` step empty"
            findings.append(
                error(
                    path, line: found?.line ?? sectionLine,
                    "Reasoning \(state), which \(why(node, key)) needs: \(step.question), e.g. `\(step.title): \(step.example)`, or `\(step.title): not affected — because …`"
                ))
        }
        for step in written.steps where !step.text.isEmpty {
            let words = Substance.words(step.text)
            let plain = Substance.normalised(step.text)
            if let opening = notAffected.first(where: { plain == $0 || plain.hasPrefix($0 + " ") }) {
                let rest = Substance.words(String(plain.dropFirst(opening.count)))
                if rest.count < minimumWords {
                    findings.append(
                        error(
                            path, line: step.line,
                            "the `\(step.step.title)` step says it is not affected without saying why: `\(step.step.title): not affected — because …` (e.g. the model stays a view of 12k rows)"
                        ))
                }
            } else if Substance.isBoilerplate(step.text) || words.count < minimumWords {
                findings.append(
                    error(
                        path, line: step.line,
                        "the `\(step.step.title)` step is too thin to check (`\(ReasoningHollowRule.shown(step.text))`): \(step.step.question), e.g. `\(step.step.example)`"
                    ))
            }
        }
        return findings
    }

    /// Why a node needs a step, in the words of a message.
    static func why(_ node: ModifiedNode, _ key: String) -> String {
        let name = "`\(node.name)`"
        switch key {
        case "new": return "the new \(node.resourceType) \(name)"
        case "deleted": return "deleting \(name)"
        case "incremental": return "the incremental model \(name)"
        case "exposure": return "\(name), with \(node.exposures.prefix(2).map { "`\($0)`" }.joined(separator: " and ")) downstream,"
        case node.resourceType: return "a change to the \(node.resourceType) \(name)"
        default: return "\(name), under \(key),"
        }
    }

    static let sample = SessionSamples.reasoning
    static let transformation =
        "Transformation: aggregating first keeps the grain at one row per order; a distinct would hide the fan-out."

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "a model change fills Transformation and Quality"),
        RuleExample(
            triggers: true, "Quality missing", line: .line(23),
            files: [SessionInput.File.summary: RuleExample.summary(replacing: sample, with: transformation)]),
        RuleExample(
            triggers: false, "as headings",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sample,
                    with:
                        "### Transformation\nAggregating first keeps one row per order.\n\n### Quality\n<!-- why: tests -->\nunique on order_id passes, 1,204 rows.\n\n### Source\n"
                )
            ]),
        RuleExample(
            triggers: true, "a required step left with only its comment", line: .line(27),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sample, with: "### Transformation\nAggregating first keeps one row per order.\n\n### Quality\n<!-- why: tests -->\n")
            ]),
        RuleExample(
            triggers: true, "prose without steps", line: .line(23),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sample, with: "Aggregating first keeps the grain at one row per order; a distinct would hide the fan-out.")
            ]),
        RuleExample(
            triggers: false, "not affected, with a reason",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "Quality: unique and not_null on order_id still pass, and row counts match before and after.",
                    with: "Quality: not affected — because the rows and keys of orders stay the same.")
            ]),
        RuleExample(
            triggers: true, "not affected, no reason", line: .line(25),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "Quality: unique and not_null on order_id still pass, and row counts match before and after.", with: "**Quality:** n/a")
            ]),
        RuleExample(
            triggers: true, "a stock phrase", line: .line(25),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "Quality: unique and not_null on order_id still pass, and row counts match before and after.", with: "- Quality: looks good")
            ]),
        RuleExample(
            triggers: true, "a new model needs all six", line: .line(23),
            modified: [ModifiedNode(name: "orders", uniqueID: "model.shop.orders", path: "models/marts/orders.sql", added: true)]),
        RuleExample(
            triggers: true, "an exposure downstream needs Destination", line: .line(23),
            modified: [
                ModifiedNode(name: "orders", uniqueID: "model.shop.orders", path: "models/marts/orders.sql", exposures: ["finance_dashboard"])
            ]),
        RuleExample(triggers: false, "nothing modified, nothing required", modified: []),
    ]
}

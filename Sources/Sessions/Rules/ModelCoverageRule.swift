import Diagnostics

/// Every model, seed and snapshot the change modifies or deletes is named in the context
/// decisions — loaded, or excluded with a reason — so the scoping of the change is a choice the
/// author made, not an accident.
public enum ModelCoverageRule: SessionRule {
    public static let id = "model_not_covered"
    public static let description = "Every model the change modifies is named in the context decisions (loaded, or excluded with a reason)."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard !context.modified.isEmpty else { return [] }
        let decisions = session.decisions
        let covered = decisions.coveredNames.union(context.coveredElsewhere)
        let summaryPath = session.path(SessionInput.File.summary)
        let line = session.files[SessionInput.File.summary].flatMap { MarkdownDocument($0).section(ContextDecisions.sectionTitle)?.line }
        return context.modified.filter { covered.isDisjoint(with: $0.aliases) }.map { node in
            let verb = node.deleted ? "deletes" : "modifies"
            return error(
                summaryPath, line: line,
                "the change \(verb) \(node.display), which the context decisions do not name: add `- loaded: \(node.name) — why the agent needed it` or `- excluded: \(node.name) — why it was left out` under `## Context decisions`"
            )
        }
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "the modified model is loaded"),
        RuleExample(
            triggers: true, "a second modified model is not named", line: .line(16),
            modified: SessionSamples.modified + [ModifiedNode(name: "customers", uniqueID: "model.shop.customers", path: "models/marts/customers.sql")]),
        RuleExample(
            triggers: false, "named by unique id in CONTEXT.md",
            files: [SessionInput.File.context: SessionSamples.context + "- excluded: model.shop.customers — only a comment changed\n"],
            modified: SessionSamples.modified + [ModifiedNode(name: "customers", uniqueID: "model.shop.customers", path: "models/marts/customers.sql")]),
        RuleExample(
            triggers: true, "a deleted model must be explained too", line: .line(16),
            modified: SessionSamples.modified + [
                ModifiedNode(name: "legacy_orders", uniqueID: "model.shop.legacy_orders", path: "models/marts/legacy_orders.sql", deleted: true)
            ]),
        RuleExample(
            triggers: false, "a versioned model named as name.vN",
            files: [SessionInput.File.context: SessionSamples.context + "- loaded: dim_customers.v2 — the new version\n"],
            modified: SessionSamples.modified + [
                ModifiedNode(name: "dim_customers", uniqueID: "model.shop.dim_customers.v2", path: "models/marts/dim_customers_v2.sql", version: "2")
            ]),
        RuleExample(
            triggers: false, "a name inside a longer word does not count, but this one is whole",
            files: [SessionInput.File.context: SessionSamples.context + "- loaded: `stg_orders`, orders_daily — inputs\n"],
            modified: [ModifiedNode(name: "orders_daily", uniqueID: "model.shop.orders_daily", path: "models/marts/orders_daily.sql")]),
        RuleExample(
            triggers: true, "orders is named, orders_daily is not", line: .line(16),
            modified: [ModifiedNode(name: "orders_daily", uniqueID: "model.shop.orders_daily", path: "models/marts/orders_daily.sql")]),
    ]
}

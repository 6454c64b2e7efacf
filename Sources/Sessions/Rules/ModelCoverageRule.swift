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
        let summaryPath = session.path(SessionInput.File.summary)
        let line = session.files[SessionInput.File.summary].flatMap { MarkdownDocument($0).section(ContextDecisions.sectionTitle)?.line }
        return context.modified.filter { !decisions.covers($0, elsewhere: context.coveredElsewhere) }.map { node in
            let verb = node.deleted ? "deletes" : "modifies"
            if decisions.coveredByToolOnly(node) {
                return error(
                    summaryPath, line: line,
                    "the change \(verb) \(node.display), which only `rationale context --write`'s record names (what the pack held, not why): add your own `- loaded: \(node.name) — why the agent needed it` or `- excluded: \(node.name) — why it was left out` under `## Context decisions` (a macro it calls, a folder, a glob, `tag:NAME` or `name+` covers it too)"
                )
            }
            return error(
                summaryPath, line: line,
                "the change \(verb) \(node.display), which the context decisions do not name: add `- loaded: \(node.name) — why the agent needed it` or `- excluded: \(node.name) — why it was left out` under `## Context decisions` (a macro it calls, a folder, a glob like `stg_x__*`, `tag:NAME` or `name+` covers it too)"
            )
        }
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "the modified model is loaded"),
        RuleExample(
            triggers: true, "named only by the pack's record, which `context --write` wrote", line: .line(16),
            files: [
                SessionInput.File.summary: RuleExample.summary(replacing: "- loaded: orders, stg_payments — the join being fixed and its input\n", with: ""),
                SessionInput.File.context: SessionSamples.context.replacingOccurrences(
                    of: "- loaded: orders — the model whose join changes\n",
                    with: "\(ContextDecisions.packBegin)\n- loaded: orders — changed by the edit: in full\n\(ContextDecisions.packEnd)\n"),
            ]),
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
            triggers: false, "a macro covers the models that call it, directly or not",
            files: [SessionInput.File.context: SessionSamples.context + "- loaded: cents — the edit; its callers only change through it\n"],
            modified: SessionSamples.modified
                + (0..<3).map {
                    ModifiedNode(name: "fin_\($0)", uniqueID: "model.shop.fin_\($0)", path: "models/fin/fin_\($0).sql", macros: ["to_dollars", "cents"])
                }),
        RuleExample(
            triggers: false, "a folder, a glob, a tag and a selector each cover what they select",
            files: [
                SessionInput.File.context: SessionSamples.context
                    + "- loaded: models/fin/, stg_pay__*, tag:finance, stg_base+ — what they select\n"
            ],
            modified: SessionSamples.modified + [
                ModifiedNode(name: "fin_0", uniqueID: "model.shop.fin_0", path: "dbt/models/fin/fin_0.sql", projectPath: "models/fin/fin_0.sql"),
                ModifiedNode(name: "stg_pay__cards", uniqueID: "model.shop.stg_pay__cards", path: "dbt/models/staging/stg_pay__cards.sql"),
                ModifiedNode(name: "ledger", uniqueID: "model.shop.ledger", path: "dbt/models/ledger.sql", tags: ["finance"]),
                ModifiedNode(name: "int_base", uniqueID: "model.shop.int_base", path: "dbt/models/int_base.sql", ancestors: ["stg_base"]),
            ]),
        RuleExample(
            triggers: true, "a glob that selects other models does not cover this one", line: .line(16),
            files: [SessionInput.File.context: SessionSamples.context + "- loaded: stg_pay__* — the payment models\n"],
            modified: SessionSamples.modified + [ModifiedNode(name: "stg_orders_v2", uniqueID: "model.shop.stg_orders_v2", path: "models/stg_orders_v2.sql")]),
        RuleExample(
            triggers: true, "orders is named, orders_daily is not", line: .line(16),
            modified: [ModifiedNode(name: "orders_daily", uniqueID: "model.shop.orders_daily", path: "models/marts/orders_daily.sql")]),
    ]
}

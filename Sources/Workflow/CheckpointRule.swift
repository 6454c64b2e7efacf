import Diagnostics
import Foundation
import Narrative
import Proof
import Sessions

/// `checkpoint_unmet`: every checkpoint of `.rationale.yml` that applies to the pull request is
/// met — each artifact present, each criterion shown.
public enum CheckpointRule: Rule {
    public static let id = "checkpoint_unmet"
    public static let description =
        "each checkpoint of `.rationale.yml` that applies to the pull request (by the paths it changes or the kind of change) shows what it requires: sections, passing tests, files, ticked criteria"

    /// The findings: one per requirement not met, on the pull request description.
    public static func check(_ input: CheckpointInput) -> [Finding] {
        input.evaluate().flatMap { checkpoint, trigger, items in
            items.filter { $0.metBy == nil }.map { item in
                Finding(
                    severity: .error, location: .init(file: PullRequestBodyRules.file), ruleID: id,
                    message: "checkpoint `\(checkpoint.name)` (\(trigger)) requires \(item.requirement.label): \(item.missing)")
            }
        }
    }

    static let marts = Checkpoint(
        name: "marts release", paths: ["models/marts/**"], changes: ["incremental"],
        requirements: [.section("Backfill plan"), .testsPass, .file("proof/*.csv"), .checked("exposure owners told")])

    static func input(
        body: String?, paths: [String] = ["models/marts/orders.sql", "proof/orders.csv"],
        results: [(String, String)]? = [("test.shop.not_null_orders_id.1a", "pass")], checkpoint: Checkpoint = marts
    ) -> CheckpointInput {
        CheckpointInput(
            checkpoints: [checkpoint], modified: [ModifiedNode(name: "orders", uniqueID: "model.shop.orders", path: "models/marts/orders.sql")],
            paths: paths, body: body, sessions: [], proof: results.map { ProofExample.sample($0) })
    }

    static let complete = "## Backfill plan\nOne --full-refresh of orders after merge, Sunday 02:00.\n\n- [x] Exposure owners told (finance, #data)\n"

    static let examples: [(triggers: Bool, note: String, line: ExpectedLine?, input: CheckpointInput)] = [
        (false, "everything shown", nil, input(body: complete)),
        (false, "does not apply: nothing under marts changes", nil, input(body: nil, paths: ["models/staging/stg_orders.sql"])),
        (true, "no backfill plan", ExpectedLine.none, input(body: "- [x] exposure owners told\n")),
        (true, "no run results", ExpectedLine.none, input(body: complete, results: nil)),
        (true, "a test failed", ExpectedLine.none, input(body: complete, results: [("test.shop.not_null_orders_id.1a", "fail")])),
        (true, "no proof file", ExpectedLine.none, input(body: complete, paths: ["models/marts/orders.sql"])),
        (true, "owners not told: the box is not ticked", ExpectedLine.none, input(body: complete.replacingOccurrences(of: "[x]", with: "[ ]"))),
        (true, "a proof from data is required and none is given", ExpectedLine.none, input(body: nil, checkpoint: proofRequired)),
        (false, "the proof proves the modified model", nil, proved(["model.shop.orders"])),
        (true, "the proof leaves the modified model out", ExpectedLine.none, proved(["model.shop.customers"])),
    ]

    static let proofRequired = Checkpoint(name: "marts proof", paths: ["models/marts/**"], requirements: [.proof])

    /// The marts change with a proof that compared these models.
    static func proved(_ ids: [String]) -> CheckpointInput {
        let models = ids.map { id in
            ModelProof(
                name: String(id.split(separator: ".").last ?? ""), uniqueID: id, resourceType: "model", role: "modified", distance: 0, status: .compared,
                production: .init(relation: "p", rows: 3), branch: .init(relation: "b", rows: 2))
        }
        let report = ProofReport(
            tool: "rationale", generatedAt: "2026-12-01T00:00:00Z", base: nil, head: nil, state: "prod", manifest: "target/manifest.json", target: nil,
            dbt: .init(executable: "dbt", version: nil, adapter: nil, invocations: 1, seconds: 1), models: models)
        var input = input(body: nil, checkpoint: proofRequired)
        input.dataProof = report
        return input
    }

    public static func exampleRuns() -> [RuleExampleRun] {
        examples.map { RuleExampleRun(triggers: $0.triggers, note: $0.note, line: $0.line, findings: check($0.input)) }
    }
}

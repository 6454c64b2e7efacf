import Foundation
import Testing
import _TestSupport

/// `gate --proof`: the proof of `rationale prove` against the sessions of the pull request, and
/// the checkpoint requirement `proof: required`.
@Suite("rationale gate --proof, end to end")
struct GateDataProofTests {
    /// A proof.json of the shop's change: stg_orders and orders changed as meant; revenue, which
    /// the session excludes, `revenueChanged` rows.
    static func proof(head: String, revenueChanged: Int, ordersDuplicates: Int = 0) -> String {
        func model(_ name: String, role: String, changed: Int, duplicates: Int = 0) -> String {
            """
            {"name": "\(name)", "unique_id": "model.shop.\(name)", "resource_type": "model", "role": "\(role)", "distance": \(role == "modified" ? 0 : 2),
             "status": "compared", "production": {"relation": "p.\(name)", "rows": 10}, "branch": {"relation": "b.\(name)", "rows": 10},
             "schema_change": {"added": [], "removed": [], "retyped": []},
             "key": {"columns": ["id"], "source": "unique and not_null tests on `id`", "production": {"duplicates": 0, "nulls": 0}, "branch": {"duplicates": \(duplicates), "nulls": 0}},
             "values": {"columns": ["amount"], "basis": "b", "compared_as_text": [], "added": 0, "removed": 0, "changed": \(changed), "unchanged": \(10 - changed),
                        "by_column": [{"name": "amount", "changed": \(changed)}], "examples": []},
             "notes": []}
            """
        }
        return """
            {"schema": "rationale.proof/1", "tool": "rationale test", "generated_at": "2099-01-01T00:00:00Z", "base": null, "head": "\(head)",
             "state": "prod", "manifest": "target/manifest.json", "target": "dev",
             "dbt": {"executable": "dbt", "version": "1.11.16", "adapter": "duckdb", "invocations": 1, "seconds": 2.0},
             "models": [\(model("stg_orders", role: "modified", changed: 3)), \(model("orders", role: "modified", changed: 2, duplicates: ordersDuplicates)),
                        \(model("revenue", role: "excluded", changed: revenueChanged))],
             "findings": [], "notes": []}
            """
    }

    @Test func anExclusionTheDataContradictsFailsTheGate() throws {
        let repo = try narrativeRepository()
        let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let proofs = FileManager.default.temporaryDirectory.appendingPathComponent("proofs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: proofs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: proofs) }
        try Data(Self.proof(head: head, revenueChanged: 0).utf8).write(to: URL(fileURLWithPath: proofs + "/held.json"))
        try Data(Self.proof(head: head, revenueChanged: 4).utf8).write(to: URL(fileURLWithPath: proofs + "/broken.json"))
        try Data(Self.proof(head: head, revenueChanged: 0, ordersDuplicates: 2).utf8).write(to: URL(fileURLWithPath: proofs + "/grain.json"))

        let held = try rationale(["gate", "--base", "main", "--proof", proofs + "/held.json"], in: repo)
        #expect(held.status == 0, "\(held.stdout)\(held.stderr)")

        let broken = try rationale(["gate", "--base", "main", "--proof", proofs + "/broken.json"], in: repo)
        #expect(broken.status == 1)
        #expect(
            broken.stdout.contains(
                ".project/sessions/2026-11-20-drop-cancelled-orders/SUMMARY.md:20: error: the session excludes `revenue` (sums amount over orders; cancelled rows had amount 0 | so totals hold), but"
            ), "\(broken.stdout)")
        #expect(broken.stdout.contains("shows its data changed (4 changed): take the exclusion back and check `revenue`"))
        #expect(broken.stdout.contains("[excluded_data_changed]"))

        let grain = try rationale(["gate", "--base", "main", "--proof", proofs + "/grain.json"], in: repo)
        #expect(grain.status == 1)
        #expect(grain.stdout.contains("`orders` has 2 key values held by more than one row in its key `id` on the branch"), "\(grain.stdout)")

        // Of another commit, and committed in the pull request.
        repo.write("proof.json", Self.proof(head: "0123456789abcdef", revenueChanged: 0))
        _ = try repo.commit("proof")
        let committed = try rationale(["gate", "--base", "main", "--proof", "proof.json"], in: repo)
        #expect(committed.status == 1)
        #expect(committed.stdout.contains("proof.json: error: proof.json is committed in the pull request, and whoever opens one can write it"))
        #expect(committed.stdout.contains("proof.json: warning: proof.json is of commit 0123456789, not of the head"), "\(committed.stdout)")
        let missing = try rationale(["gate", "--base", "main", "--proof", "nope.json"], in: repo)
        #expect(missing.status == 2 && missing.stderr.contains("--proof nope.json: no such file"), "\(missing.stderr)")
    }

    @Test func aCheckpointCanRequireAProof() throws {
        let repo = try narrativeRepository()
        repo.write(
            ".rationale.yml", "checkpoints:\n  - name: marts proof\n    when: {paths: [\"dbt/models/marts/**\"]}\n    require:\n      - proof: required\n")
        _ = try repo.commit("checkpoint")
        let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let without = try rationale(["gate", "--base", "main"], in: repo)
        #expect(without.status == 1)
        #expect(
            without.stdout.contains(
                "checkpoint `marts proof` (dbt/models/marts/orders.sql matches `dbt/models/marts/**`) requires a proof from data: no proof from data: after the branch's dbt build, run `rationale prove"
            ), "\(without.stdout)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("proof-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(Self.proof(head: head, revenueChanged: 0).utf8).write(to: URL(fileURLWithPath: file))
        let with = try rationale(["gate", "--base", "main", "--proof", file], in: repo)
        #expect(with.status == 0, "\(with.stdout)")
        let narrative = try rationale(["narrate", "--base", "main", "--proof", file], in: repo)
        #expect(narrative.stdout.contains("- [x] **marts proof**: a proof from data — 3 models proved in"), "\(narrative.stdout)")

        repo.write(".rationale.yml", "checkpoints:\n  - name: p\n    require:\n      - proof: maybe\n")
        let bad = try rationale(["gate", "--base", "main"], in: repo)
        #expect(bad.status == 2 && bad.stderr.contains(".rationale.yml:4: `proof:` takes `required`"), "\(bad.stderr)")
    }
}

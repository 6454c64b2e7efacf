import Foundation
import Testing
import _TestSupport

/// Checkpoints of `.rationale.yml`: a marts change must show a backfill plan, passing tests, a
/// proof file and the owners told; the gate holds the pull request to each, and the narrative
/// shows the checklist with what satisfied each line.
@Suite("checkpoints, end to end")
struct CheckpointTests {
    static let config = """
        checkpoints:
          - name: marts release
            when:
              paths: ["dbt/models/marts/**"]
            require:
              - section: Backfill plan
              - tests: pass
              - file: "proof/*.csv"
              - checked: exposure owners told
          - name: seeds
            when: {changes: [seed]}
            require:
              - section: Source contract
        """

    func repository() throws -> ScratchRepository {
        let repo = try narrativeRepository()
        repo.write(".rationale.yml", Self.config)
        _ = try repo.commit("checkpoints")
        return repo
    }

    @Test func theGateNamesEachRequirementNotMetAndPassesWhenAllAreShown() throws {
        let repo = try repository()
        repo.write("body.md", "## Drop cancelled orders\n\n**Validation:** 120 fewer rows, all cancelled.\n")
        let bare = try rationale(["gate", "--base", "main", "--pr-body-file", repo.absolute("body.md")], in: repo)
        #expect(bare.status == 1)
        let checkpoint = "checkpoint `marts release` (dbt/models/marts/orders.sql matches `dbt/models/marts/**`) requires"
        for requirement in [
            "section `Backfill plan`: add a filled `## Backfill plan` section",
            "tests pass: no run results: run `dbt build` in the job and pass its run_results.json with `gate --run-results`",
            "a file matching `proof/*.csv`: commit a file matching `proof/*.csv`",
            "“exposure owners told” ticked: tick `- [x] exposure owners told`",
        ] {
            #expect(bare.stdout.contains("\(checkpoint) \(requirement)"), "\(requirement): \(bare.stdout)")
        }
        #expect(bare.stdout.components(separatedBy: "[checkpoint_unmet]").count - 1 == 4)
        #expect(!bare.stdout.contains("checkpoint `seeds`"), "no seed changes: that checkpoint does not apply")

        repo.write("proof/orders_before_after.csv", "day,before,after\n2026-11-01,1204,1187\n")
        let summary = ".project/sessions/2026-11-20-drop-cancelled-orders/SUMMARY.md"
        let text = try #require(repo.read(summary))
        repo.write(
            summary,
            text.replacingOccurrences(
                of: "## Excluded scope",
                with: "stg_orders has no test of its own: a pass-through view, checked by the row counts of orders.\n\n## Excluded scope"))
        _ = try repo.commit("proof")
        repo.write(
            "results.json",
            #"{"metadata": {"generated_at": "2099-01-01T00:00:00Z"}, "results": [{"unique_id": "test.shop.unique_orders_id.1a2b3c4d5e", "status": "pass"}, {"unique_id": "test.shop.not_null_orders_id.5e4d3c2b1a", "status": "pass"}]}"#
        )
        repo.write(
            "body.md",
            """
            ## Drop cancelled orders

            **Validation:** 120 fewer rows, all cancelled.

            ## Backfill plan
            One --full-refresh of orders after merge, on Sunday at 02:00.

            - [x] Exposure owners told (finance, in #data)
            """)
        let met = try rationale(
            ["gate", "--base", "main", "--pr-body-file", repo.absolute("body.md"), "--run-results", repo.absolute("results.json")], in: repo)
        #expect(!met.stdout.contains("[checkpoint_unmet]"), "\(met.stdout)")
        #expect(met.status == 0, "\(met.stdout)\(met.stderr)")
    }

    @Test func theNarrativeShowsTheChecklist() throws {
        let repo = try repository()
        repo.write("proof/orders.csv", "day,before,after\n")
        _ = try repo.commit("proof")
        let run = try rationale(["narrate", "--base", "main"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("### Checkpoints"))
        #expect(run.stdout.contains("- [x] **marts release**: a file matching `proof/*.csv` — `proof/orders.csv`"), "\(run.stdout)")
        #expect(run.stdout.contains("- [ ] **marts release**: tests pass — no run results"), "\(run.stdout)")
    }

    @Test func aBadCheckpointIsNamedWithItsLine() throws {
        let repo = try narrativeRepository()
        repo.write(".rationale.yml", "checkpoints:\n  - name: marts\n    require:\n      - tests: green\n")
        let run = try rationale(["gate", "--base", "main"], in: repo)
        #expect(run.status == 2)
        #expect(run.stderr.contains(".rationale.yml:4: `tests:` takes `pass`"), "\(run.stderr)")
    }
}

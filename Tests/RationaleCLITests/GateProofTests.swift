import Foundation
import Testing
import _TestSupport

@Suite("rationale gate --run-results, end to end")
struct GateProofTests {
    func results(_ lines: [String], generated: String = "2099-01-01T00:00:00Z") -> String {
        "{\"metadata\": {\"generated_at\": \"\(generated)\"}, \"results\": [\n" + lines.joined(separator: ",\n") + "\n]}"
    }

    func result(_ id: String, _ status: String, failures: Int? = nil) -> String {
        "{\"unique_id\": \"\(id)\", \"status\": \"\(status)\", \"failures\": \(failures.map(String.init) ?? "null"), \"compiled_code\": \"select 1\"}"
    }

    func explain(_ repo: ScratchRepository, _ line: String) throws {
        let path = ".project/sessions/2026-11-20-drop-cancelled-orders/SUMMARY.md"
        repo.write(path, try #require(repo.read(path)).replacingOccurrences(of: "## Excluded scope\n", with: "\(line)\n\n## Excluded scope\n"))
        _ = try repo.commit("explain")
    }

    @Test func aFailedTestOfAModifiedModelBlocksTheGateAndIsNamed() throws {
        let repo = try narrativeRepository()
        repo.write(
            "target/run_results.json",
            results([
                result("model.shop.orders", "success"), result("test.shop.unique_orders_id.1a2b3c4d5e", "pass"),
                result("test.shop.not_null_orders_id.5e4d3c2b1a", "fail", failures: 3), result("test.shop.unique_customers_id.9f", "fail", failures: 1),
            ]))
        let run = try rationale(["gate", "--base", "main", "--run-results", "target/run_results.json"], in: repo)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(
            run.stdout.contains("target/run_results.json: error: test `not_null_orders_id` on `orders` failed (3 failing rows), and this change reaches it"),
            "\(run.stdout)")
        #expect(run.stdout.contains("[run_failed]"))
        // A failure of a test the change does not reach is not this change's.
        #expect(!run.stdout.contains("unique_customers_id"))
        // stg_orders is modified and no test ran on it.
        #expect(run.stdout.contains("`stg_orders` is modified but target/run_results.json ran no test on it"), "\(run.stdout)")
        #expect(run.stdout.contains("[model_untested]"))
    }

    @Test func aSessionThatExplainsTheFailureAndTheMissingTestPasses() throws {
        let repo = try narrativeRepository()
        try explain(
            repo,
            "Known: not_null_orders_id fails on 3 legacy rows until the backfill runs.\nstg_orders has no test of its own: a filter over raw, checked by the row counts in the PR."
        )
        repo.write(
            "target/run_results.json",
            results([result("model.shop.orders", "success"), result("test.shop.not_null_orders_id.5e4d3c2b1a", "fail", failures: 3)]))
        let run = try rationale(["gate", "--base", "main", "--run-results", "target/run_results.json"], in: repo)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("SUMMARY.md:"), "the explained failure is still shown, where it is explained: \(run.stdout)")
        #expect(
            run.stdout.contains(
                "warning: test `not_null_orders_id` on `orders` failed (3 failing rows) in target/run_results.json; the session explains it here"))
    }

    /// Commits `file` with a committer date of its own.
    func commit(_ repo: ScratchRepository, _ file: String, _ message: String, at date: String) throws {
        _ = try repo.git("add", "--", file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "commit", "-q", "-m", message]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = repo.environment.merging(["GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date]) { _, new in new }
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func aBuildBeforeACommitOfSessionFilesOnlyIsStillCurrent() throws {
        let repo = try narrativeRepository()
        try explain(repo, "stg_orders has no test of its own: checked by row counts.")
        repo.write("built.json", results([result("test.shop.unique_orders_id.1a2b3c4d5e", "pass")], generated: "2024-01-03T00:00:00Z"))
        let path = ".project/sessions/2026-11-20-drop-cancelled-orders/SUMMARY.md"
        repo.write(path, try #require(repo.read(path)) + "\nClosed after the build.\n")
        try commit(repo, path, "close the session", at: "2024-01-05T00:00:00+00:00")
        let current = try rationale(["gate", "--base", "main", "--run-results", "built.json"], in: repo)
        #expect(current.status == 0, "\(current.stdout)\(current.stderr)")
        #expect(!current.stdout.contains("[run_results_stale]"), "a session-only commit does not make the build stale: \(current.stdout)")
        repo.write("dbt/models/staging/stg_orders.sql", try #require(repo.read("dbt/models/staging/stg_orders.sql")) + "\n-- after the build\n")
        try commit(repo, "dbt/models/staging/stg_orders.sql", "code after the build", at: "2024-01-06T00:00:00+00:00")
        let stale = try rationale(["gate", "--base", "main", "--run-results", "built.json"], in: repo)
        #expect(
            stale.stdout.contains("built.json was written at 2024-01-03T00:00:00Z — before the last commit that changes more than session files"),
            "\(stale.stdout)")
    }

    @Test func staleOrForeignRunResultsAreReported() throws {
        let repo = try narrativeRepository()
        try explain(repo, "stg_orders has no test of its own: checked by row counts.")
        repo.write(
            "old.json",
            results([result("test.shop.unique_orders_id.1a2b3c4d5e", "pass")], generated: "2020-01-01T00:00:00.000000Z"))
        let old = try rationale(["gate", "--base", "main", "--run-results", "old.json"], in: repo)
        #expect(old.status == 0, "\(old.stdout)")
        #expect(
            old.stdout.contains(
                "old.json: warning: old.json was written at 2020-01-01T00:00:00.000000Z — before the last commit that changes more than session files"),
            "\(old.stdout)")
        repo.write("other.json", results([result("model.shop.customers", "success")]))
        let other = try rationale(["gate", "--base", "main", "--run-results", "other.json"], in: repo)
        #expect(other.stdout.contains("has no result for any node this change modifies or reaches: it is of another selection"), "\(other.stdout)")
        // Committed in the pull request: whoever opens it wrote the proof.
        repo.write("dbt/target/run_results.json", results([result("test.shop.unique_orders_id.1a2b3c4d5e", "pass")]))
        _ = try repo.commit("results")
        let committed = try rationale(["gate", "--base", "main", "--run-results", "dbt/target/run_results.json"], in: repo)
        #expect(committed.status == 1)
        #expect(
            committed.stdout.contains("dbt/target/run_results.json is committed in the pull request, and whoever opens one can write it"), "\(committed.stdout)"
        )
        let missing = try rationale(["gate", "--base", "main", "--run-results", "nope.json"], in: repo)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--run-results nope.json: no such file"))
        repo.write("bad.json", "not json")
        let bad = try rationale(["gate", "--base", "main", "--run-results", "bad.json"], in: repo)
        #expect(bad.status != 0 && bad.stderr.contains("bad.json has no `results` list"), "\(bad.stderr)")
    }
}

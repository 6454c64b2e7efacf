import Foundation
import Testing
import _TestSupport

@Suite("rationale context, end to end")
struct ContextCommandTests {
    @Test func thePackPutsTheModifiedModelFirstAndEndsWithItsDecisions() throws {
        let repo = try narrativeRepository()
        try repo.git("checkout", "-q", "main")
        repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders where status != 'void'\n")
        let run = try rationale(["context", "--budget", "1500"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        let text = run.stdout
        let modified = try #require(text.range(of: "### stg_orders (model, staging)"))
        let neighbours = try #require(text.range(of: "## Direct parents and children"))
        #expect(modified.lowerBound < neighbours.lowerBound)
        #expect(text.contains("```sql\nselect * from raw.orders where status != 'void'\n```"))
        #expect(text.contains("- `int_order_payments` (child; model, intermediate)"))
        #expect(text.contains("## Farther downstream and upstream (by name, nearest first)\n`orders` (2), `revenue` (3), `finance_dashboard` (4)"))
        #expect(text.contains("Budget: 1500 tokens"))
        #expect(text.contains("- loaded: stg_orders — modified by the change"))
        let used = try #require(text.components(separatedBy: "Used: ").dropFirst().first?.split(separator: " ").first.flatMap { Int($0) })
        #expect(used <= 1500)
    }

    @Test func aSmallBudgetDropsFartherNodesWithAReasonAndExpandWidensOneBranch() throws {
        let repo = try narrativeRepository()
        try repo.git("checkout", "-q", "main")
        repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders where status != 'void'\n")
        // The smallest budget that holds the modified node: everything else must go, with a reason.
        var budget = 200
        var small = try rationale(["context", "--budget", "\(budget)", "--format", "json"], in: repo)
        while small.status == 1, budget < 2_000 {
            budget += 20
            small = try rationale(["context", "--budget", "\(budget)", "--format", "json"], in: repo)
        }
        #expect(small.status == 0, "\(small.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(small.stdout.utf8)) as? [String: Any])
        #expect((object["tokens"] as? Int).map { $0 <= budget } == true)
        let decisions = try #require(object["decisions"] as? [[String: Any]])
        #expect(decisions.contains { ($0["verdict"] as? String) == "excluded" && ($0["reason"] as? String)?.contains("budget") == true }, "\(small.stdout)")
        let expanded = try rationale(["context", "--budget", "3000", "--expand", "orders"], in: repo)
        #expect(expanded.stdout.contains("### orders (model, marts, incremental)"))
        #expect(expanded.stdout.contains("- loaded: orders — expanded on request"))
        #expect(expanded.stdout.contains("- `revenue` (child; model, marts, table)"))
        let unknown = try rationale(["context", "--expand", "nope"], in: repo)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--expand nope: no such node"))
    }

    @Test func whenEvenTheModifiedNodesDoNotFitItSaysHowToNarrow() throws {
        let repo = try narrativeRepository()
        try repo.git("checkout", "-q", "main")
        repo.write(
            "dbt/models/staging/stg_orders.sql", (0..<300).map { "select \($0) as c from raw.orders union all" }.joined(separator: "\n") + "\nselect 1\n")
        let run = try rationale(["context", "--budget", "500"], in: repo)
        #expect(run.status == 1)
        #expect(run.stderr.contains("over the budget of 500: narrow with --select NAME (one of stg_orders) or raise --budget"))
        #expect(run.stdout.isEmpty)
    }

    @Test func writeRecordsTheDecisionsAndTheSessionRulesAccept() throws {
        let repo = try narrativeRepository()
        try repo.git("checkout", "-q", "-b", "next", "main")
        repo.write("dbt/models/staging/stg_payments.sql", "select * from raw.payments where amount > 0\n")
        _ = try rationale(["session", "start", "Positive payments"], in: repo)
        let folder = try #require(sessionFolders(repo).first { $0.hasSuffix("positive-payments") })
        let written = try rationale(["context", "--budget", "2000", "--write"], in: repo)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stderr.contains("decisions recorded in .project/sessions/\(folder)/CONTEXT.md"))
        let context = try #require(repo.read(".project/sessions/\(folder)/CONTEXT.md"))
        #expect(context.contains("<!-- rationale:context:begin -->\nBudget: 2000 tokens\nUsed: "))
        #expect(context.contains("- loaded: stg_payments — modified by the change"))
        #expect(!context.contains("[[fill:"))
        // A second write replaces the block instead of adding one.
        _ = try rationale(["context", "--budget", "2500", "--write"], in: repo)
        let again = try #require(repo.read(".project/sessions/\(folder)/CONTEXT.md"))
        #expect(again.components(separatedBy: "<!-- rationale:context:begin -->").count == 2)
        #expect(again.contains("Budget: 2500 tokens"))
        // Filled in the way an author would, SUMMARY.md without its own decisions: the rules pass.
        try fillSession(repo, folder, loaded: ["stg_payments"], excluded: [])
        let path = ".project/sessions/\(folder)/SUMMARY.md"
        repo.write(path, try #require(repo.read(path)).replacingOccurrences(of: "Used: 1800 tokens", with: "Used: 1700 tokens"))
        repo.write(".project/sessions/\(folder)/CONTEXT.md", again)
        let status = try rationale(["session", "status"], in: repo)
        #expect(status.status == 0, "\(status.stdout)")
    }

    @Test func outsideDbtThePackIsTheChangedFiles() throws {
        let repo = ScratchRepository()
        repo.write("etl/load.py", "def load():\n    return 1\n")
        _ = try repo.commit("base")
        repo.write("etl/load.py", "def load():\n    return 2\n")
        repo.write("etl/new.sql", "select 1\n")
        let run = try rationale(["context", "--budget", "800"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("### etl/load.py\n\n```diff\ndiff --git a/etl/load.py b/etl/load.py"))
        #expect(run.stdout.contains("-    return 1\n+    return 2"))
        #expect(run.stdout.contains("### etl/new.sql (whole file)"))
        #expect(run.stdout.contains("- loaded: etl/load.py, etl/new.sql — changed files: their diffs"))
    }
}

@Suite("rationale context --write, details")
struct ContextWriteTests {
    @Test func theTemplatesOwnFiguresGiveWayToThePacks() throws {
        let repo = try shopRepository()
        repo.write("dbt/models/staging/stg_orders.sql", "select 2 from raw.orders\n")
        _ = try rationale(["session", "start", "x"], in: repo)
        let folder = try #require(sessionFolders(repo).first)
        _ = try rationale(["context", "--budget", "1500", "--write"], in: repo)
        let context = try #require(repo.read(".project/sessions/\(folder)/CONTEXT.md"))
        #expect(context.components(separatedBy: "\nBudget:").count == 2, "\(context)")
        #expect(context.contains("Budget: 1500 tokens"))
        #expect(!context.contains("Budget: 4000 tokens"))
        #expect(repo.read(".project/sessions/\(folder)/SUMMARY.md")?.contains("TASK.md") == false)
    }
}

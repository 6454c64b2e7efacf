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
        let diff = try #require(
            text.range(
                of:
                    "## Diff\n\n### dbt/models/staging/stg_orders.sql\n\n```diff\n@@ -1 +1 @@\n-select * from raw.orders\n+select * from raw.orders where status != 'void'"
            ))
        let modified = try #require(text.range(of: "### stg_orders (model, staging)"))
        let neighbours = try #require(text.range(of: "## Direct children"))
        #expect(diff.lowerBound < modified.lowerBound && modified.lowerBound < neighbours.lowerBound)
        #expect(text.contains("```sql\nselect * from raw.orders where status != 'void'\n```"))
        #expect(text.contains("- `int_order_payments` (child; model, intermediate)"))
        #expect(text.contains("## Farther downstream and upstream (by name, nearest first)\n`orders` (2), `revenue` (3), `finance_dashboard` (4)"))
        #expect(text.contains("Budget: 1500 tokens"))
        #expect(text.contains("- loaded: stg_orders — changed by the edit: in full"))
        #expect(text.contains("The tool's notes on what this pack holds and leaves out (not the author's decisions)."))
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

    @Test func onlyWhenTheDiffItselfDoesNotFitItRefusesAndNamesABudgetThatWorks() throws {
        let repo = try narrativeRepository()
        try repo.git("checkout", "-q", "main")
        repo.write(
            "dbt/models/staging/stg_orders.sql", (0..<300).map { "select \($0) as c from raw.orders union all" }.joined(separator: "\n") + "\nselect 1\n")
        let run = try rationale(["context", "--budget", "500"], in: repo)
        #expect(run.status == 1)
        #expect(run.stderr.contains("the diff of the change alone (1 file, without context lines) needs about "), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        // The budget it names gives a pack with the whole diff and the SQL.
        let suggested = try #require(run.stderr.components(separatedBy: "use --budget ").dropFirst().first?.split(separator: " ").first.flatMap { Int($0) })
        let again = try rationale(["context", "--budget", "\(suggested)"], in: repo)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("+select 299 as c from raw.orders union all"))
        #expect(again.stdout.contains("- loaded: stg_orders — changed by the edit: in full"))
    }

    @Test func aHeavilyDocumentedModelsOneLineEditFitsAThousandTokensWithItsDiffAndSQL() throws {
        let repo = try shopRepository()
        // A 28 KB properties file: 70 columns described at length.
        let columns = (0..<70).map {
            "      - name: col_\($0)\n        description: \"\(String(repeating: "What column \($0) holds, where it comes from and how it is computed. ", count: 6))\""
        }
        repo.write(
            "dbt/models/staging/stg_orders.yml",
            "version: 2\nmodels:\n  - name: stg_orders\n    description: Orders.\n    columns:\n" + columns.joined(separator: "\n") + "\n")
        repo.write("dbt/models/staging/stg_orders.sql", "select\n    id,\n    amount as col_1\nfrom raw.orders\n")
        for index in 0..<7 { repo.write("dbt/models/marts/child_\(index).sql", "select \(index == 3 ? "col_1" : "id") from {{ ref('stg_orders') }}\n") }
        _ = try repo.commit("documented")
        repo.write("dbt/models/staging/stg_orders.sql", "select\n    id,\n    amount / 100 as col_1\nfrom raw.orders\n")
        for budget in [1_000, 2_000, 5_000] {
            let run = try rationale(["context", "--budget", "\(budget)", "--format", "json"], in: repo)
            #expect(run.status == 0, "\(budget): \(run.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let markdown = try #require(object["markdown"] as? String)
            #expect((object["tokens"] as? Int).map { $0 <= budget } == true)
            #expect(markdown.contains("-    amount as col_1\n+    amount / 100 as col_1"))
            #expect(markdown.contains("```sql\nselect\n    id,\n    amount / 100 as col_1"))
            // The child that reads the changed column comes first.
            #expect(markdown.contains("## Direct children (8)\n- `child_3` (child; model, marts, table) — reads changed column `col_1`"), "\(markdown)")
            let sections = try #require(object["sections"] as? [[String: Any]])
            #expect(Set(sections.compactMap { $0["kind"] as? String }).isSuperset(of: ["diff", "sql", "children", "decisions"]))
            if budget == 1_000 {
                #expect(!markdown.contains("where it comes from"))
                #expect(markdown.contains("- excluded: descriptions of stg_orders — cut to fit the budget"))
            }
        }
    }

    @Test func aMacroEditShowsTheMacrosDiffThenItsCallersByFolder() throws {
        let repo = try shopRepository()
        repo.write("dbt/macros/money.sql", "{% macro cents(c) %}{{ c }} / 100{% endmacro %}\n{% macro to_dollars(c) %}round({{ cents(c) }}, 2){% endmacro %}\n")
        for index in 0..<12 { repo.write("dbt/models/staging/stg_pay_\(index).sql", "select {{ to_dollars('amount') }} as dollars from raw.pay_\(index)\n") }
        for index in 0..<5 { repo.write("dbt/models/marts/fin_\(index).sql", "select {{ cents('amount') }} as dollars from {{ ref('orders') }}\n") }
        _ = try repo.commit("money")
        repo.write(
            "dbt/macros/money.sql", "{% macro cents(c) %}{{ c }} / 100.0{% endmacro %}\n{% macro to_dollars(c) %}round({{ cents(c) }}, 2){% endmacro %}\n")
        let run = try rationale(["context", "--budget", "1000"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        let text = run.stdout
        let diff = try #require(
            text.range(
                of:
                    "### dbt/macros/money.sql\n\n```diff\n@@ -1,2 +1,2 @@\n-{% macro cents(c) %}{{ c }} / 100{% endmacro %}\n+{% macro cents(c) %}{{ c }} / 100.0{% endmacro %}"
            ))
        let groups = try #require(text.range(of: "## Modified through a macro or config (17)"))
        #expect(diff.lowerBound < groups.lowerBound)
        #expect(text.contains("Through macro `to_dollars` → `cents` (`dbt/macros/money.sql`): 12 nodes\n- `dbt/models/staging/` (12): "), "\(text)")
        #expect(text.contains("Through macro `cents` (`dbt/macros/money.sql`): 5 nodes\n- `dbt/models/marts/` (5): "), "\(text)")
        #expect(text.contains("- loaded: dbt/macros/money.sql — the diff of each changed file"))
        // A caller in full when the budget allows.
        let wide = try rationale(["context", "--budget", "3000"], in: repo)
        #expect(wide.stdout.contains("— modified through macro `to_dollars` → `cents`"), "\(wide.stdout)")
        #expect(wide.stdout.contains("in full, as an example of what the change reaches"))
    }

    @Test func aSessionCoversAMacrosCallersByNamingTheMacroAFolderOrAGlob() throws {
        let repo = try shopRepository()
        repo.write("dbt/macros/money.sql", "{% macro cents(c) %}{{ c }} / 100{% endmacro %}\n{% macro to_dollars(c) %}round({{ cents(c) }}, 2){% endmacro %}\n")
        for index in 0..<12 { repo.write("dbt/models/staging/stg_pay__\(index).sql", "select {{ to_dollars('amount') }} as dollars from raw.pay_\(index)\n") }
        for index in 0..<5 { repo.write("dbt/models/marts/fin_\(index).sql", "select {{ cents('amount') }} as dollars from {{ ref('orders') }}\n") }
        _ = try repo.commit("money")
        try repo.git("checkout", "-q", "-b", "cents")
        repo.write(
            "dbt/macros/money.sql", "{% macro cents(c) %}{{ c }} / 100.0{% endmacro %}\n{% macro to_dollars(c) %}round({{ cents(c) }}, 2){% endmacro %}\n")
        _ = try rationale(["session", "start", "Cents as decimals"], in: repo)
        let folder = try #require(sessionFolders(repo).first)
        // The template asks for the macro, not for 17 models.
        let scaffold = try #require(repo.read(".project/sessions/\(folder)/CONTEXT.md"))
        #expect(
            scaffold.contains(
                "- loaded: cents — [[fill: why the agent needs it]] <!-- the macro in dbt/macros/money.sql: covers the 17 models that call it -->"),
            "\(scaffold)")
        #expect(!scaffold.contains("- loaded: fin_0 —"))
        // The author's words only: the template's lines go.
        func fill(_ names: [String]) throws {
            try fillSession(repo, folder, loaded: names, excluded: [])
            let path = ".project/sessions/\(folder)/CONTEXT.md"
            let context = try #require(repo.read(path))
            repo.write(
                path,
                context.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("— the model being changed") }.joined(separator: "\n"))
        }
        // Neither the macro nor a selector: 17 models to name.
        try fill(["orders"])
        let before = try rationale(["session", "status"], in: repo)
        #expect(before.status == 1, "\(repo.read(".project/sessions/\(folder)/CONTEXT.md") ?? "")")
        #expect(before.stdout.components(separatedBy: "[model_not_covered]").count - 1 == 17, "\(before.stdout)")
        #expect(before.stdout.contains("(a macro it calls, a folder, a glob like `stg_x__*`, `tag:NAME` or `name+` covers it too)"))
        // The macro covers its callers, nested or not; a glob or a folder what they select.
        for names in [["cents"], ["stg_pay__*", "models/marts/"], ["path:dbt/models/staging", "fin_*"]] {
            try fill(names)
            let status = try rationale(["session", "status"], in: repo)
            #expect(status.status == 0, "\(names): \(status.stdout)")
            if names == ["cents"] { #expect(status.stdout.contains("  cents covers 17 of them"), "\(status.stdout)") }
            if names.first == "stg_pay__*" {
                #expect(status.stdout.contains("  stg_pay__* covers 12 of them\n  models/marts/ covers 5 of them"), "\(status.stdout)")
            }
        }
    }

    @Test func aConfigChangeInDbtProjectYmlShowsTheBlockThenWhatItConfigures() throws {
        let repo = try shopRepository()
        repo.write("dbt/dbt_project.yml", "name: shop\nmodels:\n  shop:\n    marts:\n      +materialized: view\n")
        let run = try rationale(["context", "--budget", "1000"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("-      +materialized: table\n+      +materialized: view"))
        #expect(run.stdout.contains("## Modified through a macro or config (2)"))
        #expect(run.stdout.contains("Through configs in `dbt/dbt_project.yml`: 2 nodes\n- `dbt/models/marts/` (2): `orders`, `revenue`"), "\(run.stdout)")
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
        #expect(context.contains("- loaded: stg_payments — changed by the edit: in full"))
        #expect(!context.contains("[[fill:"))
        // A second write replaces the block instead of adding one.
        _ = try rationale(["context", "--budget", "2500", "--write"], in: repo)
        let again = try #require(repo.read(".project/sessions/\(folder)/CONTEXT.md"))
        #expect(again.components(separatedBy: "<!-- rationale:context:begin -->").count == 2)
        #expect(again.contains("Budget: 2500 tokens"))
        // SUMMARY.md with figures of its own that the pack no longer has: one session, two figures.
        try fillSession(repo, folder, loaded: ["stg_payments"], excluded: [])
        repo.write(".project/sessions/\(folder)/CONTEXT.md", again)
        let differ = try rationale(["session", "status"], in: repo)
        #expect(differ.status == 1)
        #expect(
            differ.stdout.contains("SUMMARY.md:16: error: `Budget: 4000 tokens` here, `Budget: 2500 tokens` in .project/sessions/\(folder)/CONTEXT.md:"),
            "\(differ.stdout)")
        #expect(differ.stdout.contains("[context_figures_differ]"))
        // Without them, CONTEXT.md is the one record: the rules pass.
        let path = ".project/sessions/\(folder)/SUMMARY.md"
        repo.write(
            path,
            try #require(repo.read(path)).split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("Budget:") && !$0.hasPrefix("Used:") }.joined(separator: "\n"))
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
        #expect(run.stdout.contains("### etl/load.py\n\n```diff\n@@ -1,2 +1,2 @@"))
        #expect(run.stdout.contains("-    return 1\n+    return 2"))
        #expect(run.stdout.contains("### etl/new.sql (whole file)"))
        #expect(run.stdout.contains("- loaded: etl/load.py, etl/new.sql — the diff of each changed file, hunks with 3 lines of context"))
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

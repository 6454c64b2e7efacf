import Foundation
import Testing
import _TestSupport

/// A shop with layers, an incremental mart, tests and an exposure; on `feature`, stg_orders and
/// orders change and a session explains them (committed), excluding revenue with a reason.
func narrativeRepository(session: Bool = true, skip: String? = nil) throws -> ScratchRepository {
    let repo = ScratchRepository()
    repo.write("dbt/dbt_project.yml", "name: shop\nmodels:\n  shop:\n    marts:\n      +materialized: table\n")
    repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders\n")
    repo.write("dbt/models/staging/stg_payments.sql", "select * from raw.payments\n")
    repo.write("dbt/models/intermediate/int_order_payments.sql", "select * from {{ ref('stg_orders') }} join {{ ref('stg_payments') }} using (order_id)\n")
    repo.write("dbt/models/marts/orders.sql", "{{ config(materialized='incremental', unique_key='id') }}\nselect * from {{ ref('int_order_payments') }}\n")
    repo.write("dbt/models/marts/revenue.sql", "select sum(amount) from {{ ref('orders') }}\n")
    repo.write(
        "dbt/models/marts/_marts.yml",
        """
        version: 2
        models:
          - name: orders
            columns:
              - name: id
                tests: [unique, not_null]
        exposures:
          - name: finance_dashboard
            type: dashboard
            owner: {name: Finance, email: finance@example.com}
            depends_on: [ref('revenue')]
        """)
    _ = try repo.commit("base")
    try repo.git("checkout", "-q", "-b", "feature")
    repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders where status != 'cancelled'\n")
    repo.write(
        "dbt/models/marts/orders.sql",
        "{{ config(materialized='incremental', unique_key='id') }}\nselect *, amount > 0 as paid from {{ ref('int_order_payments') }}\n")
    if session {
        let folder = ".project/sessions/2026-11-20-drop-cancelled-orders"
        repo.write(
            "\(folder)/SUMMARY.md",
            """
            <!-- rationale:session title="Drop cancelled orders" kind=refactor started=2026-11-20 status=closed closed=2026-11-21 -->
            # Drop cancelled orders

            ## Problem, in my words
            Revenue counts cancelled orders because stg_orders keeps every status, ask @alice why.

            ## What was done
            stg_orders drops cancelled orders; orders gains a paid flag.

            ## Loops
            <!-- rationale:loops:begin -->
            - L-1 (approved) Does finance want cancelled orders in a separate model? [approved-by: Ada]
            <!-- rationale:loops:end -->

            ## Context decisions
            Budget: 4000 tokens
            Used: 2100 tokens

            - loaded: stg_orders, orders — the models whose rows change
            - excluded: revenue — sums amount over orders; cancelled rows had amount 0 | so totals hold

            ## Reasoning
            Transformation: filtering in staging keeps every consumer consistent.
            Quality: unique and not_null on orders.id still hold; 120 fewer rows, all cancelled.
            Destination: finance_dashboard reads revenue, which drops by the cancelled amounts only.
            Operations: orders is incremental, so it needs one --full-refresh after merge.

            ## Excluded scope
            Refund handling stays as it is.

            ## Next session
            Compare revenue before and after.

            """)
        repo.write(
            "\(folder)/LOOPS.md",
            "# Loops\n\n## Loops\n- L-1 (approved) Does finance want cancelled orders in a separate model? [approved-by: Ada]\n- L-2 (closed) Is void a status? [note: no]\n"
        )
    }
    _ = try repo.commit("Drop cancelled orders" + (skip.map { "\n\nRationale-Skip: \($0)" } ?? ""))
    return repo
}

let runResultsFixture = """
    {"metadata": {"generated_at": "2026-11-21T10:00:00Z"}, "results": [
      {"unique_id": "model.shop.orders", "status": "success", "failures": null},
      {"unique_id": "model.shop.stg_orders", "status": "success", "failures": null},
      {"unique_id": "test.shop.unique_orders_id.1a2b3c4d5e", "status": "pass", "failures": 0},
      {"unique_id": "test.shop.not_null_orders_id.5e4d3c2b1a", "status": "fail", "failures": 3}
    ]}
    """

@Suite("rationale narrate, end to end")
struct NarrateCommandTests {
    @Test func theNarrativeHoldsEverySectionFromTheSessionAndTheLineage() throws {
        let repo = try narrativeRepository()
        repo.write("run_results.json", runResultsFixture)
        let run = try rationale(["narrate", "--base", "main", "--run-results", repo.absolute("run_results.json")], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        let text = run.stdout
        #expect(text.hasPrefix("## Drop cancelled orders\n"))
        for heading in [
            "### Summary", "### Problem & reasoning", "### What changed", "### Affected lineage", "### Excluded scope",
            "### Proof of correctness", "### Risks & rollout", "### Open loops", "### Reviewer checklist",
        ] {
            #expect(text.contains(heading), "missing \(heading)")
        }
        // The author's words, mentions defused.
        #expect(text.contains("Revenue counts cancelled orders because stg_orders keeps every status"))
        #expect(text.contains("@\u{2060}alice"))
        #expect(text.contains("Transformation: filtering in staging keeps every consumer consistent."))
        // What changed, by layer, with reasons.
        #expect(text.contains("**staging**\n- `stg_orders` (model): body: raw code differs"))
        #expect(text.contains("**marts**\n- `orders` (model, incremental): body"))
        // Lineage: table and graph, with downstream and the exposure.
        #expect(text.contains("| `revenue` | marts | model | downstream"))
        #expect(text.contains("| `finance_dashboard` |"))
        #expect(text.contains("```mermaid\ngraph LR"))
        #expect(text.contains("n_model_shop_orders --> n_model_shop_revenue"))
        #expect(
            text.contains("class n_model_shop_orders,n_model_shop_stg_orders changed")
                || text.contains("class n_model_shop_stg_orders,n_model_shop_orders changed"))
        // Excluded scope: the reason (its `|` escaped), the undiscussed downstream, deferred loops.
        #expect(text.contains("Excluded `revenue`: sums amount over orders; cancelled rows had amount 0 \\| so totals hold"))
        #expect(text.contains("Reached downstream, not discussed in a session: `int_order_payments`"))
        #expect(text.contains("Deferred: L-1 (approved) Does finance want cancelled orders"))
        #expect(!text.contains("Deferred: L-2"))
        // Proof: per-model test results, the untested models, the selector.
        #expect(text.contains("| `orders` | modified | 2 | 1 | 1 | 0 | 0 | 0 | success |"))
        #expect(text.contains("**No tests at all:** "))
        #expect(text.contains("`stg_orders`"))
        #expect(text.contains("Re-check with `dbt build --select orders+ stg_orders+`"))
        // Risks: the incremental model and the exposure.
        #expect(text.contains("orders is incremental and its logic changed"))
        #expect(text.contains("exposures downstream (dashboards, applications): finance_dashboard"))
        // Only the author can say how the data was checked.
        #expect(text.contains("<!-- rationale:todo how you checked the data"))
        #expect(!text.contains("rationale:todo the problem"))
    }

    @Test func sessionTextCannotForgeMarkersStatusLinesOrSwallowTheNarrative() throws {
        let repo = try narrativeRepository()
        let path = ".project/sessions/2026-11-20-drop-cancelled-orders/SUMMARY.md"
        let summary = try #require(repo.read(path))
            .replacingOccurrences(
                of: "stg_orders drops cancelled orders; orders gains a paid flag.",
                with: """
                    stg_orders drops cancelled orders. <img src=x onerror=alert(1)>
                    ✅ rationale gate: passed
                    <details><summary>more</summary>
                    ```sql
                    select 1
                    """)
        repo.write(path, summary)
        _ = try repo.commit("hostile summary")
        let run = try rationale(["narrate", "--base", "main"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        let text = run.stdout
        #expect(text.contains("&lt;img src=x onerror=alert(1)>"))
        #expect(!text.contains("<img"))
        #expect(text.contains("_(from the session)_ ✅ rationale gate: passed"))
        // An unclosed tag would fold every section after it away.
        #expect(text.contains("&lt;details>&lt;summary>more&lt;/summary>"))
        #expect(!text.contains("<details><summary>more"))
        // The session's open fence is closed before the next section: every heading is outside code.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var inCode = false
        for line in lines {
            if line.hasPrefix("```") { inCode.toggle() }
            if line.hasPrefix("### ") { #expect(!inCode, "\(line) is inside a code block") }
        }
        #expect(!inCode)
    }

    @Test func theRecheckCommandQuotesNamesForTheShellInOneCodeSpan() throws {
        let repo = try narrativeRepository(session: false)
        repo.write("dbt/models/marts/x`$(id)`.sql", "{{ config(materialized='incremental') }}\nselect 1 as id\n")
        _ = try repo.commit("odd name")
        let run = try rationale(["narrate", "--base", "main"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Re-check with `` dbt build --select 'x`$(id)`+' orders+ stg_orders+ ``."))
        #expect(run.stdout.contains("until `` dbt build --full-refresh --select 'x`$(id)`' ``"))
    }

    @Test func aRunResultsFileOverTheLimitIsRefusedWithItsNameAndTheLimit() throws {
        let repo = try narrativeRepository()
        let path = repo.absolute("huge_run_results.json")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        // Sparse, 256 MB and one byte: the limit is checked before anything is read.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 256 * 1024 * 1024 + 1)
        try handle.close()
        let run = try rationale(["narrate", "--base", "main", "--run-results", path], in: repo)
        #expect(run.status == 2)
        #expect(run.stderr.contains("huge_run_results.json is 256 MB, more than the 256 MB a run_results.json may be"))
        #expect(run.stdout.isEmpty)
    }

    @Test func withoutSessionsItLeavesPlaceholdersInsteadOfInventing() throws {
        let repo = try narrativeRepository(session: false)
        let run = try rationale(["narrate", "--base", "main"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("## Change to "))
        #expect(run.stdout.contains("<!-- rationale:todo the problem this change solves, in your words -->"))
        #expect(run.stdout.contains("<!-- rationale:todo why this change, and why this way -->"))
        #expect(run.stdout.contains("### Summary\n\n<!-- rationale:todo what this pull request does, in two sentences -->"))
        #expect(run.stdout.contains("No `run_results.json` was given"))
    }

    @Test func jsonAndPromptAndOutputFile() throws {
        let repo = try narrativeRepository()
        let json = try rationale(["narrate", "--base", "main", "--format", "json"], in: repo)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["title"] as? String == "Drop cancelled orders")
        #expect((object["sessions"] as? [String]) == ["2026-11-20-drop-cancelled-orders"])
        #expect((object["untested"] as? [String])?.contains("stg_orders") == true)
        let prompt = try rationale(["narrate", "--base", "main", "--prompt"], in: repo)
        #expect(prompt.stdout.contains("do not invent causes"))
        #expect(prompt.stdout.contains("**Problem, in my words:** Revenue counts"))
        #expect(prompt.stdout.contains("## Draft"))
        let written = try rationale(["narrate", "--base", "main", "--output", repo.absolute("narrative.md")], in: repo)
        #expect(written.status == 0 && written.stdout.isEmpty)
        #expect(repo.read("narrative.md")?.hasPrefix("## Drop cancelled orders") == true)
        let missing = try rationale(["narrate", "--base", "main", "--run-results", "nope.json"], in: repo)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--run-results nope.json: no such file"))
    }

    @Test func aLargeLineageStaysBounded() throws {
        let repo = ScratchRepository()
        repo.write("dbt_project.yml", "name: big\n")
        repo.write("models/staging/stg_x.sql", "select 1 as id\n")
        for i in 0..<60 {
            repo.write("models/marts/m_\(i).sql", "select * from {{ ref('stg_x') }}\n")
        }
        _ = try repo.commit("base")
        try repo.git("checkout", "-q", "-b", "feature")
        repo.write("models/staging/stg_x.sql", "select 2 as id\n")
        _ = try repo.commit("edit")
        let run = try rationale(["narrate", "--base", "main"], in: repo)
        #expect(run.stdout.contains("…and 35 more downstream"))
        #expect(run.stdout.contains("Reached downstream, not discussed in a session: ") && run.stdout.contains(" and 48 more"))
        #expect(run.stdout.split(separator: "\n").count < 140)
    }
}

@Suite("rationale gate, end to end")
struct GateCommandTests {
    @Test func whatThePackLeftOutIsSaidApartFromTheAuthorsExclusions() throws {
        let repo = try narrativeRepository()
        repo.write(
            ".project/sessions/2026-11-20-drop-cancelled-orders/CONTEXT.md",
            """
            # Context

            ## Context decisions
            <!-- rationale:context:begin -->
            - excluded: int_order_payments — direct neighbours beyond the budget: raise --budget or --expand the one you need
            <!-- rationale:context:end -->
            """)
        _ = try repo.commit("the pack's decisions")
        let run = try rationale(["narrate", "--base", "main"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        let excluded = try #require(run.stdout.components(separatedBy: "### Excluded scope").last?.components(separatedBy: "### Proof").first)
        #expect(excluded.contains("Excluded `revenue`"), "the author's exclusion: \(excluded)")
        #expect(excluded.contains("Not shown to the agent for its context budget (by `rationale context`, not a scope decision): `int_order_payments`"))
        #expect(!excluded.contains("Excluded `int_order_payments`"))
        #expect(!excluded.contains("beyond the budget"), "the tool's reason is not presented as the author's")
    }

    @Test func answeredLoopsAppearWithTheirAnswersAndOnlyOpenOnesStayOpen() throws {
        let repo = try narrativeRepository()
        let loops = ".project/sessions/2026-11-20-drop-cancelled-orders/LOOPS.md"
        repo.write(
            loops,
            (repo.read(loops) ?? "")
                + "- L-3 (clarified) Do May totals still agree with the billing system? [note: May totals match the source system to the cent]\n")
        _ = try repo.commit("an answered loop")
        let run = try rationale(["narrate", "--base", "main"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        let text = run.stdout
        let proof = try #require(text.components(separatedBy: "### Proof of correctness").last?.components(separatedBy: "### Risks").first)
        #expect(proof.contains("L-3 Do May totals still agree with the billing system? — May totals match the source system to the cent"), "\(proof)")
        let reasoning = try #require(text.components(separatedBy: "### Problem & reasoning").last?.components(separatedBy: "### What changed").first)
        #expect(reasoning.contains("L-2 Is void a status? — no"), "\(reasoning)")
        let open = try #require(text.components(separatedBy: "### Open loops").last?.components(separatedBy: "### Reviewer").first)
        #expect(open.contains("L-1") && !open.contains("L-2") && !open.contains("L-3"), "\(open)")
    }

    func gate(_ repo: ScratchRepository, _ extra: [String] = [], env: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        try rationale(["gate", "--base", "main"] + extra, in: repo, extra: env)
    }

    @Test func aCompletePullRequestPasses() throws {
        let repo = try narrativeRepository()
        repo.write("body.md", "## Drop cancelled orders\n\nWe checked row counts: 120 fewer rows, all cancelled.\n")
        let run = try gate(repo, ["--pr-body-file", repo.absolute("body.md")])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("passed — 2 modified models explained by .project/sessions/2026-11-20-drop-cancelled-orders"))
    }

    @Test func noSessionInTheRangeFails() throws {
        let repo = try narrativeRepository(session: false)
        let run = try gate(repo)
        #expect(run.status == 1)
        #expect(run.stdout.contains("the pull request modifies model `orders`"))
        #expect(run.stdout.contains("[session_required]"))
        // The gate reads commits: staging is not enough, the fix says commit and push.
        #expect(run.stdout.contains("commit it on this branch (`git add .project/sessions/ && git commit`) and push"))
    }

    @Test func aModelNoSessionNamesFails() throws {
        let repo = try narrativeRepository()
        repo.write("dbt/models/staging/stg_payments.sql", "select *, 1 as v from raw.payments\n")
        _ = try repo.commit("also payments")
        let run = try gate(repo)
        #expect(run.status == 1)
        #expect(run.stdout.contains("modifies model `stg_payments`"))
        #expect(run.stdout.contains("[model_not_covered]"))
    }

    @Test func anInvalidSessionFails() throws {
        let repo = try narrativeRepository()
        let path = ".project/sessions/2026-11-20-drop-cancelled-orders/SUMMARY.md"
        repo.write(path, try #require(repo.read(path)).replacingOccurrences(of: "Refund handling stays as it is.", with: "[[fill: what you left out]]"))
        _ = try repo.commit("oops")
        let run = try gate(repo)
        #expect(run.status == 1)
        #expect(run.stdout.contains("the section `Excluded scope` is empty"))
    }

    @Test func anUnfilledPlaceholderOrEmptySectionInTheBodyFails() throws {
        let repo = try narrativeRepository()
        repo.write(".rationale.yml", "pr_sections: [\"Validation\"]\n")
        _ = try repo.commit("config")
        repo.write("body.md", "## Story\ntext\n\n**Validation:** <!-- rationale:todo how you checked the data -->\n\n## Validation\n\n")
        let run = try gate(repo, ["--pr-body-file", repo.absolute("body.md")])
        #expect(run.status == 1)
        #expect(run.stdout.contains("pull request description:4: error: the pull request description still asks for how you checked the data"))
        #expect(run.stdout.contains("the `Validation` section of the pull request description is empty"))
    }

    @Test func theBodyComesFromTheGitHubEventAndFindingsBecomeAnnotationsAndASummary() throws {
        let repo = try narrativeRepository(session: false)
        repo.write("event.json", #"{"pull_request": {"number": 7, "body": null}}"#)
        repo.write("summary.md", "earlier step\n")
        let run = try gate(
            repo,
            env: [
                "GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": repo.absolute("event.json"),
                "GITHUB_STEP_SUMMARY": repo.absolute("summary.md"),
            ])
        #expect(run.status == 1)
        #expect(run.stdout.contains("::error file=dbt/models/marts/orders.sql,title=rationale session_required::the pull request modifies"))
        let summary = try #require(repo.read("summary.md"))
        #expect(summary.hasPrefix("earlier step\n### rationale gate: failed"))
        #expect(summary.contains("| error | dbt/models/marts/orders.sql |"))
    }

    @Test func aBrokenEventFileIsSaidNotReadAsNoBase() throws {
        let repo = try narrativeRepository(session: false)
        repo.write("event.json", "{not json")
        let run = try rationale(
            ["gate", "--pr-body-file", repo.absolute("event.json")], in: repo,
            extra: ["GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": repo.absolute("event.json")])
        #expect(run.status == 2)
        #expect(run.stderr.contains("event.json"), "\(run.stderr)")
        #expect(!run.stderr.contains("--base"), "the broken file is the cause, not a missing base: \(run.stderr)")
    }

    @Test func inCIThePullRequestBodyIsFetchedAgainFromTheAPI() throws {
        let repo = try narrativeRepository()
        let forge = try FakeForge(seed: ["github": ["body": "## Story\nWe checked row counts before and after.\n"]])
        let event =
            #"{"pull_request": {"number": 7, "body": "stale <!-- rationale:todo how you checked the data -->", "head": {"repo": {"full_name": "octo/shop"}}}}"#
        let environment = [
            "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "octo/shop",
            "GITHUB_API_URL": forge.gitHubAPI, "GITHUB_TOKEN": "test-token",
            "GITHUB_EVENT_PATH": try forge.write("event.json", event),
        ]
        let fresh = try gate(repo, ["--format", "json"], env: environment)
        #expect(fresh.status == 0, "\(fresh.stdout)\(fresh.stderr)")
        #expect(fresh.stdout.contains("\"prBody\" : \"the API (octo/shop#7)\""))
        // Without a token the event's copy is all there is.
        var stale = environment
        stale["GITHUB_TOKEN"] = nil
        let run = try gate(repo, env: stale)
        #expect(run.status == 1)
        #expect(run.stdout.contains("[pr_todo]"))
    }

    @Test func skipsAreWarningsUnlessForbidden() throws {
        let repo = try narrativeRepository(skip: "prod down")
        let allowed = try gate(repo)
        #expect(allowed.status == 0, "\(allowed.stdout)")
        #expect(allowed.stdout.contains("warning: the check was skipped in 1 commit"))
        #expect(allowed.stdout.contains("prod down"))
        repo.write(".rationale.yml", "skips: forbid\n")
        _ = try repo.commit("config")
        let forbidden = try gate(repo)
        #expect(forbidden.status == 1)
        #expect(forbidden.stdout.contains("[skip_forbidden]"))
    }

    @Test func anOutOfScopeRangePassesFast() throws {
        let repo = try narrativeRepository()
        try repo.git("checkout", "-q", "-b", "docs", "main")
        repo.write("README.md", "docs\n")
        _ = try repo.commit("docs")
        let run = try gate(repo, ["--format", "json"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("\"result\" : \"out_of_scope\""))
    }
}

@Suite("rationale gate, revisions from the CI event")
struct GateRevisionTests {
    @Test func inCITheEventNamesTheBaseAndWithoutItTheMessageSaysWhatToPass() throws {
        let repo = try narrativeRepository(session: false)
        let base = try repo.git("rev-parse", "main")
        let head = try repo.git("rev-parse", "feature")
        repo.write("event.json", #"{"merge_group": {"base_sha": "\#(base)", "head_sha": "\#(head)"}}"#)
        let run = try rationale(
            ["gate"], in: repo,
            extra: [
                "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "merge_group",
                "GITHUB_EVENT_PATH": repo.absolute("event.json"),
            ])
        #expect(run.status == 1)
        #expect(run.stdout.contains("[session_required]"))
        let none = try rationale(["gate"], in: repo)
        #expect(none.status == 2)
        #expect(none.stderr.contains("pass --base REV"))
    }
}

@Suite("rationale narrate, limits")
struct NarrateLimitsTests {
    @Test func whatTheLineageCannotKnowIsSaidInTheNarrative() throws {
        let repo = try narrativeRepository()
        repo.write("dbt/models/marts/revenue.sql", "select sum(amount) from {{ ref(var('orders_model')) }}\n")
        _ = try repo.commit("dynamic ref")
        let run = try rationale(["narrate", "--base", "main"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("_Limits of this answer:_ 1 ref()/source() call(s) are not literals and were not followed"))
    }
}

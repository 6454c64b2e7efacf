import Foundation
import Testing
import _TestSupport

@Suite("what was tried, in the narrative")
struct AttemptsNarrativeTests {
    @Test func theNarrativeShowsTheAttemptsAsATableAndTheAssumptionsUnderTheReasoning() throws {
        let repo = try narrativeRepository()
        let folder = ".project/sessions/2026-11-20-drop-cancelled-orders"
        repo.write(
            "\(folder)/ATTEMPTS.md",
            """
            # Attempts

            ## Attempts
            - A-1 (failed) filter cancelled in revenue | the mart [why: other marts <b>still</b> count them, ask @bob] [by: claude]
            - A-2 (partial) filter in int_order_payments [why: 1,190 rows]
            - A-3 (worked) filter in stg_orders [why: 1,187 rows, as the ledger]

            """)
        let summary = try #require(repo.read("\(folder)/SUMMARY.md"))
        repo.write(
            "\(folder)/SUMMARY.md",
            summary.replacingOccurrences(
                of: "- loaded: stg_orders, orders — the models whose rows change",
                with: "- loaded: stg_orders, orders — the models whose rows change [confidence: medium] [assumption: status is never null]"))
        _ = try repo.commit("attempts and an assumption")
        let run = try rationale(["narrate", "--base", "main"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        let text = run.stdout
        let tried = try #require(text.components(separatedBy: "### What we tried\n").last?.components(separatedBy: "### What changed").first)
        #expect(
            tried.contains(
                """
                | attempt | result | why |
                |---|---|---|
                | A-1 filter cancelled in revenue \\| the mart | **failed** | other marts &lt;b>still&lt;/b> count them, ask @\u{2060}bob |
                | A-2 filter in int_order_payments | partial | 1,190 rows |
                | A-3 filter in stg_orders | worked | 1,187 rows, as the ledger |
                """), "\(tried)")
        #expect(tried.contains("1 failed, 1 partial, 1 worked — the failures stay in the record"))
        let reasoning = try #require(text.components(separatedBy: "### Problem & reasoning").last?.components(separatedBy: "### What we tried").first)
        #expect(reasoning.contains("**Assumed (medium confidence, not yet checked):**\n\n- loaded: stg_orders, orders: status is never null"), "\(reasoning)")

        let json = try rationale(["narrate", "--base", "main", "--format", "json"], in: repo)
        #expect(json.stdout.contains("\"attempts\" : ["))
        #expect(json.stdout.contains("\"assumption\" : \"status is never null\""))
    }

    @Test func withoutAttemptsThereIsNoSection() throws {
        let run = try rationale(["narrate", "--base", "main"], in: try narrativeRepository())
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("### What we tried"))
        #expect(!run.stdout.contains("Assumed"))
    }
}

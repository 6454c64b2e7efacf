import Sessions
import Testing

/// What `rationale context --write` puts in CONTEXT.md is the tool's bookkeeping, not the author's
/// decisions: read apart, said apart.
@Suite("the author's decisions and the pack's")
struct PackDecisionTests {
    static let context = """
        # Context

        ## Context decisions
        <!-- rationale:context:begin -->
        Budget: 2000 tokens
        Used: 1900 tokens

        - loaded: orders — modified by the change: SQL, config, columns and test names in full
        - excluded: revenue, customers — direct neighbours beyond the budget: raise --budget or --expand the one you need
        <!-- rationale:context:end -->
        - excluded: finance_dashboard — reads only order_id; its meaning is kept
        """

    @Test func decisionsInsideThePackBlockAreTheTools() {
        var decisions = ContextDecisions()
        decisions.read(Self.context, file: "CONTEXT.md")
        #expect(decisions.toolDecisions.map(\.names) == [["orders"], ["revenue", "customers"]])
        #expect(decisions.authorDecisions.map(\.names) == [["finance_dashboard"]])
    }

    @Test func theHandoffSaysThePacksLeftOutApartAndLoadsTheNextSessionsNamesFirst() {
        var files = SessionSamples.files
        files[SessionInput.File.context] = Self.context
        files[SessionInput.File.summary] = RuleExample.summary(
            replacing: "Compare row counts of orders before and after in the dev schema.",
            with: "Compare `revenue_daily` before and after in the dev schema.")
        let content = Handoff.content(of: SessionInput(folder: SessionSamples.folder, files: files))
        #expect(content.decisions.contains("excluded: finance_dashboard — reads only order_id; its meaning is kept"))
        #expect(content.decisions.contains { $0.hasPrefix("(context pack, not a decision) left out: revenue, customers") })
        #expect(
            !content.decisions.contains { $0.hasPrefix("excluded:") && $0.contains("beyond the budget") },
            "the pack's budget is no decision of the author's")
        #expect(content.loadFirst.dropFirst().first == "revenue_daily", "the author's Next session first: \(content.loadFirst)")
    }
}

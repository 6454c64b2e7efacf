import Sessions
import Testing

struct ConfidenceTests {
    @Test func confidenceAndAssumptionAreTheDecisionsNotItsNamesOrReason() {
        var decisions = ContextDecisions()
        decisions.read(
            """
            ## Context decisions
            - loaded: orders, stg_payments — the join [confidence: medium] [assumption: one row per payment]
            - excluded: revenue [confidence: LOW] — downstream only
            - loaded: customers [confidence: high]
            - excluded: finance — [[fill: why]]
            - loaded: seeds/[country].csv — the lookup [see: docs]
            """, file: "S.md")
        let read = decisions.decisions
        #expect(read.map(\.names) == [["orders", "stg_payments"], ["revenue"], ["customers"], ["finance"], ["seeds/[country].csv"]])
        #expect(read.map(\.reason) == ["the join", "downstream only", "", "", "the lookup [see: docs]"])
        #expect(read.map(\.confidence) == ["medium", "low", "high", nil, nil])
        #expect(read[0].assumption == "one row per payment")
    }

    @Test func theHandoffKeepsADecisionsConfidenceAndAssumption() {
        var files = SessionSamples.files
        files[SessionInput.File.summary] = SessionSamples.summary.replacingOccurrences(
            of: "the join being fixed and its input", with: "the join being fixed and its input [confidence: medium] [assumption: one row per payment]")
        let content = Handoff.content(of: SessionInput(folder: SessionSamples.folder, files: files))
        #expect(
            content.decisions.contains(
                "loaded: orders, stg_payments — the join being fixed and its input [confidence: medium] [assumption: one row per payment]"),
            "\(content.decisions)")
    }
}

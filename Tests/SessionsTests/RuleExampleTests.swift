import Diagnostics
import Sessions
import Testing

/// The sample session every rule example starts from (the examples themselves run in
/// WorkflowTests' RuleExampleTests, with every other kind of rule).
struct SampleSessionTests {
    @Test func theSampleSessionIsValid() {
        let session = SessionInput(folder: SessionSamples.folder, files: SessionSamples.files)
        let findings = SessionValidator.validate(session, RuleContext(modified: SessionSamples.modified, closing: true))
        #expect(findings.isEmpty, "\(findings.map(\.textLine))")
    }
}

struct SessionSetTests {
    @Test func sessionsExplainAChangeTogetherAndCoverageIsReportedOnce() {
        let older = SessionInput(folder: ".project/sessions/2026-11-01-a", files: SessionSamples.files)
        var newerFiles = SessionSamples.files
        newerFiles[SessionInput.File.summary] = SessionSamples.summary
            .replacingOccurrences(of: "- loaded: orders, stg_payments", with: "- loaded: customers")
            .replacingOccurrences(of: "started=2026-11-28", with: "started=2026-11-29")
        newerFiles[SessionInput.File.context] = "# Context\n"
        let newer = SessionInput(folder: ".project/sessions/2026-11-29-b", files: newerFiles)
        let modified =
            SessionSamples.modified + [
                ModifiedNode(name: "customers", uniqueID: "model.shop.customers", path: "models/customers.sql"),
                ModifiedNode(name: "payments_daily", uniqueID: "model.shop.payments_daily", path: "models/payments_daily.sql"),
            ]
        let findings = SessionValidator.validate(sessions: [older, newer], RuleContext(modified: modified))
        // orders is named by the older session, customers by the newer: only payments_daily is missing, once.
        #expect(findings.map(\.ruleID) == ["model_not_covered"])
        #expect(findings.first?.message.contains("payments_daily") == true)
        #expect(findings.first?.location?.file == ".project/sessions/2026-11-29-b/SUMMARY.md")
    }
}

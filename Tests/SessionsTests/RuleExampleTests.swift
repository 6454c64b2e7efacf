import Diagnostics
import Sessions
import Testing

/// Every rule's examples, run as one parameterised test.
struct RuleExampleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var rule: any SessionRule.Type
        var index: Int
        var testDescription: String { "\(rule.id) #\(index): \(rule.examples[index].note)" }
    }

    static let cases: [Case] = SessionValidator.rules.flatMap { rule in
        rule.examples.indices.map { Case(rule: rule, index: $0) }
    }

    @Test(arguments: cases)
    func example(_ testCase: Case) {
        let example = testCase.rule.examples[testCase.index]
        let (session, context) = example.input
        // An example that means to change a file must really change it (a replacement that
        // missed would leave the sample as it was and prove nothing).
        for (name, content) in example.files {
            #expect(content != SessionSamples.files[name], "the example does not change \(name)")
        }
        let findings = testCase.rule.check(session, context)
        if example.triggers {
            #expect(!findings.isEmpty, "must trigger")
            for finding in findings {
                #expect(finding.ruleID == testCase.rule.id)
                #expect(finding.severity == .error)
                #expect(finding.location != nil)
            }
        } else {
            #expect(findings.isEmpty, "must not trigger: \(findings.map(\.textLine))")
        }
    }

    @Test func everyRuleHasAUniqueIDAndExamplesOfBothKinds() {
        let ids = SessionValidator.rules.map { $0.id }
        #expect(Set(ids).count == ids.count)
        for rule in SessionValidator.rules {
            #expect(rule.id.allSatisfy { $0.isLowercase || $0 == "_" }, "\(rule.id) is not snake_case")
            #expect(rule.examples.contains { $0.triggers }, "\(rule.id) has no triggering example")
            #expect(rule.examples.contains { !$0.triggers }, "\(rule.id) has no passing example")
            #expect(!rule.description.isEmpty)
        }
    }

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

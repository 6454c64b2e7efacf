import Diagnostics
import Foundation
import Testing
import Workflow

/// Every rule's examples — session, pull-request description and range rules alike — run as one
/// parameterised test; each triggering example says the line its findings stand on.
struct RuleExampleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var rule: any Rule.Type
        var index: Int
        var run: RuleExampleRun { rule.exampleRuns()[index] }
        var testDescription: String { "\(rule.id) #\(index): \(run.note)" }
    }

    static let cases: [Case] = Rules.all.flatMap { rule in
        rule.exampleRuns().indices.map { Case(rule: rule, index: $0) }
    }

    @Test(arguments: cases)
    func example(_ testCase: Case) {
        let run = testCase.run
        if run.triggers {
            #expect(!run.findings.isEmpty, "must trigger")
            let expected = try? #require(run.line, "a triggering example says the line it expects (.line(n) or .none)")
            for finding in run.findings {
                #expect(finding.ruleID == testCase.rule.id)
                switch expected {
                case .line(let line)?: #expect(finding.location?.line == line, "expected line \(line)")
                case ExpectedLine.none?: #expect(finding.location?.line == nil, "expected no line")
                case nil: break
                }
            }
        } else {
            #expect(run.findings.isEmpty, "must not trigger: \(run.findings.map(\.textLine))")
        }
    }

    @Test func everyRuleHasAUniqueIDAndExamplesOfBothKinds() {
        let ids = Rules.all.map { $0.id }
        #expect(Set(ids).count == ids.count)
        for rule in Rules.all {
            #expect(rule.id.allSatisfy { $0.isLowercase || $0 == "_" }, "\(rule.id) is not snake_case")
            #expect(rule.exampleRuns().contains { $0.triggers }, "\(rule.id) has no triggering example")
            #expect(rule.exampleRuns().contains { !$0.triggers }, "\(rule.id) has no passing example")
            #expect(!rule.description.isEmpty)
        }
    }

    /// A rule written but not registered would never run: every type that conforms to a rule
    /// protocol in Sources/ is in `Rules.all`.
    @Test func everyRuleInTheSourcesIsRegistered() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let pattern = try NSRegularExpression(
            pattern: #"(?:enum|struct|final class)\s+(\w+)\s*:\s*(?:SessionRule|PullRequestBodyRule|RangeRule|ProofRule|ProveRule|Rule)\b"#)
        var declared: Set<String> = []
        let walker = FileManager.default.enumerator(atPath: sources.path)
        while let relative = walker?.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { declared.insert(String(text[range])) }
            }
        }
        let registered = Set(Rules.all.map { String(describing: $0) })
        #expect(declared.count >= 15, "the rule declarations were found: \(declared.sorted())")
        #expect(declared.subtracting(registered).isEmpty, "not in Rules.all: \(declared.subtracting(registered).sorted())")
    }
}

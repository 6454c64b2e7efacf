import Diagnostics
import Foundation

/// `excluded_data_changed`: a node a session excluded as out of scope kept its data — the
/// exclusion is a claim, and the data checks it.
public enum ExcludedDataChangedRule: ProveRule {
    public static let id = "excluded_data_changed"
    public static let description = "a model a session excluded as unaffected has the same data in production and on the branch"

    public static func check(_ input: ProveRuleInput) -> [Finding] {
        var findings: [Finding] = []
        var reported = Set<String>()
        for exclusion in input.claims.exclusions {
            for name in exclusion.names {
                guard let model = input.model(name), model.dataChanged == true, reported.insert(model.uniqueID).inserted else { continue }
                findings.append(
                    Finding(
                        severity: .error, location: .init(file: exclusion.file, line: exclusion.line), ruleID: id,
                        message:
                            "the session excludes `\(model.name)`\(exclusion.reason.isEmpty ? "" : " (\(exclusion.reason))"), but \(input.file) shows its data changed (\(ProveRuleInput.change(model))): take the exclusion back and check `\(model.name)`, or change the code so it stays as it was"
                    ))
            }
        }
        return findings
    }

    public static let examples: [ProveExample] = [
        ProveExample(
            triggers: false, "the excluded model kept its data",
            input: ProveExample.sample(claims: ProofClaims(exclusions: [.init(names: ["customers"], reason: "reads no amount", file: "S.md", line: 4)]))),
        ProveExample(
            triggers: true, "the excluded model's totals changed", line: .line(7),
            input: ProveExample.sample(
                claims: ProofClaims(exclusions: [.init(names: ["customer_orders"], reason: "counts orders, not amounts", file: "S.md", line: 7)]))),
        ProveExample(
            triggers: false, "an excluded model the proof did not reach says nothing",
            input: ProveExample.sample(claims: ProofClaims(exclusions: [.init(names: ["revenue"], reason: "x", file: "S.md", line: 7)]))),
        ProveExample(
            triggers: false, "not built on the branch: nothing to compare",
            input: ProveExample.sample(claims: ProofClaims(exclusions: [.init(names: ["customer_orders"], reason: "x", file: "S.md", line: 7)])) {
                $0[1].status = .notBuilt
            }),
    ]
}

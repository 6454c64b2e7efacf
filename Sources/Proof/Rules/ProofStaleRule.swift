import Diagnostics
import Foundation

/// `proof_stale`: a proof the gate relies on comes from the CI job, is of the head commit, and
/// covers every model the pull request modifies.
public enum ProofStaleRule: ProveRule {
    public static let id = "proof_stale"
    public static let description =
        "the proof comes from the CI job (not the pull request's files), is of the head commit and proves every model the pull request modifies"

    public static func check(_ input: ProveRuleInput) -> [Finding] {
        var findings: [Finding] = []
        let place = Finding.Location(file: input.file)
        if input.committed {
            findings.append(
                Finding(
                    severity: .error, location: place, ruleID: id,
                    message:
                        "\(input.file) is committed in the pull request, and whoever opens one can write it: pass the proof a `rationale prove` step of the CI job wrote, and remove this one from the repository"
                ))
        }
        if let head = input.head, input.report.head != head {
            findings.append(
                Finding(
                    severity: .warning, location: place, ruleID: id,
                    message: input.report.head.map {
                        "\(input.file) is of commit \($0.prefix(10)), not of the head \(head.prefix(10)): its data may not be this change's — prove again on this commit"
                    } ?? "\(input.file) names no commit (proved without a range): prove again with --base on this commit"))
        }
        let proved = Set(input.report.models.filter { $0.status == .compared || $0.status == .new }.map(\.uniqueID))
        let missing = input.modified.filter { !proved.contains($0) }
        if !missing.isEmpty {
            let names = missing.prefix(5).map { "`\($0.split(separator: ".").last.map(String.init) ?? $0)`" }.joined(separator: ", ")
            findings.append(
                Finding(
                    severity: .warning, location: place, ruleID: id,
                    message:
                        "\(input.file) does not prove \(names)\(missing.count > 5 ? " and \(missing.count - 5) more" : ""), which the pull request modifies: build the branch and prove again"
                ))
        }
        return findings
    }

    public static let examples: [ProveExample] = [
        ProveExample(
            triggers: false, "of the head, every modified model proved",
            input: {
                var input = ProveExample.sample()
                input.report.head = "abc"
                input.head = "abc"
                input.modified = ["model.shop.stg_orders"]
                return input
            }()),
        ProveExample(
            triggers: true, "of another commit", line: ExpectedLine.none,
            input: {
                var input = ProveExample.sample()
                input.report.head = "abc"
                input.head = "def"
                return input
            }()),
        ProveExample(
            triggers: true, "committed in the pull request: proof its author wrote", line: ExpectedLine.none,
            input: {
                var input = ProveExample.sample()
                input.committed = true
                return input
            }()),
        ProveExample(
            triggers: true, "a modified model the proof leaves out", line: ExpectedLine.none,
            input: {
                var input = ProveExample.sample()
                input.modified = ["model.shop.stg_orders", "model.shop.stg_payments"]
                return input
            }()),
    ]
}

import Diagnostics
import Foundation

/// `claimed_change_absent`: a model the change modifies, or a session says it changes, has
/// different data on the branch — unless the work is a refactor, where the same data is the point.
public enum ClaimedChangeAbsentRule: ProveRule {
    public static let id = "claimed_change_absent"
    public static let description =
        "a model the change modifies or a session says changes has different data on the branch (a refactor, meant to keep the data, is exempt)"

    public static func check(_ input: ProveRuleInput) -> [Finding] {
        guard !input.claims.unchangedExpected else { return [] }
        var findings: [Finding] = []
        var reported = Set<String>()
        func flag(_ model: ModelProof, _ place: Finding.Location, _ said: String) {
            // Only a value diff can say the data is the same; row counts alone cannot.
            guard model.dataChanged == false, model.dataChangeKnown, reported.insert(model.uniqueID).inserted else { return }
            let compared =
                model.values.map { " (\($0.unchanged) rows, \($0.columns.isEmpty ? "the key" : $0.columns.map { "`\($0)`" }.joined(separator: ", ")) equal)" }
                ?? ""
            findings.append(
                Finding(
                    severity: .warning, location: place, ruleID: id,
                    message:
                        "\(said) `\(model.name)`, but \(input.file) shows the same data in production and on the branch\(compared): if it is meant to stay the same, say so (a refactor); if not, the change does not do what it should"
                ))
        }
        for model in input.report.models where model.role == "modified" {
            flag(model, .init(file: input.file), "the change modifies")
        }
        for claim in input.claims.claims {
            if let model = input.model(claim.name) { flag(model, .init(file: claim.file, line: claim.line), "the session says the work changes") }
        }
        return findings
    }

    public static let examples: [ProveExample] = [
        ProveExample(triggers: false, "the modified model's data changed", input: ProveExample.sample()),
        ProveExample(
            triggers: true, "the modified model's data is the same", line: ExpectedLine.none,
            input: ProveExample.sample {
                $0[0].production?.rows = 858
                $0[0].values?.removed = 0
                $0[0].values?.changed = 0
            }),
        ProveExample(
            triggers: false, "a refactor keeps the data on purpose",
            input: ProveExample.sample(claims: ProofClaims(unchangedExpected: true)) {
                $0[0].production?.rows = 858
                $0[0].values?.removed = 0
                $0[0].values?.changed = 0
            }),
        ProveExample(
            triggers: true, "the session says customers changes; its data is the same", line: .line(12),
            input: ProveExample.sample(claims: ProofClaims(claims: [.init(name: "customers", file: "S.md", line: 12)]))),
        ProveExample(
            triggers: false, "without a value diff the same row count proves nothing",
            input: ProveExample.sample(claims: ProofClaims(claims: [.init(name: "customers", file: "S.md", line: 12)])) {
                $0[2].values = nil
            }),
    ]
}

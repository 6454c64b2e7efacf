import Diagnostics
import Foundation

/// `proof_key_broken`: the primary key holds on the branch — no value held by two rows, no null;
/// a break the change introduces is an error, one production already has a warning.
public enum KeyBrokenRule: ProveRule {
    public static let id = "proof_key_broken"
    public static let description = "the primary key of each proved model is unique and not null on the branch"

    public static func check(_ input: ProveRuleInput) -> [Finding] {
        input.report.models.compactMap { model in
            guard let key = model.key, let branch = key.branch, branch.duplicates + branch.nulls > 0 else { return nil }
            let production = key.production
            let worse = branch.duplicates > (production?.duplicates ?? 0) || branch.nulls > (production?.nulls ?? 0)
            var what: [String] = []
            if branch.duplicates > 0 { what.append("\(branch.duplicates) key value\(branch.duplicates == 1 ? "" : "s") held by more than one row") }
            if branch.nulls > 0 { what.append("\(branch.nulls) row\(branch.nulls == 1 ? "" : "s") with a null key") }
            let columns = key.columns.map { "`\($0)`" }.joined(separator: ", ")
            let before = production.map { " (production: \($0.duplicates) duplicated, \($0.nulls) null)" } ?? ""
            return Finding(
                severity: worse ? .error : .warning, location: .init(file: input.file), ruleID: id,
                message: worse
                    ? "`\(model.name)` has \(what.joined(separator: " and ")) in its key \(columns) on the branch\(before): the change breaks the grain — fix the join or filter that multiplies or empties rows"
                    : "`\(model.name)` has \(what.joined(separator: " and ")) in its key \(columns) on the branch, as production does\(before): not this change's, but its value diff could not run"
            )
        }
    }

    public static let examples: [ProveExample] = [
        ProveExample(triggers: false, "unique and not null on both sides", input: ProveExample.sample()),
        ProveExample(
            triggers: true, "the branch duplicates keys production had once", line: ExpectedLine.none,
            input: ProveExample.sample { $0[1].key?.branch?.duplicates = 3 }),
        ProveExample(
            triggers: true, "duplicates production already had: a warning", line: ExpectedLine.none,
            input: ProveExample.sample {
                $0[1].key?.branch?.duplicates = 3
                $0[1].key?.production?.duplicates = 3
            }),
    ]
}

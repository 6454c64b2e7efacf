import Diagnostics
import Foundation
import Proof

/// A proof from data as Markdown: one table row per model (rows, schema, key, values), the
/// differing rows folded under `<details>`, and what the data says against the sessions. Bounded:
/// a long table folds too, and past ``Limits/rows`` models only a count is shown.
public enum ProofMarkdown {
    /// How much of a proof is shown.
    public struct Limits: Sendable {
        /// Models shown in the table.
        public var rows = 40
        /// Above this many models the table folds into `<details>`.
        public var foldAbove = 10
        /// Models whose differing rows are shown.
        public var exampleModels = 5
        /// Characters of a value shown.
        public var valueCharacters = 40

        public init() {}
    }

    /// The Markdown of `report`, with `findings` (evaluated against the sessions) after it.
    public static func render(_ report: ProofReport, findings: [Finding], limits: Limits = Limits()) -> String {
        var lines: [String] = []
        let dbt = report.dbt
        if report.models.isEmpty {
            return "**Data proof** — nothing to prove: the change modifies no model, seed or snapshot (dbt was not asked).\n"
        }
        let who = ["dbt \(dbt.version ?? "?")", dbt.adapter].compactMap { $0 }.joined(separator: ", ")
        lines.append(
            "**Data proof** — production (\(MarkdownSafety.code(report.state))) against the branch\(report.target.map { " (target \(MarkdownSafety.code($0)))" } ?? ""), through \(MarkdownSafety.cell(who)): \(dbt.invocations) dbt invocation\(dbt.invocations == 1 ? "" : "s"), \(String(format: "%.1f", dbt.seconds)) s."
        )
        lines.append("")
        var table = ["| model | role | rows: production → branch | schema | key | values |", "|---|---|---|---|---|---|"]
        for model in report.models.prefix(limits.rows) {
            let role = model.role == "modified" || model.role == "selected" ? "**\(model.role)**" : "\(model.role) (\(model.distance))"
            table.append("| \(MarkdownSafety.code(model.name)) | \(role) | \(rows(model)) | \(schema(model)) | \(key(model)) | \(values(model)) |")
        }
        if report.models.count > limits.rows { table.append("| …and \(report.models.count - limits.rows) more in proof.json | | | | | |") }
        if report.models.count > limits.foldAbove {
            let changed = report.models.filter { $0.dataChanged == true }.count
            lines.append("<details><summary>\(report.models.count) models proved, \(changed) with changed data</summary>")
            lines.append("")
            lines += table
            lines.append("")
            lines.append("</details>")
        } else {
            lines += table
        }
        let differing = report.models.filter { $0.key != nil && !($0.values?.examples.isEmpty ?? true) }.prefix(limits.exampleModels)
        if !differing.isEmpty {
            lines.append("")
            lines.append("<details><summary>Differing rows (a few per model, production → branch)</summary>")
            for model in differing { lines += examples(model, limits: limits) }
            lines.append("")
            lines.append("</details>")
        }
        let notes = report.models.flatMap { model in model.notes.map { "`\(model.name)`: \($0)" } } + report.notes
        for note in notes.prefix(10) { lines.append("\n_\(MarkdownSafety.cell(note))_") }
        if !findings.isEmpty {
            lines.append("")
            lines.append("**What the data says against the sessions:**")
            lines.append("")
            for finding in findings {
                let place = finding.location.map { $0.file + ($0.line.map { ":\($0)" } ?? "") } ?? ""
                lines.append(
                    "- \(finding.severity.rawValue) (\(MarkdownSafety.code(finding.ruleID))): \(MarkdownSafety.cell(finding.message))\(place.isEmpty ? "" : " — \(MarkdownSafety.code(place))")"
                )
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ value: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    static func rows(_ model: ModelProof) -> String {
        switch model.status {
        case .ephemeral: return "ephemeral (no relation)"
        case .notBuilt: return "not built on the branch (production's data)"
        case .new: return "new: — → \(model.branch.map { number($0.rows) } ?? "?")"
        case .compared:
            guard let production = model.production, let branch = model.branch else { return "—" }
            let change = branch.rows - production.rows
            guard change != 0 else { return "\(number(production.rows)) → \(number(branch.rows))" }
            let percent =
                production.rows > 0 ? ", " + (change > 0 ? "+" : "−") + String(format: "%.1f %%", abs(Double(change) * 100 / Double(production.rows))) : ""
            return "\(number(production.rows)) → \(number(branch.rows)) (**\(change > 0 ? "+" : "−")\(number(abs(change)))**\(percent))"
        }
    }

    static func schema(_ model: ModelProof) -> String {
        guard model.status == .compared else { return "—" }
        let change = model.schemaChange
        if change.isEmpty { return "same" }
        var parts: [String] = []
        parts += change.added.map { "+\(MarkdownSafety.code($0.name)) \(MarkdownSafety.cell($0.type))" }
        parts += change.removed.map { "−\(MarkdownSafety.code($0.name))" }
        parts += change.retyped.map { "\(MarkdownSafety.code($0.name)) \(MarkdownSafety.cell($0.production)) → \(MarkdownSafety.cell($0.branch))" }
        return parts.prefix(6).joined(separator: ", ") + (parts.count > 6 ? " and \(parts.count - 6) more" : "")
    }

    static func key(_ model: ModelProof) -> String {
        guard let key = model.key else { return model.status == .compared || model.status == .new ? "— (no key)" : "—" }
        let columns = key.columns.map(MarkdownSafety.code).joined(separator: ", ")
        func side(_ side: KeyCheck.Side?) -> String? {
            guard let side else { return nil }
            if side.duplicates == 0 && side.nulls == 0 { return "unique, not null" }
            return [side.duplicates > 0 ? "**\(number(side.duplicates)) duplicated**" : nil, side.nulls > 0 ? "**\(number(side.nulls)) null**" : nil]
                .compactMap { $0 }.joined(separator: ", ")
        }
        let branch = side(key.branch)
        let production = side(key.production)
        if let branch, let production, branch == production { return "\(columns): \(branch) on both sides" }
        return "\(columns): " + [production.map { "production \($0)" }, branch.map { "branch \($0)" }].compactMap { $0 }.joined(separator: "; ")
    }

    static func values(_ model: ModelProof) -> String {
        guard let values = model.values else {
            if model.status != .compared { return "—" }
            return "not compared: " + MarkdownSafety.cell(model.valuesSkipped ?? "")
        }
        let columns = values.byColumn.filter { $0.changed > 0 }.map { "\(MarkdownSafety.code($0.name)) \(number($0.changed))" }
        let counts = [("changed", values.changed), ("removed", values.removed), ("added", values.added)].filter { $0.1 > 0 }
            .map { "**\(number($0.1)) \($0.0)**" }
        let compared = values.columns.isEmpty ? "the key alone" : "\(values.columns.count) column\(values.columns.count == 1 ? "" : "s")"
        if counts.isEmpty { return "equal: \(number(values.unchanged)) rows, \(compared)" }
        return counts.joined(separator: ", ") + (columns.isEmpty ? "" : " (" + columns.prefix(5).joined(separator: ", ") + ")")
            + "; \(number(values.unchanged)) equal, \(compared)"
    }

    static func examples(_ model: ModelProof, limits: Limits) -> [String] {
        guard let values = model.values, let key = model.key else { return [] }
        var lines = ["", "**\(MarkdownSafety.code(model.name))** (key \(key.columns.map(MarkdownSafety.code).joined(separator: ", ")))", ""]
        lines.append("| | key | values |")
        lines.append("|---|---|---|")
        func shown(_ value: String?) -> String {
            guard let value else { return "null" }
            return MarkdownSafety.code(value.count > limits.valueCharacters ? String(value.prefix(limits.valueCharacters)) + "…" : value)
        }
        for example in values.examples {
            let keyText = example.key.map(shown).joined(separator: ", ")
            var cells: [String] = []
            for (index, name) in values.columns.prefix(example.production.count).enumerated() {
                let before = example.production[index]
                let after = example.branch[index]
                switch example.kind {
                case "changed" where before != after: cells.append("\(MarkdownSafety.code(name)): \(shown(before)) → \(shown(after))")
                case "removed": cells.append("\(MarkdownSafety.code(name)): \(shown(before))")
                case "added": cells.append("\(MarkdownSafety.code(name)): \(shown(after))")
                default: continue
                }
            }
            lines.append("| \(example.kind) | \(keyText) | \(cells.prefix(4).joined(separator: "; ")) |")
        }
        return lines
    }
}

import Foundation
import Lineage

/// Turns the program's answer for a batch into ``ModelProof`` values: statuses, the schema change,
/// the key checks and the value diff, each with what it rests on.
enum ProofAssembler {
    /// The program's answer for one model (see ``ProofQuery``).
    struct Answer: Decodable {
        struct Values: Decodable {
            var columns: [String]
            var fallback: Bool
            var leftOut: Int
            var asText: [String]
            var added: Int
            var removed: Int
            var changed: Int
            var unchanged: Int
            var byColumn: [Int]
            var examples: [[String?]]

            enum CodingKeys: String, CodingKey {
                case columns, fallback, leftOut = "left_out", asText = "as_text", added, removed, changed, unchanged, byColumn = "by_column", examples
            }
        }

        var id: String
        var inGraph: Bool
        var branch: String?
        var production: String?
        var sameRelation: Bool
        var productionColumns: [[String?]]?
        var branchColumns: [[String?]]?
        var counts: [String: Int]
        var values: Values?
        /// Column names with a quote character: never compared (nor used as a key).
        var unquotable: [String]?

        enum CodingKeys: String, CodingKey {
            case id, inGraph = "in_graph", branch, production, sameRelation = "same_relation", productionColumns = "production_columns"
            case branchColumns = "branch_columns", counts, values, unquotable
        }
    }

    /// Decodes the answer of a batch.
    ///
    /// - Throws: ``ProofError/dbtNoAnswer(_:)`` when it is not the program's JSON.
    static func answers(_ data: Data) throws -> [String: Answer] {
        do {
            let list = try JSONDecoder().decode([Answer].self, from: data)
            return Dictionary(list.map { ($0.id, $0) }) { first, _ in first }
        } catch {
            throw ProofError.dbtNoAnswer("the result is not the proof program's JSON (\(error.localizedDescription))")
        }
    }

    /// The proof of one planned item, from its answer (nil: dbt was not asked — an ephemeral model).
    static func proof(_ item: ProofPlan.Item, _ answer: Answer?) -> ModelProof {
        var proof = ModelProof(
            name: item.name, uniqueID: item.uniqueID, resourceType: item.resourceType, role: item.role, distance: item.distance, status: .compared)
        guard let answer else {
            proof.status = .ephemeral
            proof.notes.append("ephemeral: no relation to read; its data is checked through the models that select from it")
            return proof
        }
        if !answer.inGraph { proof.notes.append("dbt's parse for this target has no node `\(item.uniqueID)`") }
        let productionColumns = columns(answer.productionColumns)
        let branchColumns = columns(answer.branchColumns)
        if let relation = answer.production, let rows = answer.counts["production_rows"] {
            proof.production = .init(relation: relation, rows: rows)
        }
        if let relation = answer.branch, let rows = answer.counts["branch_rows"] { proof.branch = .init(relation: relation, rows: rows) }
        if answer.branch == nil {
            proof.status = .notBuilt
            proof.notes.append(
                "not built on the branch: dbt would defer to production's relation, so the branch's data is production's — build it to prove it")
        } else if answer.production == nil {
            proof.status = .new
            proof.notes.append(
                item.production == nil
                    ? "new: production's manifest has no such node"
                    : "production's relation \(relationName(item.production)) is not in the warehouse: the branch side alone")
        }
        if proof.status == .compared { proof.schemaChange = schemaChange(production: productionColumns, branch: branchColumns) }
        if let names = answer.unquotable.map(Set.init), !names.isEmpty {
            proof.notes.append("not compared: \(names.count) column name\(names.count == 1 ? "" : "s") with a quote character (never put into SQL)")
        }

        // Key.
        if item.key.isEmpty {
            proof.keySkipped = "no primary key: add a `primary_key` constraint or `unique` and `not_null` tests on the key column"
        } else {
            let source = item.keySource ?? "the manifest"
            let production = side(answer.counts, "production")
            let branch = side(answer.counts, "branch")
            if production == nil && branch == nil {
                proof.keySkipped = "the key \(item.key.map { "`\($0)`" }.joined(separator: ", ")) (\(source)) is not a column of the relation"
            } else {
                proof.key = KeyCheck(columns: item.key, source: source, production: production, branch: branch)
                if answer.production != nil, production == nil { proof.notes.append("production has no key column \(item.key.joined(separator: ", "))") }
                if answer.branch != nil, branch == nil { proof.notes.append("the branch has no key column \(item.key.joined(separator: ", "))") }
            }
        }

        // Values.
        if let values = answer.values {
            let basis = values.fallback ? "every column both sides share (none the diff touches is one)" : item.basis
            let keys = item.key.count
            let examples = values.examples.compactMap { row -> ValueDiff.Example? in
                guard let kind = row.first ?? nil, row.count >= 1 + keys else { return nil }
                let rest = Array(row.dropFirst(1 + keys))
                let pairs = rest.count / 2
                return ValueDiff.Example(
                    kind: kind, key: Array(row[1..<(1 + keys)]), production: (0..<pairs).map { rest[2 * $0] }, branch: (0..<pairs).map { rest[2 * $0 + 1] })
            }
            proof.values = ValueDiff(
                columns: values.columns, basis: basis + (values.leftOut > 0 ? "; \(values.leftOut) more columns not compared" : ""),
                comparedAsText: values.asText, added: values.added, removed: values.removed, changed: values.changed, unchanged: values.unchanged,
                byColumn: zip(values.columns, values.byColumn).map { ValueDiff.ColumnChange(name: $0, changed: $1) }, examples: examples)
        } else if proof.status == .compared {
            proof.valuesSkipped = valuesSkipped(proof)
        }
        return proof
    }

    /// Why there is no value diff of two relations that were both read.
    static func valuesSkipped(_ proof: ModelProof) -> String {
        guard let key = proof.key else { return "no key to join the sides on: " + (proof.keySkipped ?? "none found") }
        guard let production = key.production, let branch = key.branch else { return "the key is not a column on both sides" }
        var problems: [String] = []
        if production.duplicates > 0 { problems.append("\(production.duplicates) duplicated key value\(production.duplicates == 1 ? "" : "s") in production") }
        if branch.duplicates > 0 { problems.append("\(branch.duplicates) on the branch") }
        if production.nulls > 0 { problems.append("\(production.nulls) null key\(production.nulls == 1 ? "" : "s") in production") }
        if branch.nulls > 0 { problems.append("\(branch.nulls) null key\(branch.nulls == 1 ? "" : "s") on the branch") }
        return "a value diff needs a unique, non-null key: " + problems.joined(separator: ", ")
    }

    static func side(_ counts: [String: Int], _ side: String) -> KeyCheck.Side? {
        guard let duplicates = counts[side + "_duplicates"], let nulls = counts[side + "_nulls"] else { return nil }
        return KeyCheck.Side(duplicates: duplicates, nulls: nulls)
    }

    static func columns(_ list: [[String?]]?) -> [SchemaChange.Column] {
        (list ?? []).compactMap { pair in
            guard let name = pair.first ?? nil else { return nil }
            return SchemaChange.Column(name: name, type: (pair.count > 1 ? pair[1] : nil) ?? "")
        }
    }

    /// Columns added, removed and retyped, names compared without case (warehouses fold them).
    static func schemaChange(production: [SchemaChange.Column], branch: [SchemaChange.Column]) -> SchemaChange {
        let before = Dictionary(production.map { ($0.name.lowercased(), $0) }) { first, _ in first }
        let after = Dictionary(branch.map { ($0.name.lowercased(), $0) }) { first, _ in first }
        var change = SchemaChange()
        for column in branch {
            guard let old = before[column.name.lowercased()] else {
                change.added.append(column)
                continue
            }
            if old.type.lowercased() != column.type.lowercased() {
                change.retyped.append(.init(name: column.name, production: old.type, branch: column.type))
            }
        }
        change.removed = production.filter { after[$0.name.lowercased()] == nil }
        return change
    }

    static func relationName(_ facts: RelationFacts?) -> String {
        guard let facts else { return "?" }
        return facts.relationName ?? [facts.database, facts.schema, facts.identifier].compactMap { $0 }.joined(separator: ".")
    }
}

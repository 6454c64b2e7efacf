import Foundation
import Lineage

/// Which nodes `rationale prove` compares and how: the modified models and seeds and snapshots,
/// their children to a depth, the nodes a session excluded (to test the exclusion) or those named
/// with `--select`; each with production's relation, its key and the columns to compare.
public struct ProofPlan: Sendable {
    /// One node to prove.
    public struct Item: Sendable, Equatable {
        public var name: String
        public var uniqueID: String
        public var resourceType: String
        /// `modified`, `downstream`, `excluded` or `selected`.
        public var role: String
        public var distance: Int
        /// Production's relation (from the state manifest); nil for a node production lacks.
        public var production: RelationFacts?
        /// The branch's node (from the branch's manifest).
        public var branch: RelationFacts?
        public var key: [String]
        public var keySource: String?
        /// Columns to compare (the diff touches them); nil: every column both sides share.
        public var compare: [String]?
        /// Why these columns, in a few words.
        public var basis: String
        /// Whether the node is ephemeral (no relation: not sent to dbt).
        public var ephemeral: Bool {
            (branch?.materialized ?? production?.materialized) == "ephemeral"
        }

        public init(
            name: String, uniqueID: String, resourceType: String, role: String, distance: Int, production: RelationFacts?, branch: RelationFacts?,
            key: [String], keySource: String?, compare: [String]?, basis: String = "every column both sides share"
        ) {
            self.name = name
            self.uniqueID = uniqueID
            self.resourceType = resourceType
            self.role = role
            self.distance = distance
            self.production = production
            self.branch = branch
            self.key = key
            self.keySource = keySource
            self.compare = compare
            self.basis = basis
        }
    }

    /// How much the comparison may show.
    public struct Limits: Sendable, Equatable {
        /// Differing rows shown per kind (added, removed, changed).
        public var examples = 3
        /// Compared columns shown in an example.
        public var exampleColumns = 8
        /// Characters kept of a value in an example.
        public var exampleCharacters = 120
        /// Columns compared per model at most.
        public var maxColumns = 50
        /// Models per dbt invocation at most.
        public var modelsPerInvocation = 25
        /// Bytes of plan per invocation at most (it travels in an environment variable).
        public var planBytes = 64 * 1024

        public init() {}
    }

    public var items: [Item]
    public var limits: Limits

    public init(items: [Item], limits: Limits = Limits()) {
        self.items = items
        self.limits = limits
    }

    /// The plan of a change: `impact` (the lineage from both manifests, downstream included) gives
    /// the modified nodes and their children; `depth` bounds the children (1: direct ones);
    /// `excluded` names nodes the sessions excluded, proved wherever they lie downstream;
    /// `select`, when not empty, replaces the modified nodes by these names or unique ids.
    public static func make(
        impact: [ImpactedNode], production: [String: RelationFacts], branch: [String: RelationFacts], depth: Int, excluded: Set<String>,
        select: [String], limits: Limits = Limits()
    ) -> ProofPlan {
        var items: [Item] = []
        var seen = Set<String>()
        func add(_ id: String, role: String, distance: Int) {
            guard seen.insert(id).inserted else { return }
            let before = production[id]
            let after = branch[id]
            guard let facts = after ?? before else { return }
            let keyed = after?.key.isEmpty == false ? after : before
            var compare: [String]?
            var basis = "every column both sides share"
            switch role {
            case "modified":
                let touched = before.flatMap { before in after.map { touchedWords(before.rawCode, $0.rawCode) } } ?? []
                if touched.isEmpty {
                    basis += " (the SQL's diff names none)"
                } else {
                    compare = touched
                    basis = "the columns the diff touches"
                }
            case "downstream", "excluded": basis += " (the change reaches it from upstream)"
            default: break
            }
            items.append(
                Item(
                    name: facts.name, uniqueID: id, resourceType: facts.resourceType, role: role, distance: distance, production: before,
                    branch: after, key: keyed?.key ?? [], keySource: keyed?.keySource, compare: compare, basis: basis))
        }
        let dataNodes = impact.filter { [.model, .seed, .snapshot].contains($0.node.resourceType) && $0.role != .deleted && $0.role != .upstream }
        if select.isEmpty {
            for item in dataNodes where item.role == .modified { add(item.node.uniqueID, role: "modified", distance: 0) }
            for item in dataNodes.sorted(by: { ($0.distance, $0.node.uniqueID) < ($1.distance, $1.node.uniqueID) }) where item.role == .downstream {
                if item.distance <= depth {
                    add(item.node.uniqueID, role: "downstream", distance: item.distance)
                } else if !excluded.isDisjoint(with: [item.node.name, item.node.uniqueID]) {
                    add(item.node.uniqueID, role: "excluded", distance: item.distance)
                }
            }
        } else {
            let facts = branch.merging(production) { current, _ in current }
            for wanted in select {
                let matches = facts.values.filter { $0.uniqueID == wanted || $0.name == wanted }.sorted { $0.uniqueID < $1.uniqueID }
                for match in matches { add(match.uniqueID, role: "selected", distance: 0) }
            }
        }
        return ProofPlan(items: items, limits: limits)
    }

    /// Words of the lines that differ between two versions of a model's code (a multiset
    /// difference of lines, string literals and comments kept: a column named in one still
    /// names it), lowercased: the columns among them are those the change touches.
    public static func touchedWords(_ before: String, _ after: String) -> [String] {
        func lines(_ text: String) -> [String: Int] {
            var counts: [String: Int] = [:]
            for line in text.split(whereSeparator: \.isNewline) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { counts[trimmed, default: 0] += 1 }
            }
            return counts
        }
        let old = lines(before)
        let new = lines(after)
        var changed: [String] = []
        for (line, count) in new where count > old[line] ?? 0 { changed.append(line) }
        for (line, count) in old where count > new[line] ?? 0 { changed.append(line) }
        var words = Set<String>()
        for line in changed {
            var word = ""
            for character in line.lowercased() + " " {
                if character.isLetter || character.isNumber || character == "_" {
                    word.append(character)
                } else {
                    if let first = word.first, !first.isNumber { words.insert(word) }
                    word = ""
                }
            }
        }
        return words.sorted()
    }

    /// The items dbt is asked about, in batches: at most ``Limits/modelsPerInvocation`` models and
    /// ``Limits/planBytes`` of plan each (ephemeral models have no relation and are left out).
    public func batches() -> [[Item]] {
        var batches: [[Item]] = []
        var current: [Item] = []
        var bytes = 0
        for item in items where !item.ephemeral {
            let size = Self.encoded(Self.model(item, limits: limits)).utf8.count + 2
            if !current.isEmpty, current.count >= limits.modelsPerInvocation || bytes + size > limits.planBytes - 256 {
                batches.append(current)
                current = []
                bytes = 0
            }
            current.append(item)
            bytes += size
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// The plan of one batch as the program reads it (JSON).
    public func json(_ batch: [Item]) -> String {
        let document = Document(
            examples: limits.examples, exampleColumns: limits.exampleColumns, exampleChars: limits.exampleCharacters,
            models: batch.map { Self.model($0, limits: limits) })
        return Self.encoded(document)
    }

    static func encoded(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Plain values of strings and numbers: encoding cannot fail.
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func model(_ item: Item, limits: Limits) -> Document.Model {
        Document.Model(
            id: item.uniqueID, name: item.name,
            production: item.production.map { .init(database: $0.database, schema: $0.schema, identifier: $0.identifier) },
            key: item.key, compare: item.compare, maxColumns: limits.maxColumns)
    }

    /// The plan as the program reads it.
    struct Document: Encodable {
        struct Relation: Encodable {
            var database: String?
            var schema: String?
            var identifier: String

            func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                // The program reads every key: nulls are written.
                try container.encode(database, forKey: .database)
                try container.encode(schema, forKey: .schema)
                try container.encode(identifier, forKey: .identifier)
            }

            enum CodingKeys: String, CodingKey { case database, schema, identifier }
        }

        struct Model: Encodable {
            var id: String
            var name: String
            var production: Relation?
            var key: [String]
            var compare: [String]?
            var maxColumns: Int

            func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(id, forKey: .id)
                try container.encode(name, forKey: .name)
                try container.encode(production, forKey: .production)
                try container.encode(key, forKey: .key)
                try container.encode(compare, forKey: .compare)
                try container.encode(maxColumns, forKey: .maxColumns)
            }

            enum CodingKeys: String, CodingKey { case id, name, production, key, compare, maxColumns = "max_columns" }
        }

        var examples: Int
        var exampleColumns: Int
        var exampleChars: Int
        var models: [Model]

        enum CodingKeys: String, CodingKey {
            case examples, exampleColumns = "example_columns", exampleChars = "example_chars", models
        }
    }
}

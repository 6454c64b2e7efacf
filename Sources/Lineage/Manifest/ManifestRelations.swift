import Foundation

/// Where a model, seed or snapshot keeps its data, and what identifies one of its rows, as a dbt
/// manifest says: what proving a change from data needs beyond the lineage.
public struct RelationFacts: Sendable, Hashable {
    /// dbt's `unique_id`.
    public var uniqueID: String
    /// The node name.
    public var name: String
    /// `model`, `seed` or `snapshot`.
    public var resourceType: String
    /// The relation's database, schema and identifier (dbt's `alias`), as the manifest's target
    /// rendered them.
    public var database: String?
    public var schema: String?
    public var identifier: String
    /// dbt's own quoted name of the relation (`"db"."prod"."orders"`), when it has one.
    public var relationName: String?
    /// The rendered `materialized` config (`ephemeral` models have no relation).
    public var materialized: String?
    /// The raw code (a seed: empty).
    public var rawCode: String
    /// The primary key's columns; empty when the manifest declares none.
    public var key: [String] = []
    /// Where the key comes from (`primary_key constraint`, `unique and not_null tests`, …).
    public var keySource: String?

    /// Creates facts.
    public init(
        uniqueID: String, name: String, resourceType: String, database: String?, schema: String?, identifier: String, relationName: String?,
        materialized: String?, rawCode: String, key: [String] = [], keySource: String? = nil
    ) {
        self.uniqueID = uniqueID
        self.name = name
        self.resourceType = resourceType
        self.database = database
        self.schema = schema
        self.identifier = identifier
        self.relationName = relationName
        self.materialized = materialized
        self.rawCode = rawCode
        self.key = key
        self.keySource = keySource
    }
}

/// Reads ``RelationFacts`` for every model, seed and snapshot of a manifest (schema v12), with
/// the primary key taken from a `primary_key` constraint, else a column with `unique` and
/// `not_null` tests, else a `unique_combination_of_columns` test, else a column with a `unique`
/// test.
public enum ManifestRelations {
    /// Reads the manifest at `path` (memory-mapped); `file` names it in errors.
    public static func read(path: String, file: String) throws -> [String: RelationFacts] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw LineageError.notAManifest(file: file, reason: "cannot read it: \((error as NSError).localizedDescription)")
        }
        return try read(data: data, file: file)
    }

    /// A test that can say what identifies a row: its kind, the node it checks and its columns.
    struct KeyTest {
        var kind: String
        var node: String
        var columns: [String]
    }

    /// Reads a manifest from bytes; `file` names it in errors.
    public static func read(data: Data, file: String) throws -> [String: RelationFacts] {
        var facts: [String: RelationFacts] = [:]
        var constraints: [String: [String]] = [:]
        var tests: [KeyTest] = []
        var schema: String?
        try data.withUnsafeBytes { raw in
            var scanner = JSONScanner(raw.bindMemory(to: UInt8.self))
            do {
                guard scanner.peek() == UInt8(ascii: "{") else { throw LineageError.notAManifest(file: file, reason: "it is not a JSON object") }
                try scanner.object { scanner, key in
                    if key.is("metadata") {
                        try scanner.object { scanner, key in
                            if key.is("dbt_schema_version") { schema = try scanner.optionalString() } else { try scanner.skipValue() }
                        }
                    } else if key.is("nodes") {
                        try checkSchema(schema, file: file)
                        try scanner.object { scanner, _ in
                            let entry = try readNode(&scanner)
                            if let test = entry.test {
                                tests.append(test)
                            } else if let fact = entry.facts {
                                facts[fact.uniqueID] = fact
                                if !entry.primaryKey.isEmpty { constraints[fact.uniqueID] = entry.primaryKey }
                            }
                        }
                    } else {
                        try scanner.skipValue()
                    }
                }
            } catch let failure as JSONScanner.Failure {
                throw LineageError.notAManifest(file: file, reason: "invalid JSON at byte \(failure.offset): expected \(failure.expected)")
            }
        }
        try checkSchema(schema, file: file)
        let testsByNode = Dictionary(grouping: tests, by: \.node)
        for id in facts.keys {
            let (key, source) = primaryKey(constraint: constraints[id] ?? [], tests: testsByNode[id] ?? [])
            facts[id]?.key = key
            facts[id]?.keySource = source
        }
        return facts
    }

    static func checkSchema(_ schema: String?, file: String) throws {
        guard let schema else { throw LineageError.notAManifest(file: file, reason: "no metadata.dbt_schema_version before the nodes") }
        guard schema.contains("/manifest/") else { throw LineageError.notAManifest(file: file, reason: "its schema is \(schema), not a manifest") }
        let version = schema.split(separator: "/").last.map { String($0.dropLast($0.hasSuffix(".json") ? 5 : 0)) } ?? schema
        guard version == ManifestReader.supportedSchema else { throw LineageError.unsupportedManifest(file: file, version: version) }
    }

    /// The key: a constraint first, then tests, in the order the type's documentation gives.
    static func primaryKey(constraint: [String], tests: [KeyTest]) -> ([String], String?) {
        if !constraint.isEmpty { return (constraint, "primary_key constraint") }
        let unique = Set(tests.filter { $0.kind == "unique" && $0.columns.count == 1 }.map { $0.columns[0] })
        let notNull = Set(tests.filter { $0.kind == "not_null" && $0.columns.count == 1 }.map { $0.columns[0] })
        if let column = unique.intersection(notNull).sorted().first { return ([column], "unique and not_null tests on `\(column)`") }
        if let combination = tests.first(where: { $0.kind == "unique_combination_of_columns" && !$0.columns.isEmpty }) {
            return (combination.columns, "unique_combination_of_columns test")
        }
        if let column = unique.sorted().first { return ([column], "unique test on `\(column)` (no not_null test)") }
        return ([], nil)
    }

    /// One entry of `nodes`: the facts of a model, seed or snapshot, or a test that names a key.
    struct NodeEntry {
        var facts: RelationFacts?
        var test: KeyTest?
        var primaryKey: [String] = []
    }

    /// The node fields the reader decodes.
    enum Field: Sendable {
        case uniqueID, resourceType, name, alias, database, schema, relationName, rawCode, attachedNode, columnName
        case config, constraints, columns, dependsOn, testMetadata
    }

    static let fields = JSONKeyTable<Field>([
        "unique_id": .uniqueID, "resource_type": .resourceType, "name": .name, "alias": .alias, "database": .database,
        "schema": .schema, "relation_name": .relationName, "raw_code": .rawCode, "attached_node": .attachedNode,
        "column_name": .columnName, "config": .config, "constraints": .constraints, "columns": .columns,
        "depends_on": .dependsOn, "test_metadata": .testMetadata,
    ])

    static func readNode(_ scanner: inout JSONScanner) throws -> NodeEntry {
        var id = "", type = "", name = "", alias = "", rawCode = ""
        var database: String?, schema: String?, relationName: String?, materialized: String?
        var modelKey: [String] = []
        var columnKeys: [String] = []
        var testKind: String?, attached: String?, column: String?, combination: [String] = []
        var parents: [String] = []
        try scanner.object { s, key in
            guard let field = fields[key] else { return try s.skipValue() }
            switch field {
            case .uniqueID: id = try s.string()
            case .resourceType: type = try s.string()
            case .name: name = try s.string()
            case .alias: alias = try s.optionalString() ?? ""
            case .database: database = try s.optionalString()
            case .schema: schema = try s.optionalString()
            case .relationName: relationName = try s.optionalString()
            case .rawCode: rawCode = try s.optionalString() ?? ""
            case .attachedNode: attached = try s.optionalString()
            case .columnName: column = try s.optionalString()
            case .config:
                if s.skipNull() { break }
                try s.object { s, key in
                    if key.is("materialized") { materialized = try s.scalarText() } else { try s.skipValue() }
                }
            case .constraints:
                modelKey = try primaryKeyConstraint(&s, column: nil)
            case .columns:
                if s.skipNull() { break }
                try s.object { s, columnName in
                    try s.object { s, field in
                        if field.is("constraints") { columnKeys += try primaryKeyConstraint(&s, column: columnName.string) } else { try s.skipValue() }
                    }
                }
            case .dependsOn:
                try s.object { s, key in
                    if key.is("nodes") { parents = try s.strings() } else { try s.skipValue() }
                }
            case .testMetadata:
                if s.skipNull() { break }
                try s.object { s, key in
                    if key.is("name") {
                        testKind = try s.optionalString()
                    } else if key.is("kwargs"), s.peek() == UInt8(ascii: "{") {
                        try s.object { s, argument in
                            if argument.is("combination_of_columns"), s.peek() == UInt8(ascii: "[") { combination = try s.strings() } else { try s.skipValue() }
                        }
                    } else {
                        try s.skipValue()
                    }
                }
            }
        }
        switch type {
        case "model", "seed", "snapshot":
            let facts = RelationFacts(
                uniqueID: id, name: name, resourceType: type, database: database, schema: schema,
                identifier: alias.isEmpty ? name : alias, relationName: relationName, materialized: materialized, rawCode: rawCode)
            return NodeEntry(facts: facts, test: nil, primaryKey: modelKey.isEmpty ? columnKeys : modelKey)
        case "test":
            guard let testKind, let node = attached ?? parents.first(where: { !$0.hasPrefix("macro.") }) else { return NodeEntry() }
            let columns = testKind == "unique_combination_of_columns" ? combination : (column.map { [$0] } ?? [])
            return NodeEntry(test: KeyTest(kind: testKind, node: node, columns: columns))
        default:
            return NodeEntry()
        }
    }

    /// The columns of `primary_key` constraints in a `constraints` list: a model-level one names
    /// its `columns`; a column-level one is about `column`.
    static func primaryKeyConstraint(_ scanner: inout JSONScanner, column: String?) throws -> [String] {
        var key: [String] = []
        if scanner.skipNull() { return [] }
        try scanner.array { s in
            guard s.peek() == UInt8(ascii: "{") else { return try s.skipValue() }
            var type: String?
            var columns: [String] = []
            try s.object { s, field in
                if field.is("type") {
                    type = try s.scalarText()
                } else if field.is("columns"), s.peek() == UInt8(ascii: "[") {
                    columns = try s.strings()
                } else {
                    try s.skipValue()
                }
            }
            guard type == "primary_key" else { return }
            key += column.map { [$0] } ?? columns
        }
        return key
    }
}

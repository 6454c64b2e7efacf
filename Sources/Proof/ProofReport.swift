import Diagnostics
import Foundation

/// What `rationale prove` found by comparing production and the branch through dbt: the
/// document written as `proof.json` (schema `rationale.proof/1`, docs/PROOF_JSON.md) and read
/// back by `narrate --proof` and `gate --proof`.
public struct ProofReport: Sendable, Codable, Equatable {
    /// The schema this version writes and reads.
    public static let currentSchema = "rationale.proof/1"

    /// The schema of this document.
    public var schema: String = ProofReport.currentSchema
    /// The tool that wrote it (`rationale 0.x`).
    public var tool: String
    /// When it was written (ISO 8601, UTC).
    public var generatedAt: String
    /// The commits of the range the sessions come from (merge-base and head), when known.
    public var base: String?
    public var head: String?
    /// The production manifest and the branch's manifest, as given.
    public var state: String
    public var manifest: String
    /// The dbt target the branch was read with (nil: the profile's default).
    public var target: String?
    /// How dbt was asked.
    public var dbt: DbtRun
    /// One entry per proved node, modified ones first.
    public var models: [ModelProof]
    /// What the data says against the sessions' reasoning, when prove ran (the gate and the
    /// narrative evaluate them again against the sessions they read).
    public var findings: [Finding]
    /// Limits of the answer.
    public var notes: [String]

    public init(
        tool: String, generatedAt: String, base: String?, head: String?, state: String, manifest: String, target: String?, dbt: DbtRun,
        models: [ModelProof], findings: [Finding] = [], notes: [String] = []
    ) {
        self.tool = tool
        self.generatedAt = generatedAt
        self.base = base
        self.head = head
        self.state = state
        self.manifest = manifest
        self.target = target
        self.dbt = dbt
        self.models = models
        self.findings = findings
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case schema, tool, generatedAt = "generated_at", base, head, state, manifest, target, dbt, models, findings, notes
    }

    /// Every key, nulls written (a reader sees each key the documentation promises).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(tool, forKey: .tool)
        try container.encode(generatedAt, forKey: .generatedAt)
        try container.encode(base, forKey: .base)
        try container.encode(head, forKey: .head)
        try container.encode(state, forKey: .state)
        try container.encode(manifest, forKey: .manifest)
        try container.encode(target, forKey: .target)
        try container.encode(dbt, forKey: .dbt)
        try container.encode(models, forKey: .models)
        try container.encode(findings, forKey: .findings)
        try container.encode(notes, forKey: .notes)
    }

    /// How dbt was run: its executable, version and adapter, how many times, and how long it took.
    public struct DbtRun: Sendable, Codable, Equatable {
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(executable, forKey: .executable)
            try container.encode(version, forKey: .version)
            try container.encode(adapter, forKey: .adapter)
            try container.encode(invocations, forKey: .invocations)
            try container.encode(seconds, forKey: .seconds)
        }

        enum CodingKeys: String, CodingKey { case executable, version, adapter, invocations, seconds }

        public var executable: String
        public var version: String?
        public var adapter: String?
        public var invocations: Int
        public var seconds: Double

        public init(executable: String, version: String?, adapter: String?, invocations: Int, seconds: Double) {
            self.executable = executable
            self.version = version
            self.adapter = adapter
            self.invocations = invocations
            self.seconds = seconds
        }
    }
}

/// The proof of one node: both sides' rows, schema, key and values.
public struct ModelProof: Sendable, Codable, Equatable {
    /// Where the comparison stands.
    public enum Status: String, Sendable, Codable, Equatable {
        /// Both sides were read and compared.
        case compared
        /// No relation in production: a new node, the branch side alone.
        case new
        /// No relation on the branch: dbt would defer to production's, so there is nothing to compare.
        case notBuilt = "not_built"
        /// An ephemeral model: no relation to read.
        case ephemeral
    }

    public var name: String
    public var uniqueID: String
    public var resourceType: String
    /// `modified`, `downstream` (within `--downstream`), `excluded` (a session excluded it:
    /// proved to check the exclusion) or `selected` (`--select`).
    public var role: String
    /// Edges from the nearest modified node.
    public var distance: Int
    public var status: Status
    public var production: Side?
    public var branch: Side?
    public var schemaChange: SchemaChange
    public var key: KeyCheck?
    /// Why there is no key check.
    public var keySkipped: String?
    public var values: ValueDiff?
    /// Why there is no value diff.
    public var valuesSkipped: String?
    public var notes: [String]

    public init(
        name: String, uniqueID: String, resourceType: String, role: String, distance: Int, status: Status, production: Side? = nil,
        branch: Side? = nil, schemaChange: SchemaChange = SchemaChange(), key: KeyCheck? = nil, keySkipped: String? = nil,
        values: ValueDiff? = nil, valuesSkipped: String? = nil, notes: [String] = []
    ) {
        self.name = name
        self.uniqueID = uniqueID
        self.resourceType = resourceType
        self.role = role
        self.distance = distance
        self.status = status
        self.production = production
        self.branch = branch
        self.schemaChange = schemaChange
        self.key = key
        self.keySkipped = keySkipped
        self.values = values
        self.valuesSkipped = valuesSkipped
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case name, uniqueID = "unique_id", resourceType = "resource_type", role, distance, status, production, branch
        case schemaChange = "schema_change", key, keySkipped = "key_skipped", values, valuesSkipped = "values_skipped", notes
    }

    /// What the document adds for its readers: derived, never read back.
    enum DerivedKeys: String, CodingKey {
        case rowChange = "row_change", dataChanged = "data_changed"
    }

    /// Every stored field (nulls written, so a reader sees each key), and the derived ones.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(uniqueID, forKey: .uniqueID)
        try container.encode(resourceType, forKey: .resourceType)
        try container.encode(role, forKey: .role)
        try container.encode(distance, forKey: .distance)
        try container.encode(status, forKey: .status)
        try container.encode(production, forKey: .production)
        try container.encode(branch, forKey: .branch)
        try container.encode(schemaChange, forKey: .schemaChange)
        try container.encode(key, forKey: .key)
        try container.encode(keySkipped, forKey: .keySkipped)
        try container.encode(values, forKey: .values)
        try container.encode(valuesSkipped, forKey: .valuesSkipped)
        try container.encode(notes, forKey: .notes)
        var derived = encoder.container(keyedBy: DerivedKeys.self)
        try derived.encode(rowChange, forKey: .rowChange)
        try derived.encode(dataChanged, forKey: .dataChanged)
    }

    /// One side's relation and row count.
    public struct Side: Sendable, Codable, Equatable {
        /// The relation as dbt renders it.
        public var relation: String
        public var rows: Int

        public init(relation: String, rows: Int) {
            self.relation = relation
            self.rows = rows
        }
    }

    /// The branch's rows minus production's, when both sides were read.
    public var rowChange: Int? {
        guard let production, let branch else { return nil }
        return branch.rows - production.rows
    }

    /// Whether the data differs between the sides: rows, columns or values; nil when the sides
    /// were not both read.
    public var dataChanged: Bool? {
        guard status == .compared else { return nil }
        if rowChange != 0 || !schemaChange.isEmpty { return true }
        if let values { return values.added + values.removed + values.changed > 0 }
        return false
    }

    /// Whether the answer to ``dataChanged`` is certain: a `false` without a value diff rests on
    /// row counts and columns alone.
    public var dataChangeKnown: Bool { dataChanged == true || values != nil }
}

/// Columns added, removed or retyped on the branch.
public struct SchemaChange: Sendable, Codable, Equatable {
    public struct Column: Sendable, Codable, Equatable {
        public var name: String
        public var type: String

        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    public struct Retyped: Sendable, Codable, Equatable {
        public var name: String
        public var production: String
        public var branch: String

        public init(name: String, production: String, branch: String) {
            self.name = name
            self.production = production
            self.branch = branch
        }
    }

    public var added: [Column] = []
    public var removed: [Column] = []
    public var retyped: [Retyped] = []

    public init(added: [Column] = [], removed: [Column] = [], retyped: [Retyped] = []) {
        self.added = added
        self.removed = removed
        self.retyped = retyped
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && retyped.isEmpty }
}

/// The primary key on each side: values held by more than one row, and rows with a null in it.
public struct KeyCheck: Sendable, Codable, Equatable {
    public struct Side: Sendable, Codable, Equatable {
        /// Key values held by more than one row (what dbt's `unique` test counts).
        public var duplicates: Int
        /// Rows with a null in a key column (what `not_null` counts).
        public var nulls: Int

        public init(duplicates: Int, nulls: Int) {
            self.duplicates = duplicates
            self.nulls = nulls
        }
    }

    public var columns: [String]
    /// Where the key comes from (a constraint, tests).
    public var source: String
    public var production: Side?
    public var branch: Side?

    public init(columns: [String], source: String, production: Side?, branch: Side?) {
        self.columns = columns
        self.source = source
        self.production = production
        self.branch = branch
    }

    enum CodingKeys: String, CodingKey { case columns, source, production, branch }

    /// Every key, a side without a key column as null.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(columns, forKey: .columns)
        try container.encode(source, forKey: .source)
        try container.encode(production, forKey: .production)
        try container.encode(branch, forKey: .branch)
    }
}

/// The rows of both sides joined on the key (audit_helper's `compare_relations`): added, removed,
/// changed in the compared columns, with a few examples.
public struct ValueDiff: Sendable, Codable, Equatable {
    /// The columns compared, and why these.
    public var columns: [String]
    public var basis: String
    /// Columns compared as text because their type differs between the sides.
    public var comparedAsText: [String]
    /// Rows only on the branch, only in production, in both with a compared column differing, and
    /// in both with every compared column equal.
    public var added: Int
    public var removed: Int
    public var changed: Int
    public var unchanged: Int
    /// Rows changed per compared column, in the order of `columns`.
    public var byColumn: [ColumnChange]
    public var examples: [Example]

    public init(
        columns: [String], basis: String, comparedAsText: [String] = [], added: Int, removed: Int, changed: Int, unchanged: Int,
        byColumn: [ColumnChange], examples: [Example]
    ) {
        self.columns = columns
        self.basis = basis
        self.comparedAsText = comparedAsText
        self.added = added
        self.removed = removed
        self.changed = changed
        self.unchanged = unchanged
        self.byColumn = byColumn
        self.examples = examples
    }

    enum CodingKeys: String, CodingKey {
        case columns, basis, comparedAsText = "compared_as_text", added, removed, changed, unchanged, byColumn = "by_column", examples
    }

    public struct ColumnChange: Sendable, Codable, Equatable {
        public var name: String
        public var changed: Int

        public init(name: String, changed: Int) {
            self.name = name
            self.changed = changed
        }
    }

    /// One differing row: its key, and the compared columns' values on each side (as text,
    /// shortened; nil: SQL null or the side has no such row).
    public struct Example: Sendable, Codable, Equatable {
        /// `added`, `removed` or `changed`.
        public var kind: String
        public var key: [String?]
        public var production: [String?]
        public var branch: [String?]

        public init(kind: String, key: [String?], production: [String?], branch: [String?]) {
            self.kind = kind
            self.key = key
            self.production = production
            self.branch = branch
        }
    }
}

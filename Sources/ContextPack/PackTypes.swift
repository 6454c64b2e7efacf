/// A node as a context pack shows it.
public struct PackNode: Sendable, Hashable {
    /// How the node relates to the change.
    public enum Relation: String, Sendable, Hashable {
        /// Its own file changed (or it is new or deleted).
        case modified
        /// Shown in full on request (`--expand`).
        case expanded
        /// Modified without its own file changing: through a macro, a config block, properties
        /// in YAML, a var.
        case indirect
        case parent, child, farther
    }

    public var name: String
    public var uniqueID: String
    public var type: String
    public var layer: String
    public var path: String
    public var materialized: String?
    public var description: String
    /// Columns as (name, description, data type).
    public var columns: [(name: String, description: String, type: String?)]
    /// Test names.
    public var tests: [String]
    /// Why it is modified (`body: raw code differs`), for modified nodes.
    public var reasons: [String]
    /// The file's text, for nodes shown in full.
    public var code: String?
    /// Config keys worth showing (`materialized: incremental`), in order.
    public var config: [String]
    public var relation: Relation
    /// Edges from the nearest modified node.
    public var distance: Int
    /// For an indirect node, what modifies it (`` `cents_to_dollars` (`macros/cents.sql`) ``,
    /// `config in dbt_project.yml`): nodes are grouped by it.
    public var via: String?
    /// For a direct child: the changed columns of its modified parent that its code names.
    public var readsChangedColumns: [String]

    public init(
        name: String, uniqueID: String, type: String, layer: String, path: String, materialized: String?, description: String,
        columns: [(name: String, description: String, type: String?)], tests: [String], reasons: [String], code: String?,
        config: [String], relation: Relation, distance: Int, via: String? = nil, readsChangedColumns: [String] = []
    ) {
        self.name = name
        self.uniqueID = uniqueID
        self.type = type
        self.layer = layer
        self.path = path
        self.materialized = materialized
        self.description = description
        self.columns = columns
        self.tests = tests
        self.reasons = reasons
        self.code = code
        self.config = config
        self.relation = relation
        self.distance = distance
        self.via = via
        self.readsChangedColumns = readsChangedColumns
    }

    public static func == (a: PackNode, b: PackNode) -> Bool { a.uniqueID == b.uniqueID && a.relation == b.relation }
    public func hash(into hasher: inout Hasher) { hasher.combine(uniqueID) }

    /// The folder of its file (`models/staging/`), or `(no file)`.
    public var folder: String {
        guard let slash = path.lastIndex(of: "/") else { return path.isEmpty ? "(no file)" : "./" }
        return String(path[...slash])
    }
}

/// A changed file: its diff, and its whole text when it defines no node the pack shows.
public struct PackFile: Sendable, Hashable {
    public var path: String
    /// The unified diff, hunks with three lines of context.
    public var diff: String
    /// The same diff without context lines, for when the budget is tight; nil when the same.
    public var tightDiff: String?
    /// The whole new content, when it is text and no node shows it.
    public var content: String?
    /// Whether it is part of a dbt project of the change (or there is none): its diff is the one
    /// thing a pack always holds. Other files' diffs come after the direct children.
    public var essential: Bool

    public init(path: String, diff: String, tightDiff: String? = nil, content: String?, essential: Bool = true) {
        self.path = path
        self.diff = diff
        self.tightDiff = tightDiff
        self.content = content
        self.essential = essential
    }

    /// A YAML file: its whole text is the least worth showing (the diff says what changed).
    var isYAML: Bool { path.hasSuffix(".yml") || path.hasSuffix(".yaml") }
}

/// One context decision: what was loaded or excluded, and why.
public struct PackDecision: Sendable, Hashable, Encodable {
    public var verdict: String
    /// Names (for large groups, the first ones; `count` says how many in all).
    public var names: [String]
    public var count: Int
    public var reason: String

    /// The decision as the session protocol writes it (`- loaded: a, b — why`).
    public var line: String {
        let shown = names.joined(separator: ", ")
        let more = count > names.count ? "\(names.isEmpty ? "" : ", ")and \(count - names.count) more" : ""
        return "- \(verdict): \(shown)\(more) — \(reason)"
    }
}

/// Where a pack's tokens went, by kind of content.
public struct PackSection: Sendable, Hashable, Encodable {
    /// `header`, `diff`, `sql`, `columns`, `indirect`, `children`, `parents`, `farther`,
    /// `descriptions`, `tests`, `files`, `decisions`.
    public var kind: String
    /// Estimated tokens (each section estimated on its own: their sum is close to, not exactly,
    /// the pack's).
    public var tokens: Int
}

/// The pack: Markdown an agent reads first, within the budget, with its decisions.
public struct ContextPack: Sendable {
    public var markdown: String
    /// The tokens the pack states it uses: never fewer than its text's estimate.
    public var tokens: Int
    public var budget: Int
    public var decisions: [PackDecision]
    /// Where the tokens went.
    public var sections: [PackSection]
}

/// Why no pack could be made.
public enum ContextPackError: Error, Equatable {
    /// Even the diff of the change (without context lines) does not fit. `needed` is the
    /// smallest budget that gives a pack; `suggested` one that also holds the diff's context and
    /// the changed nodes' SQL.
    case diffDoesNotFit(needed: Int, suggested: Int, budget: Int, files: [String], nodes: [String])
}

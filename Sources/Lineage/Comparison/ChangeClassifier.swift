import Foundation

/// Why a node is in the answer.
public struct Reason: Sendable, Hashable, Codable {
    /// A stable code: `new`, `body`, `configs`, `relation`, … (see docs/IMPACT_JSON.md).
    public var code: String
    /// True when dbt's `state:modified` would also select the node for this reason.
    public var dbt: Bool
    /// A short human explanation.
    public var detail: String

    /// Creates a reason.
    public init(code: String, dbt: Bool, detail: String) {
        self.code = code
        self.dbt = dbt
        self.detail = detail
    }
}

/// The nodes a change modifies (with dbt's reasons and ours) and the ones it deletes.
public struct ChangeSet: Sendable {
    /// Modified or new nodes of the head revision, with their reasons.
    public var modified: [String: [Reason]] = [:]
    /// Nodes of the base revision that are gone (not renamed), with what now breaks.
    public var deleted: [String: [Reason]] = [:]
    /// Renamed nodes: new unique id → old unique id.
    public var renamed: [String: String] = [:]
    /// Macros whose text changed, appeared or disappeared.
    public var modifiedMacros: Set<String> = []
}

/// Compares two revisions of a project the way dbt's `state:modified` does, and adds what dbt
/// misses (deleted, renamed, vars, description-only edits), marked as such.
public enum ChangeClassifier {
    /// Config keys dbt leaves out of `state:modified.configs`.
    /// What dbt's contract checksum covers (`ModelNode.build_contract_checksum`): the columns
    /// sorted by name with their data types and constraints, and — for tables and incrementals,
    /// whose materialisation enforces constraints — the materialisation and the model-level
    /// constraints. A manifest's own checksum stands for all of it.
    static func contractState(_ node: Node) -> [Value] {
        if let checksum = node.properties["contract_checksum"] { return [checksum] }
        var byName: [String: Column] = [:]
        for column in node.columns { byName[column.name] = column }
        var state = byName.keys.sorted().map { name -> Value in
            let column = byName[name]
            return .list([.string(name), column?.dataType.map(Value.string) ?? .null, column?.constraints ?? .null])
        }
        let materialized = node.config["materialized"]?.scalarText ?? "view"
        if materialized == "table" || materialized == "incremental" {
            state.append(.list([.string(materialized), node.properties["model_constraints"] ?? .null]))
        }
        return state
    }

    static let unconfiguredKeys: Set<String> = ["alias", "schema", "database", "tags", "group"]
    /// Config keys that make `state:modified.relation`.
    static let relationKeys: Set<String> = ["database", "schema", "alias"]

    /// Classifies every node of `head` against `base` (nil: everything is new).
    /// `renamedFiles` maps old repository paths to new ones, from git's rename detection.
    /// `only`, when given, names the only nodes that can differ (the head was patched from the
    /// base), so the others are not compared.
    public static func classify(base: DbtProject?, head: DbtProject, renamedFiles: [String: String] = [:], only: Set<String>? = nil) -> ChangeSet {
        var result = ChangeSet()
        if let only, let base {
            for id in only.sorted() {
                guard let node = head.nodes[id], let old = base.nodes[id] else { continue }
                let reasons = compare(old: old, new: node, base: base, head: head, modifiedMacros: [])
                if !reasons.isEmpty { result.modified[id] = reasons }
            }
            return result
        }
        let baseNodes = base?.nodes ?? [:]
        let baseMacros = base?.macros ?? [:]
        for (id, macro) in head.macros where baseMacros[id]?.text != macro.text {
            result.modifiedMacros.insert(id)
        }
        for id in baseMacros.keys where head.macros[id] == nil {
            result.modifiedMacros.insert(id)
        }

        // Renames: a node that disappeared whose file git saw renamed to a new node's file,
        // or whose body reappears under a new id.
        let gone = baseNodes.filter { head.nodes[$0.key] == nil }
        let newPathToOld = Dictionary(renamedFiles.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        for (id, node) in head.nodes where baseNodes[id] == nil {
            let candidates = gone.values.filter { $0.resourceType == node.resourceType }
            if let oldPath = newPathToOld[node.path],
                let old = candidates.first(where: { $0.path == oldPath && $0.version == node.version }) ?? candidates.first(where: { $0.path == oldPath })
            {
                result.renamed[id] = old.uniqueID
            } else if node.resourceType != .source, node.resourceType != .exposure,
                let old = candidates.first(where: { $0.bodyKey == node.bodyKey && !$0.bodyKey.isEmpty })
            {
                result.renamed[id] = old.uniqueID
            }
        }
        let renamedOld = Set(result.renamed.values)
        // When no macro, var or docs block changed, a node equal to its old self has no reason.
        let contextChanged =
            !result.modifiedMacros.isEmpty || base?.docs != head.docs
            || base?.config.vars != head.config.vars

        for (id, node) in head.nodes {
            guard let old = baseNodes[id] else {
                var reasons = [Reason(code: "new", dbt: true, detail: "not in the base revision")]
                if let from = result.renamed[id] {
                    reasons.append(Reason(code: "renamed", dbt: false, detail: "renamed from \(from)"))
                }
                result.modified[id] = reasons
                continue
            }
            if !contextChanged, old == node { continue }
            let reasons = compare(old: old, new: node, base: base, head: head, modifiedMacros: result.modifiedMacros)
            if !reasons.isEmpty { result.modified[id] = reasons }
        }

        for (id, node) in gone where !renamedOld.contains(id) {
            let broken = (base?.children[id] ?? []).filter { head.nodes[$0] != nil }
            let detail =
                broken.isEmpty
                ? "\(node.path) is gone; nothing depended on it"
                : "\(node.path) is gone; still referenced by \(broken.joined(separator: ", "))"
            result.deleted[id] = [Reason(code: "deleted", dbt: false, detail: detail)]
        }
        return result
    }

    static func compare(old: Node, new: Node, base: DbtProject?, head: DbtProject, modifiedMacros: Set<String>) -> [Reason] {
        var reasons: [Reason] = []
        switch new.resourceType {
        case .source:
            for (key, code) in [
                ("database", "identifier"), ("schema", "identifier"), ("identifier", "identifier"),
                ("quoting", "quoting"), ("freshness", "freshness"),
                ("loaded_at_field", "loaded_at_field"), ("loaded_at_query", "loaded_at_field"),
                ("external", "configs"),
            ]
            where old.properties[key] != new.properties[key] {
                if !reasons.contains(where: { $0.code == code && $0.detail.hasPrefix(key) }) {
                    reasons.append(Reason(code: code, dbt: true, detail: "\(key) changed"))
                }
            }
            // Source configs compare every key, tags and meta included (SourceConfig excludes none).
            if old.config != new.config {
                reasons.append(Reason(code: "configs", dbt: true, detail: changedKeys(old.config, new.config)))
            }
        case .exposure:
            var fields = ["description", "label", "maturity", "owner", "type", "url"].filter { old.properties[$0] != new.properties[$0] }
            if old.parents.sorted() != new.parents.sorted() { fields.append("depends_on") }
            if old.config != new.config { fields.append("config") }
            if !fields.isEmpty {
                reasons.append(Reason(code: "exposure", dbt: true, detail: fields.joined(separator: ", ") + " changed"))
            }
        default:
            if old.bodyKey != new.bodyKey {
                if new.resourceType == .seed {
                    reasons.append(Reason(code: "checksum", dbt: true, detail: "seed contents differ"))
                } else {
                    reasons.append(Reason(code: "body", dbt: true, detail: "raw code differs (dbt counts comments and whitespace too)"))
                }
            }
            if old.config.removing(unconfiguredKeys) != new.config.removing(unconfiguredKeys) {
                reasons.append(
                    Reason(code: "configs", dbt: true, detail: changedKeys(old.config.removing(unconfiguredKeys), new.config.removing(unconfiguredKeys))))
            }
            if old.config.keeping(relationKeys) != new.config.keeping(relationKeys) {
                reasons.append(Reason(code: "relation", dbt: true, detail: changedKeys(old.config.keeping(relationKeys), new.config.keeping(relationKeys))))
            }
            let oldDescription = rendered(old.description, base)
            let newDescription = rendered(new.description, head)
            let oldColumns = Dictionary(old.columns.map { ($0.name, rendered($0.description, base)) }, uniquingKeysWith: { a, _ in a })
            let newColumns = Dictionary(new.columns.map { ($0.name, rendered($0.description, head)) }, uniquingKeysWith: { a, _ in a })
            var persisted = false
            if new.persistsRelationDocs, oldDescription != newDescription {
                reasons.append(Reason(code: "persisted_descriptions", dbt: true, detail: "description changed and persist_docs.relation is on"))
                persisted = true
            }
            if new.persistsColumnDocs, oldColumns != newColumns {
                reasons.append(Reason(code: "persisted_descriptions", dbt: true, detail: "column descriptions changed and persist_docs.columns is on"))
                persisted = true
            }
            if !persisted, oldDescription != newDescription || oldColumns != newColumns {
                reasons.append(Reason(code: "docs", dbt: false, detail: "descriptions changed; dbt ignores this without persist_docs"))
            }
            let changedMacros = macroChanges(new.macroDependencies, in: head, modified: modifiedMacros)
            if !changedMacros.isEmpty {
                reasons.append(Reason(code: "macros", dbt: true, detail: "uses changed macro " + changedMacros.joined(separator: ", ")))
            }
            if new.resourceType == .model {
                // ModelNode.same_ref_representation: unpinned refs and access checks depend on these.
                let changed =
                    ["latest_version", "deprecation_date"].filter { old.properties[$0] != new.properties[$0] }
                    + (old.renderedConfig["access"] != new.renderedConfig["access"] ? ["access"] : [])
                if !changed.isEmpty {
                    reasons.append(Reason(code: "ref_representation", dbt: true, detail: changed.joined(separator: ", ") + " changed"))
                }
            }
            if new.resourceType == .model, old.contractEnforced || new.contractEnforced {
                // A manifest carries dbt's own contract checksum (columns, types, constraints); git
                // shows the declared columns and types.
                let oldContract = Self.contractState(old)
                let newContract = Self.contractState(new)
                if old.contractEnforced != new.contractEnforced || oldContract != newContract {
                    reasons.append(
                        Reason(
                            code: "contract", dbt: true,
                            detail: new.contractEnforced ? "contract enforced with changed columns or enforcement" : "contract no longer enforced"))
                }
            }
        }
        if old.fqn != new.fqn {
            reasons.append(Reason(code: "fqn", dbt: true, detail: "moved from \(old.path)"))
        }
        let changedVars = varChanges(new, base: base, head: head)
        if !changedVars.isEmpty {
            reasons.append(
                Reason(code: "vars", dbt: false, detail: "reads var " + changedVars.joined(separator: ", ") + " whose value changed (dbt does not see this)"))
        }
        return reasons
    }

    /// The changed macros reachable from `roots` through macro-to-macro calls (dbt's recursive check).
    static func macroChanges(_ roots: [String], in project: DbtProject, modified: Set<String>) -> [String] {
        var seen: Set<String> = []
        var stack = roots
        var hits: [String] = []
        while let id = stack.popLast() {
            guard seen.insert(id).inserted else { continue }
            if modified.contains(id) {
                // The name and where it is defined, so the reader finds the edit.
                hits.append(project.macros[id].map { "\($0.name) (\($0.path))" } ?? id)
            }
            stack += project.macros[id]?.calls ?? []
        }
        return hits.sorted()
    }

    static func varChanges(_ node: Node, base: DbtProject?, head: DbtProject) -> [String] {
        guard let base else { return [] }
        var names = Set(node.vars)
        var seen: Set<String> = []
        var stack = node.macroDependencies
        while let id = stack.popLast() {
            guard seen.insert(id).inserted, let macro = head.macros[id] else { continue }
            names.formUnion(macro.vars)
            stack += macro.calls
        }
        return names.filter { base.config.variable($0) != head.config.variable($0) }.sorted()
    }

    /// A description as dbt renders it at parse time: each `{{ doc('name') }}` replaced by that
    /// docs block's text (stripped, as dbt stores it), so moving text into a docs block is no
    /// change and editing the block is. Other Jinja stays as written; a `doc()` naming no block
    /// keeps its call.
    static func rendered(_ description: String, _ project: DbtProject?) -> String {
        guard let project, description.contains("{{"), description.contains("doc(") else { return description }
        // One pass: the text between expressions, each expression as written, the block it names.
        var pieces: [(text: Substring, raw: Substring, doc: String?)] = []
        var rest = Substring(description)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let expression = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: "- \t\n"))
            pieces.append(
                (rest[..<open.lowerBound], rest[open.lowerBound..<close.upperBound], docName(expression).flatMap { project.docs[$0] != nil ? $0 : nil }))
            rest = rest[close.upperBound...]
        }
        // Each block trimmed once, however often it is named.
        var blocks: [String: String] = [:]
        for name in Set(pieces.compactMap(\.doc)) { blocks[name] = project.docs[name]?.trimmingCharacters(in: .whitespacesAndNewlines) }
        // A description naming a large block many times would render without bound: past the
        // limit, it is compared as its text and each block it names, once.
        let size = description.utf8.count + pieces.reduce(0) { $0 + ($1.doc.flatMap { blocks[$0]?.utf8.count } ?? 0) }
        guard size <= renderedLimit else {
            return ([description] + blocks.keys.sorted().map { blocks[$0] ?? "" }).joined(separator: "\n")
        }
        var out = ""
        for piece in pieces {
            out += piece.text
            out += piece.doc.flatMap { blocks[$0] } ?? String(piece.raw)
        }
        return out + rest
    }

    /// Rendered descriptions longer than this are compared by their text and named blocks.
    static let renderedLimit = 1 << 20

    /// `name` of `doc('name')` or `doc("name")`, else nil.
    static func docName(_ expression: String) -> String? {
        guard expression.hasPrefix("doc("), expression.hasSuffix(")") else { return nil }
        let inner = expression.dropFirst(4).dropLast().trimmingCharacters(in: .whitespaces)
        guard let quote = inner.first, quote == "'" || quote == "\"", inner.count >= 2, inner.last == quote else { return nil }
        let name = inner.dropFirst().dropLast()
        return name.contains(quote) ? nil : String(name)
    }

    static func changedKeys(_ old: Value, _ new: Value) -> String {
        var keys: [String] = []
        let oldPairs = old.pairs ?? []
        let newPairs = new.pairs ?? []
        for pair in newPairs where old[pair.key] != pair.value { keys.append(pair.key) }
        for pair in oldPairs where new[pair.key] == nil { keys.append(pair.key) }
        return keys.isEmpty ? "config changed" : "config " + keys.joined(separator: ", ") + " changed"
    }
}

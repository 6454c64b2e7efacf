import Foundation
import GitKit
import Lineage
import Narrative
import Sessions

/// The dbt nodes a change modifies or deletes, as sessions must account for them, and the
/// lineage scope CONTEXT.md shows.
public struct ChangeScope {
    /// Models, seeds and snapshots modified or deleted.
    public var modified: [ModifiedNode]
    /// The lineage for CONTEXT.md.
    public var scope: LineageScope
    /// Whether a dbt project was found at all.
    public var hasProject: Bool
    /// The comparisons analysed, and the macros the change edits (name → path): what
    /// ``touched(_:)`` reads, only when a session's reasoning is checked.
    var comparisons: [Comparison] = []
    var changedMacros: [String: String] = [:]

    /// The resource types a session must name.
    public static let explainedTypes: Set<ResourceType> = [.model, .seed, .snapshot]

    /// Runs the lineage engine over each comparison and merges the answers (a node modified in
    /// any of them is modified; downstream nodes that are also modified count once).
    public static func analyse(_ workspace: Workspace, _ comparisons: [Comparison], description: String) throws -> ChangeScope {
        let results: [ImpactResult]
        do {
            // Modified nodes and their lineage: the part of each project the answer reaches.
            results = try workspace.impact(comparisons, partialProject: true)
        } catch LineageError.noProject {
            return ChangeScope(
                modified: [],
                scope: LineageScope(
                    description: description, modified: [], downstream: [],
                    note: "No dbt_project.yml in this repository: the session has no lineage."), hasProject: false)
        }
        var modified: [String: ModifiedNode] = [:]
        var scopeModified: [String: LineageScope.Item] = [:]
        var downstream: [String: (Int, LineageScope.Item)] = [:]
        var notes: [String] = []
        var changedMacros: [String: String] = [:]
        for result in results {
            for report in result.reports {
                notes += report.notes.map(\.message)
                for macro in report.changedMacros where !macro.deleted { changedMacros[macro.name] = macro.path }
                for impacted in report.nodes {
                    let node = impacted.node
                    let item = LineageScope.Item(
                        name: node.versionedName, type: node.resourceType.rawValue,
                        path: node.path, layer: node.layer,
                        reasons: impacted.reasons.map { $0.code }.joined(separator: ", "))
                    switch impacted.role {
                    case .modified, .deleted:
                        scopeModified[node.uniqueID] = item
                        if explainedTypes.contains(node.resourceType) {
                            var changed = ModifiedNode(node, in: report.project, deleted: impacted.role == .deleted)
                            changed.added = impacted.reasons.contains { $0.code == "new" }
                            modified[node.uniqueID] = changed
                        }
                    case .downstream:
                        var detailed = item
                        detailed.reasons = "\(impacted.distance) edge\(impacted.distance == 1 ? "" : "s") downstream"
                        if let existing = downstream[node.uniqueID], existing.0 <= impacted.distance { continue }
                        downstream[node.uniqueID] = (impacted.distance, detailed)
                    case .upstream:
                        continue
                    }
                }
            }
        }
        for id in scopeModified.keys { downstream[id] = nil }
        var scope = LineageScope(
            description: description,
            modified: scopeModified.sorted { $0.key < $1.key }.map(\.value),
            downstream: downstream.sorted { ($0.value.0, $0.key) < ($1.value.0, $1.key) }.map(\.value.1),
            note: Array(Set(notes)).sorted().joined(separator: " "))
        scope.toName = toName(scope.modified, modified: Array(modified.values), macros: changedMacros)
        return ChangeScope(
            modified: modified.values.sorted { $0.uniqueID < $1.uniqueID }, scope: scope, hasProject: true, comparisons: comparisons,
            changedMacros: changedMacros)
    }

    /// The macros the change edits, and the identifiers (columns, CTEs, macro names) on the
    /// changed lines of the modified nodes' and macros' files: what reasoning may name. Read on
    /// demand (one diff per comparison), so a hook that finds no session never pays for it.
    /// - Parameter known: the file changes of a comparison the caller has already diffed (the
    ///   hook's HEAD against the index), so it is not diffed again.
    public func touched(_ workspace: Workspace, known: [Comparison: [FileChange]] = [:]) throws -> [String] {
        let paths = Set(modified.map(\.path)).union(changedMacros.values)
        let identifiers = try comparisons.flatMap { try Self.changedIdentifiers(workspace, $0, paths: paths, changes: known[$0]) }
        var touched = changedMacros.keys.sorted()
        for identifier in identifiers where !touched.contains(identifier) { touched.append(identifier) }
        return Array(touched.prefix(500))
    }

    /// SQL and Jinja words no reasoning is "about".
    static let keywords: Set<String> = [
        "select", "from", "where", "join", "left", "right", "inner", "outer", "full", "cross", "on", "and", "or", "not", "as",
        "with", "group", "order", "by", "having", "limit", "union", "all", "distinct", "case", "when", "then", "else", "end",
        "null", "is", "in", "true", "false", "cast", "coalesce", "sum", "count", "min", "max", "avg", "over", "partition",
        "ref", "source", "config", "var", "if", "endif", "for", "endfor", "set", "macro", "endmacro", "do", "return", "this",
        "materialized", "models", "columns", "name", "description", "tests", "data_tests", "version", "int", "integer",
        "varchar", "text", "date", "timestamp", "numeric", "decimal", "boolean", "string", "the", "a", "an", "of", "to",
        "is_incremental", "unique_key", "like", "between", "exists", "row_number", "lag", "lead", "asc", "desc", "nulls",
        "first", "last", "into", "values", "insert", "update", "delete", "qualify", "using", "interval", "extract",
    ]

    /// The identifiers on the changed lines of `paths` in one comparison (bounded: files under
    /// 1 MiB, 200 identifiers a file).
    static func changedIdentifiers(_ workspace: Workspace, _ comparison: Comparison, paths: Set<String>, changes: [FileChange]? = nil) throws
        -> [String]
    {
        guard !paths.isEmpty else { return [] }
        let (base, head, _) = try ContextFrontend.snapshots(workspace, comparison)
        var found: [String] = []
        for change in try changes ?? workspace.repository.diff(from: base, to: head, renames: false) {
            guard let path = change.newPath ?? change.oldPath, paths.contains(path) || change.oldPath.map(paths.contains) == true else { continue }
            let old = try change.oldID.map { try workspace.repository.readBlob($0) }
            let new = try change.newPath.map { try ContextFrontend.read($0, id: change.newID, head: head, workspace: workspace) } ?? nil
            guard (old?.count ?? 0) + (new?.count ?? 0) < 1 << 20 else { continue }
            let diff = try Repository.unifiedDiff(old: old, new: new, oldPath: path, newPath: path, contextLines: 0)
            var own = 0
            for line in diff.split(separator: "\n") where (line.hasPrefix("+") || line.hasPrefix("-")) && !line.hasPrefix("+++") && !line.hasPrefix("---") {
                for token in line.dropFirst().lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }) {
                    guard own < 200, token.count > 2, token.first?.isLetter == true || token.first == "_" else { continue }
                    let word = String(token)
                    guard !keywords.contains(word), !found.contains(word) else { continue }
                    found.append(word)
                    own += 1
                }
            }
        }
        return found
    }

    /// What a new session's context decisions should name: each changed macro that reaches more
    /// than one modified model, in their place, then the modified nodes it does not reach.
    static func toName(_ items: [LineageScope.Item], modified: [ModifiedNode], macros: [String: String]) -> [(name: String, note: String)] {
        var entries: [(name: String, note: String)] = []
        var covered = Set<String>()
        for (name, path) in macros.sorted(by: { $0.key < $1.key }) {
            let reached = modified.filter { $0.macros.contains(name) }
            guard reached.count > 1 else { continue }
            entries.append((name, "the macro in \(path): covers the \(reached.count) models that call it"))
            covered.formUnion(reached.map(\.path))
        }
        guard !entries.isEmpty else { return [] }
        return entries + items.filter { !covered.contains($0.path) }.map { ($0.name, "") }
    }

    /// Everything the current branch changes: its commits since it left the default branch, and
    /// the working tree (staged or not, untracked files included).
    public static func branch(_ workspace: Workspace) throws -> ChangeScope {
        var comparisons: [Comparison] = [.worktree]
        var description = "the working tree against HEAD"
        if let point = try workspace.branchPoint() {
            comparisons.insert(.range(base: point.mergeBase.hex, head: point.head.hex), at: 0)
            description = "this branch since it left \(point.branch), and the working tree"
        }
        return try analyse(workspace, comparisons, description: description)
    }
}

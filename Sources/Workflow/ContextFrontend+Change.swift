import ContextPack
import Foundation
import GitKit
import Lineage

/// How the pack reads a change: what modifies a node whose file did not change, which columns
/// a diff touches, a data file's diff in brief.
extension ContextFrontend {
    /// What modifies a node whose own file did not change, as the pack groups it: the path
    /// through nested macros to the changed one, the config or properties file, the var.
    static func via(_ node: Node, _ reasons: [Reason], project: DbtProject, changedMacros: Set<String>, changedPaths: Set<String>) -> String {
        var parts: [String] = []
        for reason in reasons {
            switch reason.code {
            case "macros":
                if let path = macroPath(from: node.macroDependencies, to: changedMacros, in: project) {
                    let names = path.map { project.macros[$0]?.name ?? $0 }
                    let file = path.last.flatMap { project.macros[$0]?.path }.map { " (`\($0)`)" } ?? ""
                    parts.append("macro " + names.map { "`\($0)`" }.joined(separator: " → ") + file)
                } else {
                    parts.append(reason.detail)
                }
            case "configs", "relation", "contract", "ref_representation", "docs", "persisted_descriptions":
                let what = ["docs": "descriptions", "persisted_descriptions": "persisted descriptions"][reason.code] ?? reason.code
                if let properties = node.propertiesPath, changedPaths.contains(properties) {
                    parts.append("\(what) in `\(properties)`")
                } else if let project = changedPaths.first(where: { $0 == "dbt_project.yml" || $0.hasSuffix("/dbt_project.yml") }) {
                    parts.append("\(what) in `\(project)`")
                } else {
                    parts.append(what)
                }
            case "vars": parts.append(reason.detail)
            default: parts.append(reason.code)
            }
        }
        var unique: [String] = []
        for part in parts where !unique.contains(part) { unique.append(part) }
        return unique.isEmpty ? "a change the reader could not name" : unique.joined(separator: "; ")
    }

    /// The shortest chain of macro ids from a node's macros to a changed one (breadth first,
    /// bounded by the project's macros).
    static func macroPath(from roots: [String], to targets: Set<String>, in project: DbtProject) -> [String]? {
        var previous: [String: String] = [:]
        var seen = Set(roots)
        var frontier = roots.sorted()
        while !frontier.isEmpty {
            var next: [String] = []
            for id in frontier {
                if targets.contains(id) {
                    var path = [id]
                    while let before = previous[path[0]] { path.insert(before, at: 0) }
                    return path
                }
                for call in project.macros[id]?.calls ?? [] where seen.insert(call).inserted {
                    previous[call] = id
                    next.append(call)
                }
            }
            frontier = next
        }
        return nil
    }

    /// The files dbt writes (`manifest.json`, `catalog.json`, `run_results.json`, …, anything
    /// under `target/`, `dbt_packages/` or `logs/`): generated, never the change's substance.
    static func isArtifact(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        guard let file = parts.last else { return false }
        let artifacts: Set<Substring> = [
            "manifest.json", "catalog.json", "run_results.json", "sources.json", "semantic_manifest.json", "partial_parse.msgpack",
            "graph.gpickle", "graph_summary.json",
        ]
        return artifacts.contains(file) || parts.dropLast().contains { $0 == "target" || $0 == "dbt_packages" || $0 == "logs" }
    }

    /// A data file's diff as counts and its first changed lines.
    static func dataSummary(_ diff: String, lines limit: Int = 10) -> String {
        var added = 0
        var removed = 0
        var shown: [Substring] = []
        var header = true
        for line in diff.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@@") { header = false }
            if header { continue }
            if line.hasPrefix("+") { added += 1 } else if line.hasPrefix("-") { removed += 1 } else { continue }
            if shown.count < limit { shown.append(line) }
        }
        guard added + removed > limit else { return diff }
        return "(data: \(added) line\(added == 1 ? "" : "s") added, \(removed) removed; the first \(limit) changed lines)\n" + shown.joined(separator: "\n")
    }

    /// Lower-cased identifiers in a text.
    static func words<S: StringProtocol>(_ text: S) -> Set<String> {
        var words = Set<String>()
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "_" {
                current.append(character)
            } else if !current.isEmpty {
                words.insert(current)
                current = ""
            }
        }
        if !current.isEmpty { words.insert(current) }
        return words
    }

    /// The columns a model's diff touches: names after `as` on changed lines, and the model's
    /// documented columns named there.
    static func changedColumns(_ node: Node, change: FileChange, head: Snapshot, workspace: Workspace) throws -> [String] {
        let old = try change.oldID.map { try workspace.repository.readBlob($0) }
        let new = try change.newPath.map { try read($0, id: change.newID, head: head, workspace: workspace) } ?? nil
        guard (old?.count ?? 0) + (new?.count ?? 0) < 4 << 20 else { return [] }
        let diff = try Repository.unifiedDiff(old: old, new: new, oldPath: change.path, newPath: change.path, contextLines: 0)
        var found: [String] = []
        let documented = Dictionary(node.columns.map { ($0.name.lowercased(), $0.name) }, uniquingKeysWith: { first, _ in first })
        for line in diff.split(separator: "\n") where (line.hasPrefix("+") || line.hasPrefix("-")) && !line.hasPrefix("+++") && !line.hasPrefix("---") {
            let tokens = line.dropFirst().lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }
            for (index, token) in tokens.enumerated() {
                if token == "as", index + 1 < tokens.count, let first = tokens[index + 1].first, first.isLetter || first == "_" {
                    found.append(String(tokens[index + 1]))
                }
                if let name = documented[String(token)] { found.append(name) }
            }
        }
        var unique: [String] = []
        for name in found where !unique.contains(name) { unique.append(name) }
        return Array(unique.prefix(50))
    }
}

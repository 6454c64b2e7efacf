import Foundation
import Lineage

/// Formats an impact result as text, JSON, a dbt selector, Mermaid or Markdown.
enum ImpactRenderer {
    static func render(_ result: ImpactResult, format: ImpactFormat, repositoryRoot: String) -> String {
        switch format {
        case .json: return json(result)
        case .text: return result.reports.map { text($0, result) }.joined(separator: "\n")
        case .selector: return result.reports.map(\.selector).filter { !$0.isEmpty }.joined(separator: " ")
        case .mermaid: return result.reports.map { mermaid($0) }.joined(separator: "\n")
        case .markdown: return result.reports.map { markdown($0, result) }.joined(separator: "\n")
        }
    }

    // MARK: - Text

    static func header(_ report: ImpactReport, _ result: ImpactResult) -> String {
        let place = report.project.root.isEmpty ? "" : " (\(report.project.root)/)"
        let what: String
        switch result.mode {
        case "staged": what = "staged changes against \(short(result.base))"
        case "worktree": what = "working tree against \(short(result.base))"
        default: what = "\(short(result.head)) against merge-base \(short(result.base))"
        }
        return "dbt project \(report.project.name)\(place): \(what)"
    }

    static func short(_ revision: String) -> String {
        revision.count == 40 ? String(revision.prefix(10)) : revision
    }

    static func text(_ report: ImpactReport, _ result: ImpactResult) -> String {
        var lines = [header(report, result)]
        if report.nodes.isEmpty {
            lines.append("no dbt node is modified by this change")
        }
        for role in [ImpactedNode.Role.modified, .deleted, .downstream, .upstream] {
            let group = report.nodes.filter { $0.role == role }
            guard !group.isEmpty else { continue }
            lines.append("")
            lines.append("\(role.rawValue) (\(group.count))")
            var byLayer: [String: [ImpactedNode]] = [:]
            for item in group { byLayer[item.node.layer, default: []].append(item) }
            for layer in byLayer.keys.sorted(by: layerOrder) {
                lines.append("  \(layer)")
                for item in byLayer[layer] ?? [] {
                    let name = displayName(item.node)
                    let why: String
                    switch role {
                    case .downstream, .upstream:
                        why = "\(item.distance) edge\(item.distance == 1 ? "" : "s"); " + (item.reasons.first?.detail ?? "")
                    default:
                        why = item.reasons.map { r in r.dbt ? "\(r.code): \(r.detail)" : "\(r.code) [beyond dbt]: \(r.detail)" }.joined(separator: "; ")
                    }
                    lines.append("    \(name.padding(toLength: max(28, name.count + 2), withPad: " ", startingAt: 0))\(why)")
                }
            }
        }
        if !report.exposures.isEmpty {
            lines.append("")
            lines.append("exposures reached: " + report.exposures.joined(separator: ", "))
        }
        if !report.tests.isEmpty {
            lines.append("")
            lines.append("tests (\(report.tests.count)):")
            for test in report.tests { lines.append("  \(test.name)  (\(test.attachedTo))") }
        }
        if !report.notes.isEmpty {
            lines.append("")
            lines.append("notes:")
            for note in report.notes { lines.append("  - \(note.message)") }
        }
        if !report.selector.isEmpty {
            lines.append("")
            lines.append("re-check with: dbt build --select \(report.selector)")
        }
        return lines.joined(separator: "\n")
    }

    static let knownLayers = ["staging", "intermediate", "marts", "seeds", "snapshots", "sources", "exposures"]

    static func layerOrder(_ a: String, _ b: String) -> Bool {
        let ia = knownLayers.firstIndex(of: a) ?? knownLayers.count
        let ib = knownLayers.firstIndex(of: b) ?? knownLayers.count
        return (ia, a) < (ib, b)
    }

    static func displayName(_ node: Node) -> String {
        switch node.resourceType {
        case .source: return "source:" + (node.fqn.dropLast().last ?? "") + "." + node.name
        case .model: return node.version.map { "\(node.name).v\($0)" } ?? node.name
        default: return "\(node.resourceType.rawValue):\(node.name)"
        }
    }

    // MARK: - Markdown and Mermaid

    static func markdown(_ report: ImpactReport, _ result: ImpactResult) -> String {
        var lines = ["### \(header(report, result))", ""]
        if report.nodes.isEmpty {
            lines.append("No dbt node is modified by this change.")
            return lines.joined(separator: "\n")
        }
        lines.append("| node | layer | role | why |")
        lines.append("|---|---|---|---|")
        for item in report.nodes {
            let why = item.reasons.map { $0.dbt ? "`\($0.code)` \($0.detail)" : "`\($0.code)` (beyond dbt) \($0.detail)" }.joined(separator: "; ")
            lines.append("| `\(displayName(item.node))` | \(item.node.layer) | \(item.role.rawValue)\(item.distance > 0 ? " (\(item.distance))" : "") | \(why.replacingOccurrences(of: "|", with: "\\|")) |")
        }
        if !report.notes.isEmpty {
            lines.append("")
            for note in report.notes { lines.append("> \(note.message)") }
        }
        if !report.selector.isEmpty {
            lines.append("")
            lines.append("Re-check: `dbt build --select \(report.selector)`")
        }
        return lines.joined(separator: "\n")
    }

    static func mermaid(_ report: ImpactReport) -> String {
        var lines = ["graph LR"]
        let ids = Set(report.nodes.filter { $0.role != .deleted }.map(\.node.uniqueID))
        var names: [String: String] = [:]
        for (index, item) in report.nodes.enumerated() {
            let key = "n\(index)"
            names[item.node.uniqueID] = key
            let label = displayName(item.node).replacingOccurrences(of: "\"", with: "'")
            switch item.role {
            case .modified: lines.append("  \(key)[\"\(label)\"]:::modified")
            case .deleted: lines.append("  \(key)[\"\(label) (deleted)\"]:::deleted")
            default: lines.append("  \(key)[\"\(label)\"]")
            }
        }
        for item in report.nodes where ids.contains(item.node.uniqueID) {
            for parent in item.node.parents where ids.contains(parent) {
                if let from = names[parent], let to = names[item.node.uniqueID] { lines.append("  \(from) --> \(to)") }
            }
        }
        lines.append("  classDef modified fill:#fde68a,stroke:#b45309")
        lines.append("  classDef deleted fill:#fecaca,stroke:#b91c1c,stroke-dasharray: 4 2")
        return lines.joined(separator: "\n")
    }

    // MARK: - JSON

    static func json(_ result: ImpactResult) -> String {
        let objects = result.reports.map { reportObject($0, result) }
        var top: [String: Any] = objects.first ?? baseObject(result)
        if objects.count > 1 { top["projects"] = objects }
        return serialize(top)
    }

    static func baseObject(_ result: ImpactResult) -> [String: Any] {
        ["schema": "rationale.impact/1", "mode": result.mode, "base": result.base, "head": result.head,
         "adapter": result.adapter as Any? ?? NSNull()]
    }

    static func reportObject(_ report: ImpactReport, _ result: ImpactResult) -> [String: Any] {
        var object = baseObject(result)
        object["project"] = ["name": report.project.name, "path": report.project.root]
        object["dbt_compatible"] = report.options.dbtCompatible
        object["nodes"] = report.nodes.map { item -> [String: Any] in
            var node: [String: Any] = [
                "unique_id": item.node.uniqueID, "resource_type": item.node.resourceType.rawValue,
                "name": item.node.name, "path": item.node.path, "layer": item.node.layer,
                "role": item.role.rawValue, "distance": item.distance,
                "reasons": item.reasons.map { ["code": $0.code, "dbt": $0.dbt, "detail": $0.detail] as [String: Any] },
            ]
            if let version = item.node.version { node["version"] = version }
            if let materialized = item.node.materialized { node["materialized"] = materialized }
            return node
        }
        object["modified"] = report.ids(.modified)
        object["downstream"] = report.ids(.downstream)
        object["upstream"] = report.ids(.upstream)
        object["deleted"] = report.ids(.deleted)
        object["exposures"] = report.exposures
        object["selector"] = report.selector
        object["tests"] = report.tests.map { ["name": $0.name, "kind": $0.kind, "column": $0.column as Any? ?? NSNull(), "attached_to": $0.attachedTo] as [String: Any] }
        object["notes"] = report.notes.map { ["code": $0.code, "message": $0.message] }
        object["unresolved"] = report.project.unresolved.map { ["file": $0.file, "line": $0.line, "text": $0.text] as [String: Any] }
        return object
    }

    static func serialize(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

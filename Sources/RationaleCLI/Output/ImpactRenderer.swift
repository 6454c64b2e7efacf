import Workflow
import Foundation
import Lineage
import Narrative

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
        result.header(report, manifestNote: " (answered from dbt's manifests, not from git)")
    }

    static func text(_ report: ImpactReport, _ result: ImpactResult) -> String {
        var lines = [header(report, result)]
        if report.nodes.isEmpty {
            lines.append("no dbt node is modified by this change")
        }
        // One column for every name of the report, however long the longest.
        let width = max(28, ((report.nodes.map { displayName($0.node).count } + report.changedMacros.map(\.name.count)).max() ?? 0) + 2)
        let short = shortNames(report)
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
                        let steps = "\(item.distance) step\(item.distance == 1 ? "" : "s") \(role == .downstream ? "downstream" : "upstream")"
                        let detail = item.reasons.first?.detail ?? ""
                        why = steps + (detail.isEmpty ? "" : "; " + shortened(detail, short))
                    default:
                        why = item.reasons.map { r in r.dbt ? "\(r.code): \(r.detail)" : "\(r.code) [beyond dbt]: \(r.detail)" }.joined(separator: "; ")
                    }
                    lines.append("    \(name.padding(toLength: width, withPad: " ", startingAt: 0))\(why)")
                }
            }
        }
        if !report.changedMacros.isEmpty {
            lines.append("")
            lines.append("changed macros (\(report.changedMacros.count))")
            for macro in report.changedMacros {
                lines.append("    \(macro.name.padding(toLength: width, withPad: " ", startingAt: 0))\(macro.path)\(macro.deleted ? " (deleted)" : "")")
            }
        }
        if !report.exposures.isEmpty {
            lines.append("")
            lines.append("exposures reached: " + report.exposures.joined(separator: ", "))
        }
        if !report.tests.isEmpty {
            lines.append("")
            lines.append("tests (\(report.tests.count)):")
            var seen: Set<String> = []
            for test in report.tests where seen.insert(test.name + "\u{1}" + test.attachedTo).inserted {
                lines.append("  \(test.name)  (\(short[test.attachedTo] ?? test.attachedTo))")
            }
        }
        if !report.notes.isEmpty {
            lines.append("")
            lines.append("notes:")
            for note in report.notes { lines.append("  - \(note.message)") }
        }
        if !report.selector.isEmpty {
            lines.append("")
            lines.append("re-check with: dbt build --select \(report.selector)")
        } else if report.documentationOnly {
            lines.append("")
            lines.append(ImpactRenderer.documentationOnly)
        }
        return lines.joined(separator: "\n")
    }

    /// Short names for the report's nodes: the display name where no other node of the report
    /// shares it, else the unique id.
    static func shortNames(_ report: ImpactReport) -> [String: String] {
        var byName: [String: [String]] = [:]
        for node in report.project.nodes.values { byName[displayName(node), default: []].append(node.uniqueID) }
        for item in report.nodes where report.project.nodes[item.node.uniqueID] == nil {
            byName[displayName(item.node), default: []].append(item.node.uniqueID) // deleted nodes
        }
        var short: [String: String] = [:]
        for (name, ids) in byName where ids.count == 1 { short[ids[0]] = name }
        return short
    }

    /// `depends on model.shop.stg_orders` as `depends on stg_orders` where that name is unambiguous.
    static func shortened(_ detail: String, _ short: [String: String]) -> String {
        guard let space = detail.lastIndex(of: " ") else { return detail }
        let id = String(detail[detail.index(after: space)...])
        guard let name = short[id] else { return detail }
        return detail[...space] + name
    }

    /// What a documentation-only change asks for.
    static let documentationOnly =
        "documentation only: nothing to rebuild (descriptions change in dbt docs; persist_docs is off for these nodes)"

    static let knownLayers = ["staging", "intermediate", "marts", "seeds", "snapshots", "sources", "exposures"]

    static func layerOrder(_ a: String, _ b: String) -> Bool {
        let ia = knownLayers.firstIndex(of: a) ?? knownLayers.count
        let ib = knownLayers.firstIndex(of: b) ?? knownLayers.count
        return (ia, a) < (ib, b)
    }

    static func displayName(_ node: Node) -> String {
        node.displayName
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
            lines.append(
                "| `\(displayName(item.node))` | \(item.node.layer) | \(item.role.rawValue)\(item.distance > 0 ? " (\(item.distance))" : "") | \(why.replacingOccurrences(of: "|", with: "\\|")) |"
            )
        }
        if !report.notes.isEmpty {
            lines.append("")
            for note in report.notes { lines.append("> \(note.message)") }
        }
        if !report.selector.isEmpty {
            lines.append("")
            lines.append("Re-check: " + MarkdownSafety.inlineCode("dbt build --select \(report.selector)"))
        } else if report.documentationOnly {
            lines.append("")
            lines.append("Re-check: " + ImpactRenderer.documentationOnly)
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
        var top = objects.first ?? baseObject(result)
        if objects.count > 1 { top["projects"] = .array(objects.map { .object($0) }) }
        return JSONText.render(.object(top)) + "\n"
    }

    static func baseObject(_ result: ImpactResult) -> [String: JSONText] {
        [
            "schema": .string("rationale.impact/1"), "mode": .string(result.mode.rawValue), "base": .string(result.base),
            "head": .string(result.head), "adapter": result.adapter.map { .string($0) } ?? .null,
            "source": .string(result.source.rawValue),
        ]
    }

    static func reportObject(_ report: ImpactReport, _ result: ImpactResult) -> [String: JSONText] {
        var object = baseObject(result)
        object["project"] = .object(["name": .string(report.project.name), "path": .string(report.project.root)])
        object["dbt_compatible"] = .bool(report.options.dbtCompatible)
        object["nodes"] = .array(
            report.nodes.map { item in
                var node: [String: JSONText] = [
                    "unique_id": .string(item.node.uniqueID), "resource_type": .string(item.node.resourceType.rawValue),
                    "name": .string(item.node.name), "path": .string(item.node.path), "layer": .string(item.node.layer),
                    "role": .string(item.role.rawValue), "distance": .int(item.distance),
                    "reasons": .array(
                        item.reasons.map {
                            .object(["code": .string($0.code), "dbt": .bool($0.dbt), "detail": .string($0.detail)])
                        }),
                ]
                if let version = item.node.version { node["version"] = .string(version) }
                if let materialized = item.node.materialized { node["materialized"] = .string(materialized) }
                return .object(node)
            })
        object["modified"] = .strings(report.ids(.modified))
        object["downstream"] = .strings(report.ids(.downstream))
        object["upstream"] = .strings(report.ids(.upstream))
        object["deleted"] = .strings(report.ids(.deleted))
        object["exposures"] = .strings(report.exposures)
        object["selector"] = .string(report.selector)
        object["documentation_only"] = .bool(report.documentationOnly)
        object["macros"] = .array(
            report.changedMacros.map { macro in
                .object([
                    "unique_id": .string(macro.uniqueID), "name": .string(macro.name), "path": .string(macro.path),
                    "deleted": .bool(macro.deleted),
                ])
            })
        object["tests"] = .array(
            report.tests.map {
                .object([
                    "name": .string($0.name), "kind": .string($0.kind), "column": $0.column.map { .string($0) } ?? .null,
                    "attached_to": .string($0.attachedTo),
                ])
            })
        object["notes"] = .array(report.notes.map { .object(["code": .string($0.code), "message": .string($0.message)]) })
        object["unresolved"] = .array(
            report.project.unresolved.map {
                .object(["file": .string($0.file), "line": .int($0.line), "text": .string($0.text)])
            })
        return object
    }
}

/// A JSON value written directly: sorted keys, two-space indentation, no dynamic casts
/// (Foundation's serializer spent more on runtime type checks than on the text).
indirect enum JSONText {
    case object([String: JSONText])
    case array([JSONText])
    case string(String)
    case int(Int)
    case bool(Bool)
    case null

    static func strings(_ list: [String]) -> JSONText { .array(list.map { .string($0) }) }

    static func render(_ value: JSONText) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        return out
    }

    private static func write(_ value: JSONText, indent: Int, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                write(item, indent: indent + 2, into: &out)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let fields):
            if fields.isEmpty { out += "{}"; return }
            out += "{\n"
            let keys = fields.keys.sorted()
            for (index, key) in keys.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                quote(key, into: &out)
                out += ": "
                if let field = fields[key] { write(field, indent: indent + 2, into: &out) }
                out += index == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }

    private static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

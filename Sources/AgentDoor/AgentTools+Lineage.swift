import Foundation
import Lineage
import MCP
import Workflow

/// `impact` and `context`: the lineage of the change, through the entry points of
/// `rationale impact` and `rationale context`.
extension AgentTools {
    /// The comparison the flags name, refused as the command line refuses it.
    static func comparison(_ input: ToolInput, default fallback: Comparison) throws -> Comparison {
        let base = input.string("base")
        if [input.bool("staged"), input.bool("worktree"), base != nil].filter({ $0 }).count > 1 {
            throw ToolInputError.invalid("choose one of --staged, --worktree, --base REV")
        }
        if input.string("head") != nil, base == nil {
            throw ToolInputError.invalid("--head needs --base (the range is head against merge-base(base, head))")
        }
        if let base { return .range(base: base, head: input.string("head")) }
        return input.bool("staged") ? .staged : input.bool("worktree") ? .worktree : fallback
    }

    /// Names that are paths must name files of this repository.
    static func checkPaths(_ names: [String], in workspace: Workspace) throws {
        for name in names where name.contains("/") { _ = try workspace.contained(name) }
    }

    static func impact(_ input: ToolInput, _ call: Call) throws -> ToolAnswer {
        let comparison = try comparison(input, default: .staged)
        let downstream = input.int("downstream")
        let upstream = input.int("upstream") ?? 0
        if let downstream, downstream < 0 { throw ToolInputError.invalid("--downstream must be 0 or more") }
        if upstream < 0 { throw ToolInputError.invalid("--upstream must be 0 or more") }
        let workspace = try call.workspace()
        let project = try input.string("project").map { try workspace.contained($0) }
        let options = ImpactOptions(
            downstream: downstream, upstream: upstream, withTests: input.bool("with_tests"), dbtCompatible: input.bool("dbt_compatible"))
        let result = try ImpactFrontend.run(directory: workspace.root, comparison: comparison, project: project, adapter: nil, options: options, useCache: true)
        return ToolAnswer(text: ImpactSummary.text(result.result), structured: ImpactSummary.json(result.result))
    }

    static func context(_ input: ToolInput, _ call: Call) throws -> ToolAnswer {
        let comparison = try comparison(input, default: .worktree)
        let budget = input.int("budget")
        if let budget, budget < 200 { throw ToolInputError.invalid("--budget must be at least 200 tokens (the preamble and decisions need room)") }
        let workspace = try call.workspace()
        let select = input.strings("select")
        let expand = input.strings("expand")
        try checkPaths(select + expand, in: workspace)
        let packed = try ContextFrontend.pack(workspace, .init(comparison: comparison, budget: budget, select: select, expand: expand))
        let written = input.bool("write") ? try ContextFrontend.write(packed.pack, to: workspace, session: input.string("session")) : nil
        var object: [String: MCP.Value] = [
            "scope": .string(packed.scope), "budget": .int(packed.pack.budget), "tokens": .int(packed.pack.tokens),
            "decisions": try structured(packed.pack.decisions), "sections": try structured(packed.pack.sections),
        ]
        if let written { object["written"] = .string(written) }
        let note = written.map { "\n\ndecisions recorded in \($0)" } ?? ""
        return ToolAnswer(text: packed.pack.markdown + note, structured: .object(object))
    }
}

/// An impact answer for an agent: the nodes by role with their reasons, and the dbt selector.
enum ImpactSummary {
    static func text(_ result: ImpactResult) -> String {
        result.reports.map { report in
            var lines = [result.header(report)]
            if report.nodes.isEmpty { lines.append("no dbt node is modified by this change") }
            for role in [ImpactedNode.Role.modified, .deleted, .downstream, .upstream] {
                let group = report.nodes.filter { $0.role == role }
                guard !group.isEmpty else { continue }
                lines.append("\(role.rawValue) (\(group.count)):")
                for item in group {
                    let why: String
                    switch role {
                    case .downstream, .upstream:
                        why = "\(item.distance) step\(item.distance == 1 ? "" : "s") \(role.rawValue)"
                    default:
                        why = item.reasons.map { "\($0.code): \($0.detail)" }.joined(separator: "; ")
                    }
                    lines.append("  \(item.node.versionedName) [\(item.node.layer) \(item.node.resourceType.rawValue), \(item.node.path)] \(why)")
                }
            }
            if !report.changedMacros.isEmpty {
                lines.append("changed macros: " + report.changedMacros.map { "\($0.name) (\($0.path))\($0.deleted ? " deleted" : "")" }.joined(separator: ", "))
            }
            for test in report.tests { lines.append("test: \(test.name) on \(test.attachedTo)") }
            for note in report.notes { lines.append("note: \(note.message)") }
            if !report.selector.isEmpty { lines.append("re-check with: dbt build --select \(report.selector)") }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    static func json(_ result: ImpactResult) -> MCP.Value {
        let projects: [MCP.Value] = result.reports.map { report in
            .object([
                "name": .string(report.project.name), "path": .string(report.project.root), "selector": .string(report.selector),
                "nodes": .array(
                    report.nodes.map { item in
                        .object([
                            "unique_id": .string(item.node.uniqueID), "name": .string(item.node.versionedName),
                            "resource_type": .string(item.node.resourceType.rawValue), "path": .string(item.node.path),
                            "layer": .string(item.node.layer), "role": .string(item.role.rawValue), "distance": .int(item.distance),
                            "reasons": .array(
                                item.reasons.map { .object(["code": .string($0.code), "dbt": .bool($0.dbt), "detail": .string($0.detail)]) }),
                        ])
                    }),
                "changed_macros": .array(report.changedMacros.map { .string($0.uniqueID) }),
                "notes": .array(report.notes.map { .string($0.message) }),
            ])
        }
        return .object([
            "schema": .string("rationale.impact/1"), "mode": .string(result.mode.rawValue), "base": .string(result.base), "head": .string(result.head),
            "projects": .array(projects),
        ])
    }
}

import Lineage
import Sessions

extension ModifiedNode {
    /// The node as the session rules name it (name, `name.vN`, unique id, path).
    public init(_ node: Node, deleted: Bool = false) {
        self.init(
            name: node.name, uniqueID: node.uniqueID, path: node.path, resourceType: node.resourceType.rawValue,
            version: node.version, deleted: deleted)
    }

    /// Nodes and macros followed per node, at most, for what a decision may select it by.
    static let reachLimit = 20_000

    /// The node with what a decision may select it by beyond its names: its path in the
    /// project, its tags, the project's macros it calls (through other macros too), and the
    /// nodes above and below it.
    public init(_ node: Node, in project: DbtProject, deleted: Bool = false) {
        self.init(node, deleted: deleted)
        if !project.root.isEmpty, node.path.hasPrefix(project.root + "/") { projectPath = String(node.path.dropFirst(project.root.count + 1)) }
        tags = Value.asList(node.renderedConfig["tags"] ?? .null).compactMap(\.scalarText)
        var macroNames = Set<String>()
        var stack = node.macroDependencies
        var seen = Set<String>()
        while let id = stack.popLast(), seen.count < Self.reachLimit {
            guard seen.insert(id).inserted, let macro = project.macros[id] else { continue }
            macroNames.insert(macro.name)
            stack += macro.calls
        }
        macros = macroNames.sorted()
        ancestors = Self.reach(from: node.uniqueID, in: project) { project.nodes[$0]?.parents ?? [] }
        descendants = Self.reach(from: node.uniqueID, in: project) { project.children[$0] ?? [] }
        layer = node.layer
        materialized = node.materialized
        exposures = Self.reach(from: node.uniqueID, in: project, only: .exposure) { project.children[$0] ?? [] }
    }

    /// The names of the nodes reachable by `next`, bounded.
    static func reach(from id: String, in project: DbtProject, only type: ResourceType? = nil, _ next: (String) -> [String]) -> [String] {
        var seen: Set<String> = [id]
        var stack = [id]
        var names = Set<String>()
        while let current = stack.popLast(), seen.count < reachLimit {
            for other in next(current) where seen.insert(other).inserted {
                if let node = project.nodes[other], type == nil || node.resourceType == type { names.insert(node.name) }
                stack.append(other)
            }
        }
        return names.sorted()
    }
}

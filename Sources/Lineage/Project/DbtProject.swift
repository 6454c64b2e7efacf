/// A dbt project read at one revision: its nodes, macros and configuration.
public struct DbtProject: Sendable {
    /// The project folder, relative to the repository root (`""` at the root).
    public var root: String
    /// `dbt_project.yml`.
    public var config: ProjectConfig
    /// Nodes by unique id (enabled ones only).
    public var nodes: [String: Node]
    /// Macros by unique id.
    public var macros: [String: Macro]
    /// Docs blocks by name (their content).
    public var docs: [String: String]
    /// Things the reader could not resolve, with file and line.
    public var unresolved: [UnresolvedReference]
    /// Children by unique id (the reverse of `Node.parents`).
    public var children: [String: [String]]
    /// The `ref()` resolver, when known ahead; valid as long as no node is added or removed.
    var refIndex: ProjectLoader.RefIndex? = nil

    /// The project name.
    public var name: String { config.name }

    /// A reference that could not be resolved statically.
    public struct UnresolvedReference: Sendable, Hashable {
        /// The file, relative to the repository root.
        public var file: String
        /// The 1-based line.
        public var line: Int
        /// The call as written.
        public var text: String
    }

    /// The reverse of every node's parents, children sorted.
    static func children(of nodes: [String: Node]) -> [String: [String]] {
        var children: [String: [String]] = [:]
        for node in nodes.values {
            for parent in node.parents {
                children[parent, default: []].append(node.uniqueID)
            }
        }
        for key in children.keys { children[key]?.sort() }
        return children
    }

    /// The path of a project file relative to the repository root.
    func repoPath(_ relative: String) -> String {
        root.isEmpty ? relative : root + "/" + relative
    }
}

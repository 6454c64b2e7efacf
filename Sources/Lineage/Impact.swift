/// How far to follow the graph, and whose reasons count.
public struct ImpactOptions: Sendable {
    /// Edges to follow downstream; nil for all.
    public var downstream: Int?
    /// Edges to follow upstream (0: none).
    public var upstream: Int
    /// Include tests attached to selected nodes.
    public var withTests: Bool
    /// Keep only dbt's own reasons: the set `state:modified+` selects.
    public var dbtCompatible: Bool

    /// Creates options.
    public init(downstream: Int? = nil, upstream: Int = 0, withTests: Bool = false, dbtCompatible: Bool = false) {
        self.downstream = downstream
        self.upstream = upstream
        self.withTests = withTests
        self.dbtCompatible = dbtCompatible
    }
}

/// A node in the answer, with why it is there.
public struct ImpactedNode: Sendable, Hashable {
    /// Why the node is in the answer.
    public enum Role: String, Sendable, Hashable, Codable {
        case modified, downstream, upstream, deleted
    }

    /// The node (for deleted nodes, as it was in the base revision).
    public var node: Node
    /// Its role.
    public var role: Role
    /// Edges from the nearest modified node (0 for modified and deleted).
    public var distance: Int
    /// Reasons (for downstream nodes: which modified parent reaches it).
    public var reasons: [Reason]
}

/// Something the reader wants the user to know about the answer's limits.
public struct ImpactNote: Sendable, Hashable, Codable {
    /// A stable code.
    public var code: String
    /// What it means and what to do.
    public var message: String

    /// Creates a note.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// The answer to "what does this change touch?" for one project.
public struct ImpactReport: Sendable {
    /// The project at the head revision.
    public var project: DbtProject
    /// Every node in the answer, modified first, then by distance and id.
    public var nodes: [ImpactedNode]
    /// Tests attached to selected nodes (with `withTests`).
    public var tests: [AttachedTest]
    /// Limits of the answer.
    public var notes: [ImpactNote]
    /// Options used.
    public var options: ImpactOptions

    /// Ids with a given role, sorted.
    public func ids(_ role: ImpactedNode.Role) -> [String] {
        nodes.filter { $0.role == role }.map(\.node.uniqueID).sorted()
    }

    /// Exposures reached (modified or downstream), sorted.
    public var exposures: [String] {
        nodes.filter { $0.node.resourceType == .exposure && ($0.role == .modified || $0.role == .downstream) }
            .map(\.node.uniqueID).sorted()
    }

    /// The selected set as a `dbt build --select` argument, each item quoted for a POSIX shell
    /// when its name holds anything a shell would act on (dbt allows a model file named
    /// ``a`b`.sql`` or `$(x).sql`; only spaces are refused, from dbt 1.10).
    public var selector: String {
        let modified = nodes.filter { $0.role == .modified }
        guard !modified.isEmpty else { return "" }
        let plus = options.downstream == nil ? "+" : (options.downstream == 0 ? "" : "+\(options.downstream ?? 0)")
        let up = options.upstream > 0 ? "\(options.upstream)+" : ""
        return modified.map { impacted in
            ShellWord.quoted(up + Self.selectorName(impacted.node) + plus)
        }.sorted().joined(separator: " ")
    }

    static func selectorName(_ node: Node) -> String {
        switch node.resourceType {
        case .source: return "source:\(node.fqn.dropLast().last ?? "").\(node.name)"
        case .exposure: return "exposure:\(node.name)"
        case .model:
            return node.versionedName
        default: return node.name
        }
    }
}

/// Follows the graph from a change set.
public enum ImpactAnalyzer {
    /// Builds the report: modified nodes, downstream and upstream nodes, deleted ones, tests.
    public static func report(changes: ChangeSet, base: DbtProject?, head: DbtProject, options: ImpactOptions, notes: [ImpactNote] = []) -> ImpactReport {
        var nodes: [ImpactedNode] = []
        var modifiedIDs: [String] = []
        for (id, allReasons) in changes.modified {
            let reasons = options.dbtCompatible ? allReasons.filter(\.dbt) : allReasons
            guard !reasons.isEmpty, let node = head.nodes[id] else { continue }
            nodes.append(ImpactedNode(node: node, role: .modified, distance: 0, reasons: reasons))
            modifiedIDs.append(id)
        }

        // Downstream: breadth first, nearest modified parent first.
        var distance: [String: Int] = [:]
        var via: [String: String] = [:]
        var frontier = modifiedIDs.sorted()
        for id in frontier { distance[id] = 0 }
        var depth = 0
        while !frontier.isEmpty, options.downstream.map({ depth < $0 }) ?? true {
            depth += 1
            var next: [String] = []
            for id in frontier {
                for child in head.children[id] ?? [] where distance[child] == nil {
                    distance[child] = depth
                    via[child] = id
                    next.append(child)
                }
            }
            frontier = next
        }
        for (id, d) in distance where d > 0 {
            guard let node = head.nodes[id] else { continue }
            let parent = via[id] ?? ""
            nodes.append(ImpactedNode(node: node, role: .downstream, distance: d,
                                      reasons: [Reason(code: "downstream", dbt: true, detail: "depends on \(parent)")]))
        }

        // Upstream.
        if options.upstream > 0 {
            var seen = Set(distance.keys)
            var frontier = modifiedIDs.sorted()
            var depth = 0
            while !frontier.isEmpty, depth < options.upstream {
                depth += 1
                var next: [String] = []
                for id in frontier {
                    for parent in head.nodes[id]?.parents ?? [] where !seen.contains(parent) {
                        seen.insert(parent)
                        next.append(parent)
                        if let node = head.nodes[parent] {
                            nodes.append(ImpactedNode(node: node, role: .upstream, distance: depth,
                                                      reasons: [Reason(code: "upstream", dbt: true, detail: "parent of \(id)")]))
                        }
                    }
                }
                frontier = next
            }
        }

        if !options.dbtCompatible, let base {
            for (id, reasons) in changes.deleted {
                guard let node = base.nodes[id] else { continue }
                nodes.append(ImpactedNode(node: node, role: .deleted, distance: 0, reasons: reasons))
            }
        }

        nodes.sort { a, b in
            let order: [ImpactedNode.Role: Int] = [.modified: 0, .deleted: 1, .downstream: 2, .upstream: 3]
            return (order[a.role] ?? 9, a.distance, a.node.uniqueID) < (order[b.role] ?? 9, b.distance, b.node.uniqueID)
        }
        var tests: [AttachedTest] = []
        if options.withTests {
            for impacted in nodes where impacted.role == .modified || impacted.role == .downstream {
                tests += impacted.node.tests
            }
            tests.sort { ($0.attachedTo, $0.name) < ($1.attachedTo, $1.name) }
        }
        return ImpactReport(project: head, nodes: nodes, tests: tests, notes: notes, options: options)
    }
}

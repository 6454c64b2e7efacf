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
    /// Macros the change edits, adds or deletes (the project's and its local packages'), by id.
    public var changedMacros: [ChangedMacro] = []

    /// A macro the change edits, adds or deletes.
    public struct ChangedMacro: Sendable, Hashable {
        /// dbt's unique id (`macro.<project>.<name>`).
        public var uniqueID: String
        /// The macro name.
        public var name: String
        /// The defining file, relative to the repository root.
        public var path: String
        /// Whether the change deletes it.
        public var deleted: Bool
    }

    /// Ids with a given role, sorted.
    public func ids(_ role: ImpactedNode.Role) -> [String] {
        nodes.filter { $0.role == role }.map(\.node.uniqueID).sorted()
    }

    /// Exposures reached (modified or downstream), sorted.
    public var exposures: [String] {
        nodes.filter { $0.node.resourceType == .exposure && ($0.role == .modified || $0.role == .downstream) }
            .map(\.node.uniqueID).sorted()
    }

    /// The selected set as a `dbt build --select` argument: modified nodes, and nodes that still
    /// refer to a deleted or renamed one (they must be fixed and rebuilt too); each item quoted
    /// for a POSIX shell when its name holds anything a shell would act on (dbt allows a model
    /// file named ``a`b`.sql`` or `$(x).sql`; only spaces are refused, from dbt 1.10).
    public var selector: String {
        // A node changed only in documentation dbt does not persist needs nothing rebuilt.
        let modified = nodes.filter {
            ($0.role == .modified && !Self.isDocumentationOnly($0)) || $0.reasons.contains { $0.code == "broken_ref" }
        }
        guard !modified.isEmpty else { return "" }
        let plus = options.downstream == nil ? "+" : (options.downstream == 0 ? "" : "+\(options.downstream ?? 0)")
        let up = options.upstream > 0 ? "\(options.upstream)+" : ""
        return modified.map { impacted in
            ShellWord.quoted(up + Self.selectorName(impacted.node) + plus)
        }.sorted().joined(separator: " ")
    }

    /// Whether the change is documentation only: every modified node changed only in
    /// descriptions that reach no warehouse (no `persist_docs`), and nothing was deleted.
    public var documentationOnly: Bool {
        let changed = nodes.filter { $0.role == .modified || $0.role == .deleted }
        return !changed.isEmpty && changed.allSatisfy(Self.isDocumentationOnly)
    }

    /// A modified node whose only reason is a description dbt does not persist (`docs`).
    public static func isDocumentationOnly(_ item: ImpactedNode) -> Bool {
        item.role == .modified && !item.reasons.isEmpty && item.reasons.allSatisfy { $0.code == "docs" }
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
    /// Whether `node` still names `old` in a `ref()` or `source()` it cannot resolve.
    static func stillReferences(_ node: Node, _ old: Node) -> Bool {
        switch old.resourceType {
        case .source:
            let parts = old.uniqueID.split(separator: ".")
            guard parts.count >= 4 else { return false }
            return node.unknownReferences.contains("source('\(parts[parts.count - 2])', '\(parts[parts.count - 1])')")
        default:
            return node.unknownReferences.contains("ref('\(old.name)')")
        }
    }

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

        // Nodes that still ref a node that is gone or renamed: dbt itself would refuse to parse
        // them, and they (with what lies below) must be fixed and rebuilt. Beyond dbt's answer.
        var broken: [String: Reason] = [:]
        var dependents: [String: [String]] = [:]
        if !options.dbtCompatible, let base {
            let renamedTo = Dictionary(changes.renamed.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
            for gone in changes.deleted.keys.sorted() + renamedTo.keys.sorted() {
                guard let old = base.nodes[gone] else { continue }
                let fate = renamedTo[gone].map { "was renamed to \($0)" } ?? "is gone"
                for child in base.children[gone] ?? [] where broken[child] == nil {
                    guard let node = head.nodes[child], Self.stillReferences(node, old) else { continue }
                    broken[child] = Reason(code: "broken_ref", dbt: false, detail: "still refers to \(old.uniqueID), which \(fate)")
                    dependents[gone, default: []].append(child)
                }
            }
            // A rename that leaves dependents behind says so on the renamed node, as a delete does.
            for index in nodes.indices {
                guard let old = changes.renamed[nodes[index].node.uniqueID], let left = dependents[old] else { continue }
                for reasonIndex in nodes[index].reasons.indices where nodes[index].reasons[reasonIndex].code == "renamed" {
                    nodes[index].reasons[reasonIndex].detail += "; still referenced by \(left.sorted().joined(separator: ", "))"
                }
            }
        }

        // Downstream: breadth first, nearest modified parent first (broken dependents count as
        // one edge away from what they lost).
        var distance: [String: Int] = [:]
        var via: [String: String] = [:]
        var frontier = modifiedIDs.sorted()
        for id in frontier { distance[id] = 0 }
        var pending = broken.keys.filter { distance[$0] == nil }.sorted()
        var depth = 0
        while !frontier.isEmpty || !pending.isEmpty, options.downstream.map({ depth < $0 }) ?? true {
            depth += 1
            var next: [String] = []
            if depth == 1 {
                for id in pending {
                    distance[id] = 1
                    next.append(id)
                }
                pending = []
            }
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
            var reasons: [Reason] = []
            if let parent = via[id] { reasons.append(Reason(code: "downstream", dbt: true, detail: "depends on \(parent)")) }
            if let reason = broken[id] { reasons.append(reason) }
            nodes.append(ImpactedNode(node: node, role: .downstream, distance: d, reasons: reasons))
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
                            nodes.append(
                                ImpactedNode(
                                    node: node, role: .upstream, distance: depth,
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
        var report = ImpactReport(project: head, nodes: nodes, tests: tests, notes: notes, options: options)
        report.changedMacros = changes.modifiedMacros.sorted().compactMap { id in
            if let macro = head.macros[id] { return ImpactReport.ChangedMacro(uniqueID: id, name: macro.name, path: macro.path, deleted: false) }
            if let macro = base?.macros[id] { return ImpactReport.ChangedMacro(uniqueID: id, name: macro.name, path: macro.path, deleted: true) }
            return nil
        }
        return report
    }
}

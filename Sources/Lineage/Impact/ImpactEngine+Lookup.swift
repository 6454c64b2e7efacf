import GitKit

extension ImpactEngine {
    /// The warm hook's lane: the base project read through its cache's lookup section — only
    /// the changed files' nodes, what lies downstream of them, their ancestors and the nodes
    /// that share their names — patched to the head as the full path patches it. Nil when the
    /// cache has no usable lookup or the change needs a full read: the caller then runs the
    /// full path, which gives the same answer.
    func patchFromLookup(
        baseKey: String, touched: [FileChange], headEntries: [TreeEntry], source: GitFileSource, adapter: String?
    ) throws -> (base: DbtProject, head: DbtProject, changed: Set<String>)? {
        guard let lookup = projects.lookup(baseKey), var working = lookup.project() else { return nil }
        for path in Set(touched.flatMap(\.paths)) {
            for position in lookup.positions(path, byPath: true) {
                guard let node = lookup.node(at: position) else { return nil }
                working.nodes[node.uniqueID] = node
            }
        }
        guard !lookup.failed else { return nil }
        let (config, macros, docs) = (working.config, working.macros, working.docs)
        guard let result = try ProjectLoader.patch(&working, changes: touched, headEntries: headEntries, source: source, adapter: adapter),
            !lookup.failed, lookup.complete(&working, changed: result.changed, old: result.old), !lookup.failed
        else { return nil }
        let base = DbtProject(root: working.root, config: config, nodes: result.old, macros: macros, docs: docs, unresolved: [], children: [:])
        projects.lookupAnswers += 1
        return (base, working, result.changed)
    }
}

extension ProjectLookup {
    /// Adds to a patched part of a project what an answer about `changed` reads: the children
    /// lists of their parents (old and new) as the patch leaves them, every node downstream with
    /// its children, every ancestor, and every node whose display name could equal one of
    /// theirs (short names must stay unambiguous as over the whole project). False when a read
    /// fails.
    func complete(_ project: inout DbtProject, changed: Set<String>, old: [String: Node]) -> Bool {
        func load(_ id: String) -> Bool {
            if project.nodes[id] != nil { return true }
            guard let position = position(of: id), let node = node(at: position) else { return false }
            project.nodes[id] = node
            return true
        }
        var parents = Set<String>()
        for id in changed {
            parents.formUnion(old[id]?.parents ?? [])
            parents.formUnion(project.nodes[id]?.parents ?? [])
        }
        for parent in parents {
            guard let position = position(of: parent) else { return false }
            var list = children(at: position).filter { !changed.contains($0) }
            list += changed.filter { project.nodes[$0]?.parents.contains(parent) == true }
            project.children[parent] = list.sorted()
        }
        var stack = Array(changed)
        var seen = Set(changed)
        while let id = stack.popLast() {
            let list: [String]
            if let known = project.children[id] {
                list = known
            } else {
                guard let position = position(of: id) else { return false }
                list = children(at: position)
                if !list.isEmpty { project.children[id] = list }
            }
            for child in list where seen.insert(child).inserted {
                guard load(child) else { return false }
                stack.append(child)
            }
        }
        stack = Array(changed)
        seen = Set(changed)
        while let id = stack.popLast() {
            for parent in project.nodes[id]?.parents ?? [] where seen.insert(parent).inserted {
                guard load(parent) else { return false }
                stack.append(parent)
            }
        }
        let shown = Set(project.nodes.values.map(\.displayName) + old.values.map(\.displayName))
        for display in shown {
            for key in Self.namesakeKeys(display) {
                for position in positions(key) {
                    guard let id = id(at: position), load(id) else { return false }
                }
            }
        }
        return !failed
    }

    /// Every name a node shown as `display` could have (see ``Node/displayName``): the whole,
    /// what precedes a `.v` (a versioned model), what follows a `.` after `source:`, and what
    /// follows the first `:`.
    static func namesakeKeys(_ display: String) -> Set<String> {
        var keys: Set<String> = [display]
        var index = display.startIndex
        while let range = display[index...].range(of: ".v") {
            keys.insert(String(display[..<range.lowerBound]))
            index = range.upperBound
        }
        if display.hasPrefix("source:") {
            var rest = display.dropFirst("source:".count)
            while let dot = rest.firstIndex(of: ".") {
                rest = rest[rest.index(after: dot)...]
                keys.insert(String(rest))
            }
        }
        if let colon = display.firstIndex(of: ":") { keys.insert(String(display[display.index(after: colon)...])) }
        return keys
    }
}

import GitKit

extension ProjectLoader {
    /// The head project as the base project plus edits to files that each define one existing
    /// node — a model's SQL or Python, a seed's CSV — so a hook pays for the change, not for the
    /// project. Returns nil when the change needs a full read (YAML, macros, dbt_project.yml,
    /// snapshots, added, deleted or renamed files, a model that becomes disabled).
    ///
    /// `project` is edited in place (no copy of thousands of nodes); on success it holds the head
    /// and the result holds the old versions of the nodes that changed.
    static func patch(
        _ project: inout DbtProject, changes: [FileChange], headEntries: [TreeEntry],
        source: some ProjectFileSource, adapter: String?
    ) throws -> (changed: Set<String>, old: [String: Node])? {
        let base = project
        let prefix = base.root.isEmpty ? "" : base.root + "/"
        let config = base.config
        var updates: [String: Node] = [:]
        var changed: Set<String> = []
        var scans: [String: ReferenceScan] = [:]
        // Node ids of the changed files only: one pass, no index of every file of the project.
        let changedPaths = Set(changes.flatMap { [$0.oldPath, $0.newPath] }.compactMap { $0 })
        var byPath: [String: [String]] = [:]
        for node in base.nodes.values where changedPaths.contains(node.path) {
            byPath[node.path, default: []].append(node.uniqueID)
        }

        for change in changes {
            // A file the loader never reads (a README, session notes, CI files) changes nothing.
            let paths = [change.oldPath, change.newPath].compactMap { $0 }
            if paths.allSatisfy({ !$0.hasPrefix(prefix) || !affectsProject(String($0.dropFirst(prefix.count)), config: config) }) {
                continue
            }
            guard change.status == .modified, let path = change.newPath, change.oldPath == path, path.hasPrefix(prefix),
                let entry = headEntries.entry(at: path)
            else { return nil }
            let rel = String(path.dropFirst(prefix.count))
            for folders in [config.macroPaths, config.snapshotPaths, config.testPaths, config.analysisPaths]
            where subpath(rel, folders) != nil {
                return nil
            }
            guard let ids = byPath[path], ids.count == 1, var node = base.nodes[ids[0]] else { return nil }
            switch (node.resourceType, fileExtension(rel)) {
            case (.model, "sql"), (.model, "py"):
                let scan: ReferenceScan
                if fileExtension(rel) == "sql" {
                    scan = try template(entry, source).scan
                } else {
                    guard case .python(let python) = try checked(entry, source, .python) else { return nil }
                    scan = python
                }
                node.bodyKey = scan.bodyDigest ?? entry.id.hex
                node.config = node.inheritedConfig.mergingConfig(renderedConfig(scan, config: config, adapter: adapter))
                guard Builder.enabled(node.config, context: renderContext(config: config, adapter: adapter)) else { return nil }
                node.vars = scan.vars
                scans[node.uniqueID] = scan
            case (.seed, "csv"):
                let size = try source.size(entry)
                node.bodyKey = size >= seedChecksumLimit ? "path:" + entry.path : entry.id.hex
            default:
                return nil
            }
            updates[node.uniqueID] = node
            changed.insert(node.uniqueID)
        }

        // Every check passed: from here on the project is edited in place.
        guard !changed.isEmpty else { return (changed, [:]) }
        var old: [String: Node] = [:]
        for id in changed { old[id] = base.nodes[id] }
        _ = consume base
        for (id, node) in updates { project.nodes[id] = node }
        // The same nodes as the base: its ref index still holds.
        let index = project.refIndex ?? RefIndex(project: project.name, nodes: project.nodes)
        var resolver = MacroResolver(project: project.name, macros: project.macros, adapter: adapter, dispatch: config.dispatch)
        // A project's macros are stored with their calls already resolved.
        resolver.resolved = project.macros
        for (id, scan) in scans {
            guard var node = project.nodes[id] else { continue }
            let oldParents = node.parents
            let unresolved = resolveReferences(
                of: &node, scan: scan, index: index, nodes: project.nodes, macros: resolver,
                context: renderContext(config: config, adapter: adapter))
            project.unresolved.removeAll { $0.file == node.path }
            project.unresolved += unresolved
            project.nodes[id] = node
            // Patch the reverse edges of this node only.
            for parent in oldParents where !node.parents.contains(parent) {
                project.children[parent]?.removeAll { $0 == id }
            }
            for parent in node.parents where !oldParents.contains(parent) {
                project.children[parent, default: []].append(id)
                project.children[parent]?.sort()
            }
        }
        project.unresolved.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        return (changed, old)
    }

    /// Whether a file (relative to the project root) can change what `load` reads: the files it
    /// parses, seeds, and the project-level files.
    static func affectsProject(_ rel: String, config: ProjectConfig) -> Bool {
        if ["dbt_project.yml", "packages.yml", "dependencies.yml", "package-lock.yml", "profiles.yml", "selectors.yml"].contains(rel) {
            return true
        }
        let ext = fileExtension(rel)
        if ext == "csv" { return subpath(rel, config.seedPaths) != nil }
        let builder = Builder(root: "", prefix: "", config: config, adapter: nil)
        return plannedKind(rel, config: config, builder: builder) != nil
    }
}

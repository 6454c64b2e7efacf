import GitKit

extension ProjectLoader {
    /// Collects a revision's files, then resolves them into nodes.
    struct Builder {
        let root: String
        let prefix: String
        let config: ProjectConfig
        /// The adapter dispatch resolves for, or nil when unknown (every implementation counts).
        let adapter: String?
        var yamlFiles: [(path: String, value: Value)] = []
        var modelFiles: [(entry: TreeEntry, sub: String, scan: ReferenceScan, python: Bool)] = []
        var seedFiles: [(entry: TreeEntry, sub: String, size: Int)] = []
        var snapshotBlocks: [(entry: TreeEntry, sub: String, block: TemplateBlock)] = []
        var macros: [String: Macro] = [:]
        var docs: [String: String] = [:]
        /// When this builds a package: the root project, whose `dbt_project.yml` configs and vars
        /// apply on top of the package's own (dbt's precedence for package nodes).
        var rootConfig: ProjectConfig?
        /// When this builds the root project: its packages, already built, whose nodes, sources and
        /// macros the root's refs, sources and calls may reach.
        var packages: [DbtProject] = []

        init(root: String, prefix: String, config: ProjectConfig, adapter: String?) {
            self.root = root
            self.adapter = adapter
            self.prefix = prefix
            self.config = config
        }

        var project: String { config.name }

        func isUnderResourcePath(_ rel: String) -> Bool {
            for paths in [config.modelPaths, config.seedPaths, config.macroPaths, config.snapshotPaths, config.analysisPaths, config.testPaths]
            where ProjectLoader.subpath(rel, paths) != nil {
                return true
            }
            return false
        }

        mutating func addModel(entry: TreeEntry, sub: String, scan: ReferenceScan, python: Bool) {
            modelFiles.append((entry, sub, scan, python))
        }

        mutating func addSeed(entry: TreeEntry, sub: String, size: Int) {
            seedFiles.append((entry, sub, size))
        }

        mutating func addDocs(_ result: TemplateScanner.Result) {
            for block in result.blocks where block.kind == "docs" {
                docs[block.name] = block.body
            }
        }

        mutating func addMacros(entry: TreeEntry, result: TemplateScanner.Result) {
            for block in result.blocks {
                let name: String
                switch block.kind {
                case "macro": name = block.name
                case "test": name = "test_" + block.name
                case "materialization": name = "materialization_" + block.name
                case "docs":
                    docs[block.name] = block.body
                    continue
                default: continue
                }
                macros["macro.\(project).\(name)"] = Macro(
                    uniqueID: "macro.\(project).\(name)", name: name, path: entry.path, line: block.line,
                    text: block.text, calls: block.scan.macroCalls, dispatches: block.scan.dispatches, vars: block.scan.vars,
                    refs: block.scan.refs, sources: block.scan.sources, parameters: block.parameters,
                    parameterRefs: block.scan.parameterRefs.filter(block.parameters.contains))
            }
        }

        mutating func addSnapshots(entry: TreeEntry, sub: String, result: TemplateScanner.Result) {
            for block in result.blocks where block.kind == "snapshot" {
                snapshotBlocks.append((entry, sub, block))
            }
        }

        // MARK: - Resolution

        /// Resolves the collected files into the project, letting the property files go once read.
        mutating func finish() -> DbtProject {
            var folderConfigs: [[String]: (merged: Value, level: Value?)] = [:]
            /// dbt_project.yml's config for an fqn: the folder's part computed once per folder,
            /// then the node's own level, if the tree names it.
            func projectConfig(_ resource: String, _ fqn: [String]) -> Value {
                guard let last = fqn.last else { return config.projectConfig(resource: resource, fqn: fqn) }
                let key = [resource] + fqn.dropLast()
                let folder: (merged: Value, level: Value?)
                if let known = folderConfigs[key] {
                    folder = known
                } else {
                    folder = config.walk(resource: resource, fqn: fqn.dropLast())
                    folderConfigs[key] = folder
                }
                var merged = folder.merged
                if let level = folder.level, let own = level[last], case .map = own {
                    merged = merged.mergingConfig(ProjectConfig.configs(at: own))
                }
                if let rootConfig {
                    merged = merged.mergingConfig(rootConfig.projectConfig(resource: resource, fqn: fqn))
                }
                return merged
            }
            var nodes: [String: Node] = [:]
            var scans: [String: ReferenceScan] = [:]
            // dbt renders property files while parsing: Jinja in configs, data types, freshness…
            let renderContext = ProjectLoader.renderContext(config: config, adapter: adapter, root: rootConfig)
            let properties = PropertiesReader(
                project: project,
                files: yamlFiles.map { file in
                    (file.0, ConfigExpression.renderProperties(file.1, in: renderContext))
                })
            yamlFiles = []

            // Models, versioned or not.
            for file in modelFiles {
                let stem = Self.stem(file.sub)
                let dirs = Self.folders(file.sub)
                var node: Node
                let patch: PropertiesReader.ModelPatch?
                var versionPatch: PropertiesReader.VersionPatch?
                if let (p, v) = properties.versionedModel(forFileStem: stem) {
                    patch = p
                    versionPatch = v
                    node = Node(
                        uniqueID: "model.\(project).\(p.name).v\(v.version)", resourceType: .model, name: p.name,
                        version: v.version, path: file.entry.path, fqn: [project] + dirs + [p.name, "v\(v.version)"],
                        layer: dirs.first ?? "other")
                } else {
                    patch = properties.models[stem]
                    node = Node(
                        uniqueID: "model.\(project).\(stem)", resourceType: .model, name: stem, version: nil,
                        path: file.entry.path, fqn: [project] + dirs + [stem], layer: dirs.first ?? "other")
                }
                node.bodyKey = file.scan.bodyDigest ?? file.entry.id.hex
                var merged = projectConfig("models", node.fqn)
                if let patch {
                    merged = merged.mergingConfig(patch.config)
                    node.propertiesPath = patch.file
                    node.description = patch.description
                    node.columns = patch.columns
                    node.tests = patch.tests(attachedTo: node.uniqueID, model: node.name)
                }
                if let patch, !patch.versions.isEmpty {
                    let latest = patch.latestVersion ?? patch.versions.map(\.version).max(by: RefIndex.versionLess)
                    node.properties["latest_version"] = latest.map { .string($0) } ?? .null
                }
                node.properties["deprecation_date"] = versionPatch?.deprecationDate ?? patch?.deprecationDate ?? .null
                let constraints = versionPatch?.constraints ?? patch?.constraints ?? .null
                if constraints != .null { node.properties["model_constraints"] = constraints }
                if let versionPatch {
                    merged = merged.mergingConfig(versionPatch.config)
                    if let description = versionPatch.description { node.description = description }
                    if let columns = versionPatch.columns { node.columns = columns }
                }
                node.inheritedConfig = merged
                merged = merged.mergingConfig(rendered(file.scan))
                node.config = merged
                node.vars = file.scan.vars
                guard isEnabled(merged) else { continue }
                nodes[node.uniqueID] = node
                scans[node.uniqueID] = file.scan
            }

            // Seeds.
            for file in seedFiles {
                let stem = Self.stem(file.sub)
                let dirs = Self.folders(file.sub)
                var node = Node(
                    uniqueID: "seed.\(project).\(stem)", resourceType: .seed, name: stem, version: nil,
                    path: file.entry.path, fqn: [project] + dirs + [stem], layer: "seeds")
                node.bodyKey = file.size >= ProjectLoader.seedChecksumLimit ? "path:" + file.entry.path : file.entry.id.hex
                var merged = projectConfig("seeds", node.fqn)
                if let patch = properties.seeds[stem] {
                    merged = merged.mergingConfig(patch.config)
                    node.propertiesPath = patch.file
                    node.description = patch.description
                    node.columns = patch.columns
                    node.tests = patch.tests(attachedTo: node.uniqueID, model: stem)
                }
                node.config = merged
                node.inheritedConfig = merged
                guard isEnabled(merged) else { continue }
                nodes[node.uniqueID] = node
                // No code of its own, but its hooks render at parse time: their macros are the
                // seed's (tuva's raw_data seeds: +post-hook: "{{ load_versioned_synthetic_seed(...) }}").
                if !ProjectLoader.hookTexts(merged).isEmpty { scans[node.uniqueID] = ReferenceScan() }
            }

            // Snapshots: SQL blocks, then YAML-defined ones.
            for file in snapshotBlocks {
                let dirs = Self.folders(file.sub)
                let name = file.block.name
                var node = Node(
                    uniqueID: "snapshot.\(project).\(name)", resourceType: .snapshot, name: name, version: nil,
                    path: file.entry.path, line: file.block.line,
                    fqn: [project] + dirs + [Self.stem(file.sub), name], layer: "snapshots")
                node.bodyKey = "sql:" + file.block.body
                var merged = projectConfig("snapshots", node.fqn)
                if let patch = properties.snapshots[name] {
                    merged = merged.mergingConfig(patch.config)
                    node.propertiesPath = patch.file
                    node.description = patch.description
                    node.columns = patch.columns
                    node.tests = patch.tests(attachedTo: node.uniqueID, model: name)
                }
                node.inheritedConfig = merged
                merged = merged.mergingConfig(rendered(file.block.scan))
                node.config = merged
                node.vars = file.block.scan.vars
                guard isEnabled(merged) else { continue }
                nodes[node.uniqueID] = node
                scans[node.uniqueID] = file.block.scan
            }
            for patch in properties.snapshots.values.sorted(by: { $0.name < $1.name }) {
                guard let relation = patch.relation, nodes["snapshot.\(project).\(patch.name)"] == nil else { continue }
                let sub = relativeToResource(patch.file, config.snapshotPaths + config.modelPaths)
                let dirs = Self.folders(sub)
                var node = Node(
                    uniqueID: "snapshot.\(project).\(patch.name)", resourceType: .snapshot, name: patch.name,
                    version: nil, path: patch.file, propertiesPath: patch.file,
                    fqn: [project] + dirs + [Self.stem(sub), patch.name], layer: "snapshots")
                node.bodyKey = "yaml:" + relation
                node.config = projectConfig("snapshots", node.fqn).mergingConfig(patch.config)
                node.description = patch.description
                node.columns = patch.columns
                node.tests = patch.tests(attachedTo: node.uniqueID, model: patch.name)
                guard isEnabled(node.config) else { continue }
                nodes[node.uniqueID] = node
                scans[node.uniqueID] = TemplateScanner.scanTemplate(Array("{{ \(relation) }}".utf8)).scan
            }

            // Sources.
            for table in properties.sources {
                let sub = relativeToResource(table.file, config.modelPaths)
                let fqn = [project] + Self.folders(sub) + [table.source, table.name]
                var node = Node(
                    uniqueID: "source.\(project).\(table.source).\(table.name)", resourceType: .source,
                    name: table.name, version: nil, path: table.file, propertiesPath: table.file,
                    fqn: fqn, layer: "sources")
                let merged = projectConfig("sources", fqn).mergingConfig(table.config)
                node.config = merged
                node.description = table.description
                node.columns = table.columns
                node.properties = table.compared
                node.tests = table.tests
                guard isEnabled(merged) else { continue }
                nodes[node.uniqueID] = node
            }

            // Exposures.
            for exposure in properties.exposures {
                let sub = relativeToResource(exposure.file, config.modelPaths)
                let fqn = [project] + Self.folders(sub) + [exposure.name]
                var node = Node(
                    uniqueID: "exposure.\(project).\(exposure.name)", resourceType: .exposure,
                    name: exposure.name, version: nil, path: exposure.file, propertiesPath: exposure.file,
                    fqn: fqn, layer: "exposures")
                node.config = projectConfig("exposures", fqn).mergingConfig(exposure.config)
                node.description = exposure.description
                node.properties = exposure.compared
                guard isEnabled(node.config) else { continue }
                nodes[node.uniqueID] = node
                scans[node.uniqueID] = exposure.dependsOn
            }

            // Unit tests attach to their model.
            for unitTest in properties.unitTests {
                if let id = resolveModelName(unitTest.model, nodes: nodes) {
                    nodes[id]?.tests.append(AttachedTest(name: unitTest.name, kind: "unit_test", column: nil, attachedTo: id))
                }
            }

            // Edges and macro dependencies. Package nodes come first in the ref index, so a root
            // node of the same name wins, as dbt resolves an unqualified ref.
            var index = RefIndex(project: project)
            var packageNodes: [String: Node] = [:]
            var packageMacros: [String: Macro] = [:]
            for package in packages where package.name != project {
                packageNodes.merge(package.nodes) { own, _ in own }
                packageMacros.merge(package.macros) { own, _ in own }
            }
            for node in packageNodes.values.sorted(by: { $0.uniqueID < $1.uniqueID }) {
                index.add(id: node.uniqueID, type: node.resourceType, name: node.name, version: node.version)
            }
            for node in nodes.values {
                index.add(id: node.uniqueID, type: node.resourceType, name: node.name, version: node.version)
            }
            index.resolveLatest(index.versionedIDs.compactMap { nodes[$0] ?? packageNodes[$0] })
            var resolver = MacroResolver(
                project: project, macros: macros.merging(packageMacros) { own, _ in own },
                adapter: adapter, dispatch: config.dispatch)
            var resolvedMacros = macros
            for (id, macro) in macros {
                resolvedMacros[id]?.calls = resolver.resolve(calls: macro.calls, dispatches: macro.dispatches)
            }
            resolver.resolved = resolvedMacros.merging(packageMacros) { own, _ in own }
            // A package's ref to a name it does not define finds the root project's node (or
            // another package's): dbt resolves a package node's refs across the whole project
            // (tuva's models ref the input-layer models of the project that installs it).
            for (id, node) in packageNodes where !node.unknownReferences.isEmpty && nodes[id] == nil {
                var node = node
                var remaining: [String] = []
                for text in node.unknownReferences {
                    let parent = Self.refText(text).flatMap { ref in
                        ref.package.map { index.resolve(package: $0, name: ref.name, version: nil) } ?? index.resolve(name: ref.name, version: nil)
                    }
                    if let parent, parent != id {
                        if !node.parents.contains(parent) { node.parents.append(parent) }
                    } else {
                        remaining.append(text)
                    }
                }
                node.unknownReferences = remaining
                packageNodes[id] = node
            }
            nodes.merge(packageNodes) { own, _ in own }
            var unresolved: [DbtProject.UnresolvedReference] = []
            for (id, scan) in scans {
                guard var node = nodes[id] else { continue }
                unresolved += ProjectLoader.resolveReferences(
                    of: &node, scan: scan, index: index, nodes: nodes, macros: resolver,
                    context: ProjectLoader.renderContext(config: config, adapter: adapter, root: rootConfig))
                nodes[id] = node
            }
            resolvedMacros.merge(packageMacros) { own, _ in own }
            let children = DbtProject.children(of: nodes)
            unresolved.sort { ($0.file, $0.line) < ($1.file, $1.line) }
            return DbtProject(
                root: root, config: config, nodes: nodes, macros: resolvedMacros, docs: docs,
                unresolved: unresolved, children: children)
        }

        /// The package and name of an unknown reference as `resolveReferences` writes it
        /// (`ref('name')`, `ref('package', 'name')`); nil for anything else.
        static func refText(_ text: String) -> (package: String?, name: String)? {
            guard text.hasPrefix("ref('"), text.hasSuffix("')") else { return nil }
            let parts = text.dropFirst(5).dropLast(2).components(separatedBy: "', '")
            switch parts.count {
            case 1: return (nil, parts[0])
            case 2: return (parts[0], parts[1])
            default: return nil
            }
        }

        /// A scan's `config()` arguments with the expressions dbt would render rendered.
        func rendered(_ scan: ReferenceScan) -> Value {
            ProjectLoader.renderedConfig(scan, config: config, adapter: adapter, root: rootConfig)
        }

        func relativeToResource(_ repoPath: String, _ folders: [String]) -> String {
            let rel = repoPath.hasPrefix(prefix) ? String(repoPath.dropFirst(prefix.count)) : repoPath
            return ProjectLoader.subpath(rel, folders) ?? rel
        }

        func resolveModelName(_ name: String, nodes: [String: Node]) -> String? {
            if nodes["model.\(project).\(name)"] != nil { return "model.\(project).\(name)" }
            return nodes.values.filter { $0.resourceType == .model && $0.name == name }.map(\.uniqueID).max()
        }

        static func stem(_ sub: String) -> String {
            if let parts = ProjectLoader.asciiParts(sub), let file = parts.last {
                guard let dot = file.utf8.lastIndex(of: UInt8(ascii: ".")) else { return String(file) }
                return String(file[..<dot])
            }
            let file = sub.split(separator: "/").last.map(String.init) ?? sub
            guard let dot = file.lastIndex(of: ".") else { return file }
            return String(file[..<dot])
        }

        static func folders(_ sub: String) -> [String] {
            if let parts = ProjectLoader.asciiParts(sub) { return parts.dropLast().map(String.init) }
            return sub.split(separator: "/").dropLast().map(String.init)
        }

        /// Whether a node with this merged config exists (see ``enabled(_:context:)``).
        func isEnabled(_ config: Value) -> Bool {
            Self.enabled(config, context: ProjectLoader.renderContext(config: self.config, adapter: adapter, root: rootConfig))
        }

        /// Whether a node with this merged config exists. A Jinja `enabled` from
        /// `dbt_project.yml` (`+enabled: "{{ var('enable_dq', false) | as_bool }}"`,
        /// `"{{ target.type == 'starrocks' }}"`) is rendered as dbt renders a node's config: with
        /// the project's vars (the root's first) and the target's type. The value compared for
        /// `state:modified` stays as written.
        static func enabled(_ config: Value, context: RenderContext) -> Bool {
            guard var value = config["enabled"] else { return true }
            if case .string(let text) = value, text.contains("{{") {
                if let rendered = ConfigExpression.renderTemplate(text, in: context) { value = rendered }
            }
            if case .bool(let b) = value { return b }
            if case .string(let s) = value { return s.filter { !$0.isWhitespace }.lowercased() != "false" }
            return true
        }
    }
}

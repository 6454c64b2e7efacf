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

        func finish() -> DbtProject {
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
            let properties = PropertiesReader(project: project, files: yamlFiles.map { file in
                (file.0, ConfigExpression.renderProperties(file.1, in: renderContext))
            })

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
                    node = Node(uniqueID: "model.\(project).\(p.name).v\(v.version)", resourceType: .model, name: p.name,
                                version: v.version, path: file.entry.path, fqn: [project] + dirs + [p.name, "v\(v.version)"],
                                layer: dirs.first ?? "other")
                } else {
                    patch = properties.models[stem]
                    node = Node(uniqueID: "model.\(project).\(stem)", resourceType: .model, name: stem, version: nil,
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
                var node = Node(uniqueID: "seed.\(project).\(stem)", resourceType: .seed, name: stem, version: nil,
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
                var node = Node(uniqueID: "snapshot.\(project).\(name)", resourceType: .snapshot, name: name, version: nil,
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
                var node = Node(uniqueID: "snapshot.\(project).\(patch.name)", resourceType: .snapshot, name: patch.name,
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
                var node = Node(uniqueID: "source.\(project).\(table.source).\(table.name)", resourceType: .source,
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
                var node = Node(uniqueID: "exposure.\(project).\(exposure.name)", resourceType: .exposure,
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
            var resolver = MacroResolver(project: project, macros: macros.merging(packageMacros) { own, _ in own },
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
                unresolved += ProjectLoader.resolveReferences(of: &node, scan: scan, index: index, nodes: nodes, macros: resolver,
                                                              context: ProjectLoader.renderContext(config: config, adapter: adapter, root: rootConfig))
                nodes[id] = node
            }
            resolvedMacros.merge(packageMacros) { own, _ in own }
            let children = DbtProject.children(of: nodes)
            unresolved.sort { ($0.file, $0.line) < ($1.file, $1.line) }
            return DbtProject(root: root, config: config, nodes: nodes, macros: resolvedMacros, docs: docs,
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
            let file = sub.split(separator: "/").last.map(String.init) ?? sub
            guard let dot = file.lastIndex(of: ".") else { return file }
            return String(file[..<dot])
        }

        static func folders(_ sub: String) -> [String] {
            sub.split(separator: "/").dropLast().map(String.init)
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

    /// Resolves a node's refs, sources and macro calls; returns its unresolvable references.
    static func resolveReferences(of node: inout Node, scan fileScan: ReferenceScan, index: RefIndex, nodes: [String: Node],
                                  macros: MacroResolver, context: RenderContext) -> [DbtProject.UnresolvedReference] {
        let project = index.project
        var scan = fileScan
        for hook in hookTexts(node.config) where hook.contains("{{") || hook.contains("{%") {
            // dbt renders every pre-/post-hook with the node's context while parsing (macro
            // capture on): what a hook calls or refs is the node's own dependency.
            let hookScan = macros.hooks.scan(hook)
            scan.refs += hookScan.refs
            scan.sources += hookScan.sources
            scan.callArguments += hookScan.callArguments
            for call in hookScan.macroCalls { scan.addMacroCall(call) }
            for entry in hookScan.dispatches where !scan.dispatches.contains(entry) { scan.dispatches.append(entry) }
        }
        var parents: [String] = []
        node.unknownReferences = []
        for ref in scan.refs {
            if let package = ref.package, package != project {
                // A package the project installs (its nodes joined the project's).
                if let parent = index.resolve(package: package, name: ref.name, version: ref.version) {
                    if !parents.contains(parent) { parents.append(parent) }
                } else {
                    node.unknownReferences.append("ref('\(package)', '\(ref.name)')")
                }
                continue
            }
            if let parent = index.resolve(name: ref.name, version: ref.version) {
                if !parents.contains(parent) { parents.append(parent) }
            } else {
                node.unknownReferences.append("ref('\(ref.name)')")
            }
        }
        // Refs of a loop over a list built from literals, kept unless a condition they were added
        // under renders false with the project's vars.
        for ref in scan.conditionalRefs {
            let excluded = ref.conditions.contains { condition in
                ConfigExpression.evaluate(condition, in: context).map { !ConfigExpression.isTruthy($0) } ?? false
            }
            guard !excluded else { continue }
            if let parent = index.resolve(name: ref.name, version: nil) {
                if parent != node.uniqueID, !parents.contains(parent) { parents.append(parent) }
            } else {
                node.unknownReferences.append("ref('\(ref.name)')")
            }
        }
        for s in scan.sources {
            let own = "source.\(project).\(s.source).\(s.table)"
            // A source a package defines (dbt looks in every package when the root has none).
            let suffix = ".\(s.source).\(s.table)"
            let parent = nodes[own] != nil ? own : nodes.keys.filter { $0.hasPrefix("source.") && $0.hasSuffix(suffix) }.min()
            if let parent {
                if !parents.contains(parent) { parents.append(parent) }
            } else {
                node.unknownReferences.append("source('\(s.source)', '\(s.table)')")
            }
        }
        node.macroDependencies = macros.resolve(calls: scan.macroCalls, dispatches: scan.dispatches)
        // A project macro named `ref` or `source` replaces dbt's builtin: every such call of the
        // node (or of a macro it calls) goes through it, so dbt counts it among the node's macros.
        func overrideBuiltin(_ name: String) {
            let id = "macro.\(project).\(name)"
            if macros.macros[id] != nil, !node.macroDependencies.contains(id) { node.macroDependencies.append(id) }
        }
        if !scan.refs.isEmpty || scan.unresolved.contains(where: { $0.text.hasPrefix("ref") }) { overrideBuiltin("ref") }
        if !scan.sources.isEmpty || scan.unresolved.contains(where: { $0.text.hasPrefix("source") }) { overrideBuiltin("source") }
        let reached = macros.reachable(from: node.macroDependencies)
        if reached.contains(where: { !$0.refs.isEmpty || !$0.parameterRefs.isEmpty }) { overrideBuiltin("ref") }
        if reached.contains(where: { !$0.sources.isEmpty }) { overrideBuiltin("source") }
        // Refs and sources inside the macros it reaches: dbt renders them while parsing the node.
        for macro in reached {
            for ref in macro.refs {
                let parent = if let package = ref.package, package != project {
                    index.resolve(package: package, name: ref.name, version: ref.version)
                } else {
                    index.resolve(name: ref.name, version: ref.version)
                }
                if let parent, parent != node.uniqueID, !parents.contains(parent) {
                    parents.append(parent)
                }
            }
            for s in macro.sources {
                let parent = "source.\(project).\(s.source).\(s.table)"
                if nodes[parent] != nil, !parents.contains(parent) { parents.append(parent) }
            }
        }
        // A macro that refs one of its parameters, called with a string for it: dbt renders the
        // call while parsing, so the node refs that string.
        for call in scan.callArguments {
            for id in macros.resolve(calls: [call.macro], dispatches: []) {
                guard let macro = macros.macros[id], !macro.parameterRefs.isEmpty else { continue }
                for parameter in macro.parameterRefs {
                    let position = macro.parameters.firstIndex(of: parameter)
                    let value = call.keywords[parameter] ?? position.flatMap { $0 < call.positional.count ? call.positional[$0] : nil }
                    if let value, let parent = index.resolve(name: value, version: nil), parent != node.uniqueID, !parents.contains(parent) {
                        parents.append(parent)
                    }
                }
            }
        }
        node.parents = parents
        return scan.unresolved.map { .init(file: node.path, line: $0.line, text: $0.text) }
    }

    /// A scan's `config()` arguments as dbt records them: an expression argument is rendered
    /// with the project's vars and the target's type; one that reads anything else (an
    /// environment variable, the target's name, a macro) is kept as written.
    static func renderedConfig(_ scan: ReferenceScan, config: ProjectConfig, adapter: String?, root: ProjectConfig? = nil) -> Value {
        guard !scan.configExpressions.isEmpty, case .map(var pairs) = scan.config else { return scan.config }
        let context = renderContext(config: config, adapter: adapter, root: root)
        for index in pairs.indices {
            guard let expression = scan.configExpressions[pairs[index].key],
                  let value = ConfigExpression.evaluate(expression, in: context) else { continue }
            pairs[index].value = value
        }
        return .map(pairs)
    }

    /// What the loader renders with: the project's vars and the adapter as `target.type`. Not the
    /// environment or the target's name: a loaded project is cached by its tree alone.
    static func renderContext(config: ProjectConfig, adapter: String?, root: ProjectConfig? = nil) -> RenderContext {
        RenderContext(variable: { name in root?.variable(name, scope: config.name) ?? config.variable(name) }, environment: nil,
                      target: adapter.map { ["type": .string($0)] } ?? [:])
    }

    /// The SQL of a node's hooks, from its merged config: strings, or `{sql: ...}` maps.
    static func hookTexts(_ config: Value) -> [String] {
        var texts: [String] = []
        for key in ["pre-hook", "post-hook", "pre_hook", "post_hook"] {
            guard let value = config[key] else { continue }
            for hook in Value.asList(value) {
                if let text = hook.string {
                    texts.append(text)
                } else if let sql = hook["sql"]?.string {
                    texts.append(sql)
                }
            }
        }
        return texts
    }

    /// Hook SQL scanned once per distinct text, for one project build (single-threaded).
    final class HookScans {
        private var scans: [String: ReferenceScan] = [:]

        func scan(_ text: String) -> ReferenceScan {
            if let known = scans[text] { return known }
            let scan = TemplateScanner.scanTemplate(Array(text.utf8)).scan
            scans[text] = scan
            return scan
        }
    }

    /// Resolves macro call names to the project's macros, following `adapter.dispatch`.
    struct MacroResolver {
        let project: String
        let macros: [String: Macro]
        /// The adapter dispatch resolves for, or nil when unknown (every implementation counts).
        let adapter: String?
        let dispatch: [String: [String]]
        /// The macros with their calls resolved to ids (set once every macro is resolved).
        var resolved: [String: Macro] = [:]
        /// Scans of hook SQL: a folder's `+post-hook` is inherited by every node under it, and
        /// is read once.
        let hooks = HookScans()

        /// The macros reached from `roots` through resolved calls, roots included.
        func reachable(from roots: [String]) -> [Macro] {
            var seen: Set<String> = []
            var stack = roots
            var result: [Macro] = []
            while let id = stack.popLast() {
                guard seen.insert(id).inserted, let macro = resolved[id] else { continue }
                result.append(macro)
                stack += macro.calls
            }
            return result
        }

        /// Macro unique ids for call names (`name`, `project.name`) and dispatched names.
        func resolve(calls: [String], dispatches: [String]) -> [String] {
            var result: [String] = []
            func add(_ id: String) { if macros[id] != nil, !result.contains(id) { result.append(id) } }
            for call in calls {
                let parts = call.split(separator: ".", maxSplits: 1).map(String.init)
                if parts.count == 1 { add("macro.\(project).\(call)") }
                else { add("macro.\(parts[0]).\(parts[1])") }
            }
            for entry in dispatches {
                let parts = entry.split(separator: ".", maxSplits: 1).map(String.init)
                let name = parts.last ?? entry
                let namespace = parts.count == 2 ? parts[0] : nil
                // dbt's `_get_search_packages`: a namespace with a `dispatch:` search order is
                // searched in that order; one without searches the root project first, then the
                // namespace itself. Only root-project macros are known here, so what matters is
                // whether the root project is searched at all.
                let order = namespace.map { dispatch[$0] ?? [project, $0] } ?? [project]
                for package in order {
                    let found = candidates(name, in: package)
                    for id in found { add(id) }
                    if !found.isEmpty { break }
                }
            }
            return result
        }

        /// The implementations `adapter.dispatch('name')` resolves to in the root project: the
        /// first of `<adapter>__name`, `<parent adapter>__name` … `default__name`; with no adapter
        /// known, every `*__name` counts.
        func candidates(_ name: String, in package: String) -> [String] {
            if let adapter {
                for prefix in Self.dispatchPrefixes(adapter) {
                    let candidate = "macro.\(package).\(prefix)__\(name)"
                    if macros[candidate] != nil { return [candidate] }
                }
                return []
            }
            let suffix = "__" + name
            return macros.keys.filter { $0.hasPrefix("macro.\(package).") && $0.hasSuffix(suffix) }.sorted()
        }

        /// Adapters whose plugin declares a parent (`AdapterPlugin(dependencies=[...])`): dispatch
        /// tries the adapter, then its parents, then `default`.
        static let parentAdapters: [String: [String]] = [
            "redshift": ["postgres"],
            "materialize": ["postgres"],
            "databricks": ["spark"],
            "sqlserver": ["fabric"],
        ]

        /// The prefixes `adapter.dispatch` tries, in order (dbt's `_get_adapter_macro_prefixes`).
        static func dispatchPrefixes(_ adapter: String) -> [String] {
            var chain = [adapter]
            var index = 0
            while index < chain.count {
                for parent in parentAdapters[chain[index]] ?? [] where !chain.contains(parent) { chain.append(parent) }
                index += 1
            }
            return chain + ["default"]
        }
    }

    /// Resolves `ref()` names the way dbt does: models (latest version unless one is named), seeds, snapshots.
    struct RefIndex {
        let project: String
        var byName: [String: String] = [:]
        var versioned: [String: [String: String]] = [:]
        /// The same, keyed by `package.name`, for the two-argument `ref('package', 'name')`.
        var qualified: [String: String] = [:]
        var qualifiedVersioned: [String: [String: String]] = [:]
        /// Ids of versioned models, whose latest version is settled by `resolveLatest`.
        var versionedIDs: [String] = []

        init(project: String) {
            self.project = project
        }

        init(project: String, nodes: [String: Node]) {
            self.project = project
            for node in nodes.values {
                add(id: node.uniqueID, type: node.resourceType, name: node.name, version: node.version)
            }
            resolveLatest(versionedIDs.compactMap { nodes[$0] })
        }

        mutating func add(id: String, type: ResourceType, name: String, version: String?) {
            // `<type>.<package>.<name>[.v<version>]`: a package's node is also indexed by
            // `package.name` (the project's own need not be: `ref('<project>', 'x')` is `ref('x')`).
            // Checked on bytes: this runs for every node of every warm run.
            let key = Self.foreignPackage(of: id, project: project).map { "\($0).\(name)" }
            switch type {
            case .model:
                if let version {
                    versioned[name, default: [:]][version] = id
                    if let key { qualifiedVersioned[key, default: [:]][version] = id }
                    versionedIDs.append(id)
                } else {
                    byName[name] = id
                    if let key { qualified[key] = id }
                }
            case .seed, .snapshot:
                if byName[name] == nil { byName[name] = id }
                if let key, qualified[key] == nil { qualified[key] = id }
            default: break
            }
        }

        /// The package of a unique id when it is not `project`, else nil.
        static func foreignPackage(of id: String, project: String) -> Substring? {
            let bytes = id.utf8
            guard let first = bytes.firstIndex(of: UInt8(ascii: ".")) else { return nil }
            let rest = bytes[bytes.index(after: first)...]
            if rest.starts(with: project.utf8), rest.dropFirst(project.utf8.count).first == UInt8(ascii: ".") { return nil }
            guard let second = rest.firstIndex(of: UInt8(ascii: ".")) else { return nil }
            return Substring(id.utf8[rest.startIndex..<second])
        }

        /// Points unversioned refs of versioned models at `latest_version`, else the highest.
        mutating func resolveLatest(_ versionedNodes: [Node]) {
            var declared: [String: String] = [:]
            for node in versionedNodes {
                if let latest = node.properties["latest_version"]?.scalarText { declared[node.name] = latest }
            }
            for (name, versionMap) in versioned {
                let latest = declared[name].flatMap { versionMap[$0] }
                    ?? versionMap.max(by: { Self.versionLess($0.key, $1.key) })?.value
                if let latest { byName[name] = latest }
            }
            for (key, versionMap) in qualifiedVersioned {
                let name = String(key[key.index(after: key.firstIndex(of: ".") ?? key.startIndex)...])
                let latest = declared[name].flatMap { versionMap[$0] }
                    ?? versionMap.max(by: { Self.versionLess($0.key, $1.key) })?.value
                if let latest { qualified[key] = latest }
            }
        }

        func resolve(name: String, version: String?) -> String? {
            if let version {
                let v = version.hasPrefix("v") ? String(version.dropFirst()) : version
                return versioned[name]?[v]
            }
            return byName[name]
        }

        /// `ref('package', 'name')`: the node of that name in that package.
        func resolve(package: String, name: String, version: String?) -> String? {
            let key = "\(package).\(name)"
            if let version {
                let v = version.hasPrefix("v") ? String(version.dropFirst()) : version
                return qualifiedVersioned[key]?[v]
            }
            return qualified[key]
        }

        static func versionLess(_ a: String, _ b: String) -> Bool {
            if let x = Double(a), let y = Double(b) { return x < y }
            return a < b
        }
    }
}

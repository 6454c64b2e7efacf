import GitKit

/// How a node's references become edges and macro dependencies: refs (plain, versioned,
/// package-qualified, through macro parameters and loop lists), sources, macro calls resolved
/// through `adapter.dispatch`, hooks, and the configs dbt renders.
extension ProjectLoader {
    /// Resolves a node's refs, sources and macro calls; returns its unresolvable references.
    static func resolveReferences(
        of node: inout Node, scan fileScan: ReferenceScan, index: RefIndex, nodes: [String: Node],
        macros: MacroResolver, context: RenderContext
    ) -> [DbtProject.UnresolvedReference] {
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
            let parent = index.sourceParent(own: own, suffix: suffix, table: s.table, nodes: nodes)
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
                let parent =
                    if let package = ref.package, package != project {
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
                if index.exists(parent, table: s.table, nodes: nodes), !parents.contains(parent) { parents.append(parent) }
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
                let value = ConfigExpression.evaluate(expression, in: context)
            else { continue }
            pairs[index].value = value
        }
        return .map(pairs)
    }

    /// What the loader renders with: the project's vars and the adapter as `target.type`. Not the
    /// environment or the target's name: a loaded project is cached by its tree alone.
    static func renderContext(config: ProjectConfig, adapter: String?, root: ProjectConfig? = nil) -> RenderContext {
        RenderContext(
            variable: { name in root?.variable(name, scope: config.name) ?? config.variable(name) }, environment: nil,
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
                if parts.count == 1 { add("macro.\(project).\(call)") } else { add("macro.\(parts[0]).\(parts[1])") }
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
        /// Where names are looked up instead, for a project read through its cache's lookup
        /// section (its nodes are not all at hand).
        var lookup: ProjectLookup? = nil

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
            /// `latest_version`, else the highest version.
            func latest(_ name: String, _ versionMap: [String: String]) -> String? {
                declared[name].flatMap { versionMap[$0] } ?? versionMap.max(by: { Self.versionLess($0.key, $1.key) })?.value
            }
            for (name, versionMap) in versioned {
                if let id = latest(name, versionMap) { byName[name] = id }
            }
            for (key, versionMap) in qualifiedVersioned {
                // `package.name`
                if let id = latest(String(key[key.index(after: key.firstIndex(of: ".") ?? key.startIndex)...]), versionMap) { qualified[key] = id }
            }
        }

        func resolve(name: String, version: String?) -> String? {
            if let lookup { return lookup.refIndex(named: name).resolve(name: name, version: version) }
            if let version {
                let v = version.hasPrefix("v") ? String(version.dropFirst()) : version
                return versioned[name]?[v]
            }
            return byName[name]
        }

        /// `ref('package', 'name')`: the node of that name in that package.
        func resolve(package: String, name: String, version: String?) -> String? {
            if let lookup { return lookup.refIndex(named: name).resolve(package: package, name: name, version: version) }
            let key = "\(package).\(name)"
            if let version {
                let v = version.hasPrefix("v") ? String(version.dropFirst()) : version
                return qualifiedVersioned[key]?[v]
            }
            return qualified[key]
        }

        /// The node `source('<source>', '<table>')` names: the project's own (`own`), else the
        /// first by id of the packages' (ids ending in `suffix`).
        func sourceParent(own: String, suffix: String, table: String, nodes: [String: Node]) -> String? {
            if let lookup {
                let ids = lookup.ids(keyed: String(ProjectIndex.lastComponent(table)))
                return ids.contains(own) ? own : ids.filter { $0.hasPrefix("source.") && $0.hasSuffix(suffix) }.min()
            }
            return nodes[own] != nil ? own : nodes.keys.filter { $0.hasPrefix("source.") && $0.hasSuffix(suffix) }.min()
        }

        /// Whether the source `id` (of table `table`) exists.
        func exists(_ id: String, table: String, nodes: [String: Node]) -> Bool {
            if let lookup { return lookup.ids(keyed: String(ProjectIndex.lastComponent(table))).contains(id) }
            return nodes[id] != nil
        }

        static func versionLess(_ a: String, _ b: String) -> Bool {
            if let x = Double(a), let y = Double(b) { return x < y }
            return a < b
        }
    }
}

/// What `dbt_project.yml` says: name, resource paths, vars and folder configs.
public struct ProjectConfig: Sendable {
    /// The project name (`name:`).
    public var name: String
    /// The profile the project uses (`profile:`), if any.
    public var profile: String?
    /// Folders (relative to the project) holding models.
    public var modelPaths: [String]
    /// Folders holding seeds.
    public var seedPaths: [String]
    /// Folders holding macros.
    public var macroPaths: [String]
    /// Folders holding snapshots.
    public var snapshotPaths: [String]
    /// Folders holding analyses.
    public var analysisPaths: [String]
    /// Folders holding singular tests and generic test definitions.
    public var testPaths: [String]
    /// `vars:` as written.
    public var vars: Value
    /// The config tree under `models:`, `seeds:`, `snapshots:`, `sources:`, `exposures:`, `tests:`/`data_tests:`.
    public var resourceConfigs: [String: Value]
    /// `dispatch:` entries: namespace → search order.
    public var dispatch: [String: [String]]
    /// The parsed file this was read from.
    public let source: Value
    /// Its path, relative to the repository root.
    public let sourceFile: String

    /// Reads a parsed `dbt_project.yml`.
    public init(yaml: Value, file: String) throws {
        guard case .map = yaml else {
            throw LineageError.invalidProject(file: file, message: "expected a mapping at the top of dbt_project.yml")
        }
        guard let name = yaml["name"]?.scalarText, !name.isEmpty else {
            throw LineageError.invalidProject(file: file, message: "missing `name:` (dbt requires a project name)")
        }
        self.name = name
        self.source = yaml
        self.sourceFile = file
        self.profile = yaml["profile"]?.scalarText
        func paths(_ key: String, _ fallback: [String]) -> [String] {
            guard let value = yaml[key] else { return fallback }
            let list = Value.asList(value).compactMap(\.scalarText).map(Self.normalise)
            return list
        }
        modelPaths = paths("model-paths", ["models"])
        seedPaths = paths("seed-paths", ["seeds"])
        macroPaths = paths("macro-paths", ["macros"])
        snapshotPaths = paths("snapshot-paths", ["snapshots"])
        analysisPaths = paths("analysis-paths", ["analyses"])
        testPaths = paths("test-paths", ["tests"])
        vars = yaml["vars"] ?? .map([])
        var configs: [String: Value] = [:]
        for key in ["models", "seeds", "snapshots", "sources", "exposures", "tests", "data_tests", "unit_tests"] {
            if let value = yaml[key] { configs[key] = value }
        }
        resourceConfigs = configs
        var dispatch: [String: [String]] = [:]
        for entry in Value.asList(yaml["dispatch"] ?? .null) {
            if let ns = entry["macro_namespace"]?.scalarText {
                dispatch[ns] = Value.asList(entry["search_order"] ?? .null).compactMap(\.scalarText)
            }
        }
        self.dispatch = dispatch
    }

    static func normalise(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        while p.hasSuffix("/") { p.removeLast() }
        return p
    }

    /// The unrendered config that `dbt_project.yml` applies to a node with this fqn, most specific
    /// level last (dbt's precedence).
    public func projectConfig(resource: String, fqn: [String]) -> Value {
        let keys = resource == "data_tests" ? ["tests", "data_tests"] : [resource]
        return keys.reduce(Value.map([])) { result, key in
            result.mergingConfig(walk(resource: key, fqn: fqn[...]).merged)
        }
    }

    /// The merged config along `fqn` and the tree level it ends at (nil when the tree stops
    /// earlier), for one resource key: dbt's `fqn_search` (the top level's `+key` configs apply
    /// to every package, then one level per fqn part). Lets a caller reuse a folder's result.
    func walk(resource: String, fqn: ArraySlice<String>) -> (merged: Value, level: Value?) {
        guard let tree = resourceConfigs[resource] else { return (.map([]), nil) }
        var result = Self.configs(at: tree)
        var level = tree
        for part in fqn {
            guard let next = level[part], case .map = next else { return (result, nil) }
            level = next
            result = result.mergingConfig(Self.configs(at: level))
        }
        return (result, level)
    }

    /// The config entries at one level of the tree (keys with `+`, or known config names with
    /// a non-mapping value).
    static func configs(at level: Value) -> Value {
        guard let pairs = level.pairs else { return .map([]) }
        var out: [(key: String, value: Value)] = []
        for pair in pairs where isConfigKey(pair.key, pair.value) {
            let key = pair.key.hasPrefix("+") ? String(pair.key.dropFirst()) : pair.key
            out.append((key, pair.value))
        }
        return .map(out)
    }

    static func isConfigKey(_ key: String, _ value: Value) -> Bool {
        if key.hasPrefix("+") { return true }
        // dbt's `fqn_search`: a mapping without `+` is always a folder level.
        if case .map = value { return false }
        return true
    }

    /// The value of a variable as a node of `package` sees it when this is the root project:
    /// the root's vars scoped to the package, then its global vars (dbt's precedence).
    public func variable(_ name: String, scope package: String) -> Value? {
        if let scoped = vars[package], case .map = scoped, let value = scoped[name] { return value }
        return vars[name]
    }

    /// The value of a variable as this project sees it: project-scoped first, then global.
    public func variable(_ name: String) -> Value? {
        if let scoped = vars[self.name], case .map = scoped, let value = scoped[name] { return value }
        if let value = vars[name] {
            return value
        }
        return nil
    }
}

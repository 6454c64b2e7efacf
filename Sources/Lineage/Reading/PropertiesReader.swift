/// Reads dbt's YAML property files: models (with versions), seeds, snapshots, sources, exposures,
/// and unit tests.
struct PropertiesReader {
    struct TestSpec: Hashable {
        var kind: String
        var column: String?
    }

    struct ModelPatch {
        var name: String
        var file: String
        var description: String
        var columns: [Column]
        var config: Value
        var testSpecs: [TestSpec]
        var versions: [VersionPatch]
        var latestVersion: String?
        var deprecationDate: Value?
        /// For YAML-defined snapshots: `relation:`.
        var relation: String?
        /// Model-level `constraints:` (part of an enforced contract on tables and incrementals).
        var constraints: Value = .null

        func tests(attachedTo id: String, model: String) -> [AttachedTest] {
            testSpecs.map { spec in
                AttachedTest(
                    name: [spec.kind, model, spec.column].compactMap { $0 }.joined(separator: "_"),
                    kind: spec.kind, column: spec.column, attachedTo: id)
            }
        }
    }

    struct VersionPatch {
        var version: String
        var definedIn: String?
        var config: Value
        var deprecationDate: Value?
        var description: String?
        var columns: [Column]?
        var constraints: Value?
    }

    struct SourceTable {
        var source: String
        var name: String
        var file: String
        var description: String
        var columns: [Column]
        var config: Value
        var compared: [String: Value]
        var tests: [AttachedTest]
    }

    struct ExposureSpec {
        var name: String
        var file: String
        var description: String
        var config: Value
        var compared: [String: Value]
        var dependsOn: ReferenceScan
    }

    struct UnitTestSpec {
        var name: String
        var model: String
    }

    let project: String
    var models: [String: ModelPatch] = [:]
    var seeds: [String: ModelPatch] = [:]
    var snapshots: [String: ModelPatch] = [:]
    var sources: [SourceTable] = []
    var exposures: [ExposureSpec] = []
    var unitTests: [UnitTestSpec] = []
    /// Versioned model name → version whose file stem it is.
    private var versionStems: [String: (model: String, version: String)] = [:]

    init(project: String, files: [(path: String, value: Value)]) {
        self.project = project
        for (path, document) in files {
            for item in Value.asList(document["models"] ?? .null) {
                guard let patch = Self.patch(item, file: path) else { continue }
                models[patch.name] = patch
                for v in patch.versions {
                    versionStems[v.definedIn ?? "\(patch.name)_v\(v.version)"] = (patch.name, v.version)
                }
            }
            for item in Value.asList(document["seeds"] ?? .null) {
                if let patch = Self.patch(item, file: path) { seeds[patch.name] = patch }
            }
            for item in Value.asList(document["snapshots"] ?? .null) {
                if var patch = Self.patch(item, file: path) {
                    patch.relation = item["relation"]?.scalarText
                    snapshots[patch.name] = patch
                }
            }
            for item in Value.asList(document["sources"] ?? .null) {
                sources += Self.sourceTables(item, file: path, project: project)
            }
            for item in Value.asList(document["exposures"] ?? .null) {
                if let exposure = Self.exposure(item, file: path) { exposures.append(exposure) }
            }
            for item in Value.asList(document["unit_tests"] ?? .null) {
                if let name = item["name"]?.scalarText, let model = item["model"]?.scalarText {
                    unitTests.append(UnitTestSpec(name: name, model: model))
                }
            }
        }
    }

    func versionedModel(forFileStem stem: String) -> (ModelPatch, VersionPatch)? {
        guard let hit = versionStems[stem], let patch = models[hit.model],
            let version = patch.versions.first(where: { $0.version == hit.version })
        else { return nil }
        return (patch, version)
    }

    // MARK: - Readers

    static func patch(_ item: Value, file: String) -> ModelPatch? {
        guard let name = item["name"]?.scalarText else { return nil }
        let columns = Self.columns(item["columns"])
        var specs = Self.testSpecs(item["data_tests"] ?? item["tests"], column: nil)
        for column in Value.asList(item["columns"] ?? .null) {
            specs += Self.testSpecs(column["data_tests"] ?? column["tests"], column: column["name"]?.scalarText)
        }
        var config = item["config"] ?? .map([])
        if case .null = config { config = .map([]) }
        // dbt 1.10+ moves these top-level properties into config (schemas.py normalize_*_attribute).
        for key in ["meta", "docs", "group", "contract", "access"] {
            if let value = item[key] { config = config.mergingConfig(.map([(key, value)])) }
        }
        var versions: [VersionPatch] = []
        for v in Value.asList(item["versions"] ?? .null) {
            guard let version = v["v"]?.scalarText else { continue }
            var vConfig = v["config"] ?? .map([])
            if case .null = vConfig { vConfig = .map([]) }
            for key in ["meta", "docs", "group", "contract", "access"] {
                if let value = v[key] { vConfig = vConfig.mergingConfig(.map([(key, value)])) }
            }
            versions.append(
                VersionPatch(
                    version: version, definedIn: v["defined_in"]?.scalarText, config: vConfig,
                    deprecationDate: v["deprecation_date"],
                    description: v["description"]?.scalarText,
                    columns: v["columns"].map { Self.columns($0) }, constraints: v["constraints"]))
        }
        return ModelPatch(
            name: name, file: file, description: item["description"]?.scalarText ?? "",
            columns: columns, config: config, testSpecs: specs, versions: versions,
            latestVersion: item["latest_version"]?.scalarText, deprecationDate: item["deprecation_date"],
            relation: nil, constraints: item["constraints"] ?? .null)
    }

    static func columns(_ value: Value?) -> [Column] {
        Value.asList(value ?? .null).compactMap { column in
            guard let name = column["name"]?.scalarText else { return nil }
            return Column(
                name: name, description: column["description"]?.scalarText ?? "",
                dataType: column["data_type"]?.scalarText, constraints: column["constraints"] ?? .null)
        }
    }

    static func testSpecs(_ value: Value?, column: String?) -> [TestSpec] {
        Value.asList(value ?? .null).compactMap { test in
            if let name = test.scalarText { return TestSpec(kind: name, column: column) }
            if let pairs = test.pairs {
                if let testName = test["test_name"]?.scalarText { return TestSpec(kind: testName, column: column) }
                if let first = pairs.first(where: { $0.key != "name" && $0.key != "config" }) {
                    return TestSpec(kind: first.key, column: column)
                }
            }
            return nil
        }
    }

    static func sourceTables(_ source: Value, file: String, project: String) -> [SourceTable] {
        guard let sourceName = source["name"]?.scalarText else { return [] }
        var sourceConfig = source["config"] ?? .map([])
        if case .null = sourceConfig { sourceConfig = .map([]) }
        return Value.asList(source["tables"] ?? .null).compactMap { table in
            guard let name = table["name"]?.scalarText else { return nil }
            var tableConfig = table["config"] ?? .map([])
            if case .null = tableConfig { tableConfig = .map([]) }
            var config = sourceConfig.mergingConfig(tableConfig)
            // dbt merges meta and tags of source, table and their configs into the table's config
            // (sources.py calculate_meta_from_raw_target / calculate_tags_from_raw_target).
            var meta: [(key: String, value: Value)] = []
            for layer in [source["meta"], sourceConfig["meta"], table["meta"], tableConfig["meta"]] {
                for pair in layer?.pairs ?? [] {
                    meta.removeAll { $0.key == pair.key }
                    meta.append(pair)
                }
            }
            if !meta.isEmpty { config = config.mergingConfig(.map([("meta", .map(meta))])) }
            var tags = Set<String>()
            for layer in [source["tags"], sourceConfig["tags"], table["tags"], tableConfig["tags"]] {
                for tag in Value.asList(layer ?? .null) { if let t = tag.scalarText { tags.insert(t) } }
            }
            // Freshness and loaded_at_field are compared once, as dbt settles them across the
            // layers (below): where they are written (top level or `config:`) is no change.
            config = config.removing(["tags", "freshness", "loaded_at_field"])
            if !tags.isEmpty { config = config.mergingConfig(.map([("tags", .list(tags.sorted().map { .string($0) }))])) }
            var compared: [String: Value] = [:]
            compared["database"] = source["database"] ?? .null
            compared["schema"] = source["schema"] ?? .string(sourceName)
            compared["identifier"] = table["identifier"] ?? .string(name)
            compared["quoting"] = (source["quoting"] ?? .map([])).mergingConfig(table["quoting"] ?? .map([]))
            compared["freshness"] = SourceFreshness.merged(
                source: source["freshness"], sourceConfig: sourceConfig["freshness"],
                table: table["freshness"], tableConfig: tableConfig["freshness"])
            compared["loaded_at_field"] =
                table["loaded_at_field"] ?? tableConfig["loaded_at_field"]
                ?? source["loaded_at_field"] ?? sourceConfig["loaded_at_field"] ?? .null
            compared["external"] = table["external"] ?? .null
            var specs = testSpecs(table["data_tests"] ?? table["tests"], column: nil)
            for column in Value.asList(table["columns"] ?? .null) {
                specs += testSpecs(column["data_tests"] ?? column["tests"], column: column["name"]?.scalarText)
            }
            let id = "source.\(project).\(sourceName).\(name)"
            let tests = specs.map { spec in
                AttachedTest(
                    name: ["source", spec.kind, sourceName, name, spec.column].compactMap { $0 }.joined(separator: "_"),
                    kind: spec.kind, column: spec.column, attachedTo: id)
            }
            return SourceTable(
                source: sourceName, name: name, file: file,
                description: table["description"]?.scalarText ?? "", columns: columns(table["columns"]),
                config: config, compared: compared, tests: tests)
        }
    }

    static func exposure(_ item: Value, file: String) -> ExposureSpec? {
        guard let name = item["name"]?.scalarText else { return nil }
        var scan = ReferenceScan()
        for dependency in Value.asList(item["depends_on"] ?? .null) {
            guard let text = dependency.scalarText else { continue }
            scan.merge(TemplateScanner.scanTemplate(Array("{{ \(text) }}".utf8)).scan)
        }
        var compared: [String: Value] = [:]
        for key in ["description", "label", "maturity", "owner", "type", "url"] {
            compared[key] = item[key] ?? .null
        }
        var config = item["config"] ?? .map([])
        if case .null = config { config = .map([]) }
        return ExposureSpec(
            name: name, file: file, description: item["description"]?.scalarText ?? "",
            config: config, compared: compared, dependsOn: scan)
    }
}

/// A source table's freshness as dbt 1.11 settles it (`calculate_freshness_from_raw_target` and
/// `merge_source_freshness`): source, source config, table and table config merged pairwise,
/// an explicit null turning freshness off, and a threshold with no complete `warn_after` or
/// `error_after` standing for "none set here" (dbt drops it from the node's config).
enum SourceFreshness {
    struct Time: Equatable {
        var count: Value = .null
        var period: Value = .null
        /// Python's `bool(Time)`: both parts set.
        var isSet: Bool { count != .null && period != .null }
    }

    struct Threshold: Equatable {
        var warn: Time? = Time()
        var error: Time? = Time()
        var filter: Value = .null
        var isSet: Bool { (warn?.isSet ?? false) || (error?.isSet ?? false) }
    }

    /// `FreshnessThreshold.from_dict` of a property value: absent is the default threshold,
    /// an explicit null is none.
    static func threshold(_ value: Value?) -> Threshold? {
        guard let value else { return Threshold() }
        guard case .map = value else { return value == .null ? nil : Threshold() }
        func time(_ key: String) -> Time? {
            guard let raw = value[key] else { return Time() }
            if raw == .null { return nil }
            return Time(count: raw["count"] ?? .null, period: raw["period"] ?? .null)
        }
        return Threshold(warn: time("warn_after"), error: time("error_after"), filter: value["filter"] ?? .null)
    }

    /// `merge_freshness_time_thresholds`.
    static func mergeTime(_ base: Time?, _ update: Time?) -> Time? {
        if let base, let update, base.isSet, update.isSet {
            return Time(
                count: update.count != .null ? update.count : base.count,
                period: update.period != .null ? update.period : base.period)
        }
        guard let update else { return nil }
        return update.isSet ? update : base
    }

    /// The merged freshness as compared: a map when set, `.null` when turned off, and the
    /// string `default` when nothing here sets it.
    static func merged(source: Value?, sourceConfig: Value?, table: Value?, tableConfig: Value?) -> Value {
        let layers = [threshold(source), threshold(sourceConfig), threshold(table), threshold(tableConfig)]
        var current = layers[0]
        for update in layers.dropFirst() {
            if let base = current, let update {
                current = Threshold(
                    warn: mergeTime(base.warn, update.warn), error: mergeTime(base.error, update.error),
                    filter: update.filter != .null ? update.filter : base.filter)
            } else if current == nil, let update, update.isSet {
                current = update
            } else {
                current = nil
            }
        }
        guard let result = current else { return .null }
        guard result.isSet else { return .string("default") }
        func time(_ t: Time?) -> Value {
            guard let t else { return .null }
            return .map([("count", t.count), ("period", t.period)])
        }
        return .map([("warn_after", time(result.warn)), ("error_after", time(result.error)), ("filter", result.filter)])
    }
}

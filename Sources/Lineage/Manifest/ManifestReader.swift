import Foundation

/// Reads dbt's `manifest.json` (schema v12, dbt-core 1.8 to 1.11) into a `DbtProject`, decoding
/// only the fields the change classifier and the graph use.
///
/// What dbt compares comes straight from the manifest: `raw_code` (seeds: `checksum`),
/// `unrendered_config`, `fqn`, `depends_on`, descriptions, columns, the contract checksum, source
/// and exposure fields, and macros with their own `depends_on.macros`. Package nodes and package
/// macros are included: they are what a reading from git cannot see.
public enum ManifestReader {
    /// The manifest schema version this reader understands.
    public static let supportedSchema = "v12"

    /// Keys of a node's rendered `config` that the engine reads (materialisation, docs
    /// persistence, contract, access); kept under `Node.properties["rendered_config"]`.
    static let renderedConfigKeys = JSONKeyTable<Void>(["materialized": (), "persist_docs": (), "contract": (), "access": ()])

    /// Reads the manifest at `path` (memory-mapped); `file` names it in errors.
    public static func read(path: String, file: String? = nil) throws -> DbtProject {
        let name = file ?? path
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw LineageError.notAManifest(file: name, reason: "cannot read it: \((error as NSError).localizedDescription)")
        }
        return try read(data: data, file: name)
    }

    /// Reads a manifest from bytes; `file` names it in errors.
    public static func read(data: Data, file: String) throws -> DbtProject {
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var reader = Reader(file: file)
            var scanner = JSONScanner(bytes)
            do {
                guard scanner.peek() == UInt8(ascii: "{") else {
                    throw LineageError.notAManifest(file: file, reason: "it is not a JSON object")
                }
                try reader.readTop(&scanner)
            } catch let failure as JSONScanner.Failure {
                throw LineageError.notAManifest(file: file, reason: "invalid JSON at byte \(failure.offset): expected \(failure.expected)")
            }
            return try reader.finish()
        }
    }

    /// The fields of one manifest entry (node, source or exposure) that the engine uses.
    struct Entry {
        var uniqueID = "", resourceType = "", name = "", packageName = "", path = ""
        var version: String?
        var patchPath: String?
        var fqn: [String] = []
        var description = ""
        var columns: [Column] = []
        var parents: [String] = []
        var macros: [String] = []
        var rawCode = ""
        var checksum: String?
        var renderedConfig: [(key: String, value: Value)] = []
        var unrenderedConfig: Value = .map([])
        var properties: [String: Value] = [:]
        var contractChecksum: String?
        var attachedNode: String?
        var testKind: String?
        var columnName: String?
        var sourceName: String?
        var model: String?
    }

    /// Walks the top level of the manifest and collects entries.
    struct Reader {
        let file: String
        var schema: String?
        var projectName: String?
        var dbtVersion: String?
        var adapter: String?
        var nodes: [String: Node] = [:]
        var tests: [Entry] = []
        var macros: [String: Macro] = [:]

        init(file: String) { self.file = file }

        mutating func readTop(_ scanner: inout JSONScanner) throws {
            try scanner.object { scanner, key in
                switch key.string {
                case "metadata": try readMetadata(&scanner)
                case "nodes", "sources", "exposures", "unit_tests":
                    try checkSchema()
                    try scanner.object { scanner, _ in
                        let entry = try Self.readEntry(&scanner)
                        add(entry)
                    }
                case "macros":
                    try checkSchema()
                    try scanner.object { scanner, _ in
                        let macro = try Self.readMacro(&scanner)
                        macros[macro.uniqueID] = macro
                    }
                default: try scanner.skipValue()
                }
            }
        }

        mutating func readMetadata(_ scanner: inout JSONScanner) throws {
            try scanner.object { scanner, key in
                switch key.string {
                case "dbt_schema_version": schema = try scanner.optionalString()
                case "project_name": projectName = try scanner.optionalString()
                case "dbt_version": dbtVersion = try scanner.optionalString()
                case "adapter_type": adapter = try scanner.optionalString()
                default: try scanner.skipValue()
                }
            }
            try checkSchema()
        }

        /// Fails unless the metadata named a supported schema (metadata comes first in dbt's files).
        func checkSchema() throws {
            guard let schema else {
                throw LineageError.notAManifest(file: file, reason: "no metadata.dbt_schema_version before the nodes")
            }
            guard schema.contains("/manifest/") else {
                throw LineageError.notAManifest(file: file, reason: "its schema is \(schema), not a manifest")
            }
            let version = schema.split(separator: "/").last.map { String($0.dropLast($0.hasSuffix(".json") ? 5 : 0)) } ?? schema
            guard version == supportedSchema else {
                throw LineageError.unsupportedManifest(file: file, version: version)
            }
        }

        mutating func add(_ entry: Entry) {
            guard let type = ResourceType(rawValue: entry.resourceType) else { return }
            switch type {
            case .model, .seed, .snapshot, .source, .exposure:
                nodes[entry.uniqueID] = ManifestReader.node(entry, type: type)
            case .test, .unitTest:
                tests.append(entry)
            case .analysis:
                return // not modelled (source mode reads none either)
            }
        }

        /// The project; takes the nodes out of the reader (no copy of thousands of nodes).
        mutating func finish() throws -> DbtProject {
            guard let projectName, !projectName.isEmpty else {
                throw LineageError.notAManifest(file: file, reason: "no metadata.project_name")
            }
            var nodes: [String: Node] = [:]
            swap(&nodes, &self.nodes)
            for test in tests {
                let target: String?
                if test.resourceType == "unit_test" {
                    target = test.parents.first
                } else {
                    target = test.attachedNode ?? test.parents.first(where: { nodes[$0] != nil })
                }
                guard let target, nodes[target] != nil else { continue }
                let kind = test.resourceType == "unit_test" ? "unit_test" : (test.testKind ?? "singular")
                nodes[target]?.tests.append(AttachedTest(name: test.name, kind: kind, column: test.columnName, attachedTo: target))
            }
            var yaml: [(key: String, value: Value)] = [("name", .string(projectName))]
            if let dbtVersion { yaml.append(("dbt_version", .string(dbtVersion))) }
            if let adapter { yaml.append(("adapter_type", .string(adapter))) }
            let config = try ProjectConfig(yaml: .map(yaml), file: file)
            return DbtProject(
                root: "", config: config, nodes: nodes, macros: macros, docs: [:], unresolved: [],
                children: DbtProject.children(of: nodes))
        }

        /// The entry fields the reader decodes; one dictionary lookup per key instead of a
        /// string comparison per `case` (a manifest has millions of keys).
        enum Field: Sendable {
            case uniqueID, resourceType, name, packageName, path, patchPath, version, fqn, description, rawCode
            case columns, dependsOn, checksum, config, unrenderedConfig, contract, refProperty, property
            case attachedNode, columnName, sourceName, model, testMetadata
        }

        static let fields = JSONKeyTable<Field>([
            "unique_id": .uniqueID, "resource_type": .resourceType, "name": .name, "package_name": .packageName,
            "original_file_path": .path, "patch_path": .patchPath, "version": .version, "fqn": .fqn,
            "description": .description, "raw_code": .rawCode, "columns": .columns, "depends_on": .dependsOn,
            "checksum": .checksum, "config": .config, "unrendered_config": .unrenderedConfig, "contract": .contract,
            "latest_version": .refProperty, "deprecation_date": .refProperty,
            "database": .property, "schema": .property, "identifier": .property, "quoting": .property,
            "freshness": .property, "loaded_at_field": .property, "loaded_at_query": .property, "external": .property,
            "label": .property, "maturity": .property, "owner": .property, "type": .property, "url": .property,
            "attached_node": .attachedNode, "column_name": .columnName, "source_name": .sourceName, "model": .model,
            "test_metadata": .testMetadata,
        ])

        static func readEntry(_ scanner: inout JSONScanner) throws -> Entry {
            var e = Entry()
            try scanner.object { s, key in
                guard let field = fields[key] else { return try s.skipValue() }
                switch field {
                case .uniqueID: e.uniqueID = try s.string()
                case .resourceType: e.resourceType = try s.string()
                case .name: e.name = try s.string()
                case .packageName: e.packageName = try s.string()
                case .path: e.path = try s.string()
                case .patchPath: e.patchPath = try s.optionalString()
                case .version: e.version = try s.scalarText()
                case .fqn: e.fqn = try s.strings()
                case .description: e.description = try s.optionalString() ?? ""
                case .rawCode: e.rawCode = try s.optionalString() ?? ""
                case .columns: e.columns = try readColumns(&s)
                case .dependsOn:
                    try s.object { s, key in
                        if key.is("nodes") { e.parents = try s.strings() } else if key.is("macros") { e.macros = try s.strings() } else { try s.skipValue() }
                    }
                case .checksum:
                    var name = "", sum = ""
                    if s.skipNull() { break }
                    try s.object { s, key in
                        if key.is("name") {
                            name = try s.optionalString() ?? ""
                        } else if key.is("checksum") {
                            sum = try s.optionalString() ?? ""
                        } else {
                            try s.skipValue()
                        }
                    }
                    e.checksum = name + ":" + sum
                case .config:
                    if s.skipNull() { break }
                    try s.object { s, key in
                        if renderedConfigKeys[key] != nil { e.renderedConfig.append((key.string, try s.value())) } else { try s.skipValue() }
                    }
                case .unrenderedConfig: e.unrenderedConfig = try s.value()
                case .contract:
                    if s.skipNull() { break }
                    try s.object { s, key in
                        if key.is("checksum") { e.contractChecksum = try s.optionalString() } else { try s.skipValue() }
                    }
                case .refProperty:
                    let value = try s.value()
                    e.properties[key.string] = value.scalarText.map { .string($0) } ?? value
                case .property: e.properties[key.string] = try s.value()
                case .attachedNode: e.attachedNode = try s.optionalString()
                case .columnName: e.columnName = try s.optionalString()
                case .sourceName: e.sourceName = try s.optionalString()
                case .model: e.model = try s.optionalString()
                case .testMetadata:
                    if s.skipNull() { break }
                    try s.object { s, key in
                        if key.is("name") { e.testKind = try s.optionalString() } else { try s.skipValue() }
                    }
                }
            }
            return e
        }

        static func readColumns(_ scanner: inout JSONScanner) throws -> [Column] {
            var columns: [Column] = []
            if scanner.skipNull() { return [] }
            try scanner.object { s, key in
                var column = Column(name: key.string, description: "", dataType: nil)
                try s.object { s, field in
                    if field.is("name") {
                        column.name = try s.optionalString() ?? column.name
                    } else if field.is("description") {
                        column.description = try s.optionalString() ?? ""
                    } else if field.is("data_type") {
                        column.dataType = try s.scalarText()
                    } else {
                        try s.skipValue()
                    }
                }
                columns.append(column)
            }
            return columns
        }

        static func readMacro(_ scanner: inout JSONScanner) throws -> Macro {
            var macro = Macro(uniqueID: "", name: "", path: "", line: 1, text: "", calls: [], dispatches: [], vars: [])
            try scanner.object { s, key in
                if key.is("unique_id") {
                    macro.uniqueID = try s.string()
                } else if key.is("name") {
                    macro.name = try s.string()
                } else if key.is("original_file_path") {
                    macro.path = try s.string()
                } else if key.is("macro_sql") {
                    macro.text = try s.optionalString() ?? ""
                } else if key.is("depends_on") {
                    try s.object { s, key in
                        if key.is("macros") { macro.calls = try s.strings() } else { try s.skipValue() }
                    }
                } else {
                    try s.skipValue()
                }
            }
            return macro
        }
    }

    /// The engine's node for a manifest entry.
    static func node(_ e: Entry, type: ResourceType) -> Node {
        let layer: String
        switch type {
        case .seed: layer = "seeds"
        case .snapshot: layer = "snapshots"
        case .source: layer = "sources"
        case .exposure: layer = "exposures"
        default:
            // fqn = [package, folders…, name] (+ "vN" for a versioned model): the first folder.
            let folders = e.fqn.count - (e.version == nil ? 1 : 2)
            layer = folders > 1 ? e.fqn[1] : "other"
        }
        var node = Node(
            uniqueID: e.uniqueID, resourceType: type, name: e.name, version: e.version, path: e.path,
            propertiesPath: e.patchPath.map(stripScheme), fqn: e.fqn, layer: layer)
        node.parents = e.parents
        var details = node.details
        details.bodyKey = type == .seed ? (e.checksum ?? "") : e.rawCode
        details.config = e.unrenderedConfig
        details.inheritedConfig = e.unrenderedConfig
        details.description = e.description
        details.columns = e.columns
        details.macroDependencies = e.macros
        var properties = e.properties
        switch type {
        case .model:
            properties = properties.filter { $0.key == "latest_version" || $0.key == "deprecation_date" }
            if let checksum = e.contractChecksum { properties["contract_checksum"] = .string(checksum) }
        case .source:
            properties["label"] = nil; properties["maturity"] = nil; properties["owner"] = nil
            properties["type"] = nil; properties["url"] = nil
        case .exposure:
            properties = properties.filter { ["label", "maturity", "owner", "type", "url"].contains($0.key) }
            properties["description"] = .string(e.description)
        default:
            properties = [:]
        }
        if !e.renderedConfig.isEmpty { properties["rendered_config"] = .map(e.renderedConfig) }
        details.properties = properties
        node.details = details
        return node
    }

    /// `project://models/schema.yml` → `models/schema.yml`.
    static func stripScheme(_ path: String) -> String {
        guard let range = path.range(of: "://") else { return path }
        return String(path[range.upperBound...])
    }
}

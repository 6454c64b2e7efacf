/// The kind of a dbt node, named as dbt names it in `resource_type`.
public enum ResourceType: String, Sendable, Hashable, Codable, CaseIterable {
    case model, seed, snapshot, source, exposure, test, analysis
    case unitTest = "unit_test"
}

/// A column as YAML properties describe it.
public struct Column: Sendable, Hashable {
    /// The column name.
    public var name: String
    /// Its description (may hold `doc()` calls, unrendered).
    public var description: String
    /// The declared `data_type`, if any.
    public var dataType: String?
    /// The declared `constraints` (part of an enforced contract), null when none.
    public var constraints: Value = .null
}

/// A generic or unit test attached to a node.
public struct AttachedTest: Sendable, Hashable {
    /// The test's name as dbt would list it (approximated for long names).
    public var name: String
    /// The test macro (`not_null`, `relationships`, …) or `unit_test`.
    public var kind: String
    /// The column it checks, if any.
    public var column: String?
    /// The node it is attached to.
    public var attachedTo: String
}

/// What dbt compares of a node beyond its identity and edges. Kept apart so that a project
/// loaded from the project cache decodes it only for the nodes a run looks at.
public struct NodeDetails: Sendable, Hashable {
    /// The YAML file that describes the node, relative to the repository root.
    public var propertiesPath: String?
    /// The line where it is defined (YAML-defined nodes and blocks).
    public var line: Int?
    /// dbt's fqn.
    public var fqn: [String] = []
    /// What dbt compares as `raw_code` (or a seed's checksum).
    public var bodyKey: String = ""
    /// The merged unrendered config.
    public var config: Value = .map([])
    /// The config before the file's own `config()` call (project and YAML levels): what an edit
    /// of the file alone is merged onto.
    public var inheritedConfig: Value = .map([])
    /// The description.
    public var description: String = ""
    /// Documented columns.
    public var columns: [Column] = []
    /// Macros the node calls directly, as macro unique ids.
    public var macroDependencies: [String] = []
    /// Variables the node reads.
    public var vars: [String] = []
    /// Fields compared for sources, exposures and versioned models (freshness, owner, …).
    public var properties: [String: Value] = [:]
    /// Tests attached to this node.
    public var tests: [AttachedTest] = []
    /// References of this node that name nothing in the project (packages, typos).
    public var unknownReferences: [String] = []
}

/// One dbt node of a project at one revision, with everything dbt compares for `state:modified`.
public struct Node: Sendable, Hashable {
    /// dbt's `unique_id`.
    public var uniqueID: String
    /// dbt's `resource_type`.
    public var resourceType: ResourceType
    /// The node name (for versioned models, without the version).
    public var name: String
    /// The model version, if versioned.
    public var version: String?
    /// The defining file, relative to the repository root.
    public var path: String
    /// The layer: the first folder under the resource path (`staging`, `marts`, …).
    public var layer: String
    /// Parents, as unique ids (resolved refs, sources, exposure dependencies).
    public var parents: [String] = []
    /// The details when held as a value (boxed, so a builder setting field after field edits
    /// them in place); nil when they are still in the archive.
    private var box: DetailsBox?
    private var archived: (archive: ProjectArchive, offset: Int)?

    /// Holds a node's details by reference, copied on write.
    final class DetailsBox: @unchecked Sendable {
        var value: NodeDetails
        init(_ value: NodeDetails) { self.value = value }
    }

    /// Creates a node.
    public init(
        uniqueID: String, resourceType: ResourceType, name: String, version: String?, path: String,
        propertiesPath: String? = nil, line: Int? = nil, fqn: [String], layer: String
    ) {
        self.init(
            uniqueID: uniqueID, resourceType: resourceType, name: name, version: version, path: path, layer: layer,
            parents: [], box: DetailsBox(NodeDetails(propertiesPath: propertiesPath, line: line, fqn: fqn)), archived: nil)
    }

    /// A node whose details stay in the project archive until first looked at.
    init(
        uniqueID: String, resourceType: ResourceType, name: String, version: String?, path: String, layer: String,
        parents: [String], archive: ProjectArchive, offset: Int
    ) {
        self.init(
            uniqueID: uniqueID, resourceType: resourceType, name: name, version: version, path: path, layer: layer,
            parents: parents, box: nil, archived: (archive, offset))
    }

    private init(
        uniqueID: String, resourceType: ResourceType, name: String, version: String?, path: String, layer: String,
        parents: [String], box: DetailsBox?, archived: (archive: ProjectArchive, offset: Int)?
    ) {
        self.uniqueID = uniqueID
        self.resourceType = resourceType
        self.name = name
        self.version = version
        self.path = path
        self.layer = layer
        self.parents = parents
        self.box = box
        self.archived = archived
    }

    /// Everything dbt compares beyond identity and edges (decoded on first use when archived).
    public var details: NodeDetails {
        get {
            if let box { return box.value }
            if let archived { return archived.archive.details(at: archived.offset) }
            return NodeDetails()
        }
        set {
            box = DetailsBox(newValue)
            archived = nil
        }
    }

    /// The box to edit: this node's own, copied first when shared or still archived.
    private mutating func uniqueBox() -> DetailsBox {
        if box != nil, isKnownUniquelyReferenced(&box!) { return box! } // non-nil: checked just before
        let fresh = DetailsBox(details)
        box = fresh
        archived = nil
        return fresh
    }

    /// The YAML file that describes it, relative to the repository root.
    public var propertiesPath: String? {
        get { box.map { $0.value.propertiesPath } ?? details.propertiesPath }
        set { uniqueBox().value.propertiesPath = newValue }
    }
    /// The line where it is defined (YAML-defined nodes and blocks).
    public var line: Int? {
        get { box.map { $0.value.line } ?? details.line }
        set { uniqueBox().value.line = newValue }
    }
    /// dbt's fqn.
    public var fqn: [String] {
        get { box.map { $0.value.fqn } ?? details.fqn }
        set { uniqueBox().value.fqn = newValue }
    }
    /// What dbt compares as `raw_code` (or a seed's checksum).
    public var bodyKey: String {
        get { box.map { $0.value.bodyKey } ?? details.bodyKey }
        set { uniqueBox().value.bodyKey = newValue }
    }
    /// The merged unrendered config.
    public var config: Value {
        get { box.map { $0.value.config } ?? details.config }
        set { uniqueBox().value.config = newValue }
    }
    /// The config before the file's own `config()` call.
    public var inheritedConfig: Value {
        get { box.map { $0.value.inheritedConfig } ?? details.inheritedConfig }
        set { uniqueBox().value.inheritedConfig = newValue }
    }
    /// The description.
    public var description: String {
        get { box.map { $0.value.description } ?? details.description }
        set { uniqueBox().value.description = newValue }
    }
    /// Documented columns.
    public var columns: [Column] {
        get { box.map { $0.value.columns } ?? details.columns }
        set { uniqueBox().value.columns = newValue }
    }
    /// Macros the node calls directly, as macro unique ids.
    public var macroDependencies: [String] {
        get { box.map { $0.value.macroDependencies } ?? details.macroDependencies }
        set { uniqueBox().value.macroDependencies = newValue }
    }
    /// Variables the node reads.
    public var vars: [String] {
        get { box.map { $0.value.vars } ?? details.vars }
        set { uniqueBox().value.vars = newValue }
    }
    /// Fields compared for sources, exposures and versioned models.
    public var properties: [String: Value] {
        get { box.map { $0.value.properties } ?? details.properties }
        set { uniqueBox().value.properties = newValue }
    }
    /// Tests attached to this node.
    public var tests: [AttachedTest] {
        get { box.map { $0.value.tests } ?? details.tests }
        set { uniqueBox().value.tests = newValue }
    }
    /// References of this node that name nothing in the project (packages, typos).
    public var unknownReferences: [String] {
        get { box.map { $0.value.unknownReferences } ?? details.unknownReferences }
        set { uniqueBox().value.unknownReferences = newValue }
    }

    public static func == (lhs: Node, rhs: Node) -> Bool {
        lhs.uniqueID == rhs.uniqueID && lhs.resourceType == rhs.resourceType && lhs.name == rhs.name
            && lhs.version == rhs.version && lhs.path == rhs.path && lhs.layer == rhs.layer
            && lhs.parents == rhs.parents && lhs.details == rhs.details
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(uniqueID)
        hasher.combine(path)
    }

    /// The config dbt rendered, where known (a manifest's `config`: materialisation, docs
    /// persistence, contract, access); else the unrendered config, which is all git shows.
    public var renderedConfig: Value { properties["rendered_config"] ?? config }

    /// The name as dbt's selectors write it: `name`, or `name.vN` for a versioned model.
    public var versionedName: String {
        version.map { "\(name).v\($0)" } ?? name
    }

    /// The name a report shows: `name` (`name.vN`) for a model, `source:<source>.<table>`,
    /// `<type>:<name>` for the rest.
    public var displayName: String {
        switch resourceType {
        case .source: return "source:" + (fqn.dropLast().last ?? "") + "." + name
        case .model: return versionedName
        default: return "\(resourceType.rawValue):\(name)"
        }
    }

    /// The materialization, from config.
    public var materialized: String? { renderedConfig["materialized"]?.scalarText }

    /// True when `persist_docs.relation` is on.
    public var persistsRelationDocs: Bool { renderedConfig["persist_docs"]?["relation"]?.isTruthy ?? false }

    /// True when `persist_docs.columns` is on.
    public var persistsColumnDocs: Bool { renderedConfig["persist_docs"]?["columns"]?.isTruthy ?? false }

    /// True when the model's contract is enforced.
    public var contractEnforced: Bool { renderedConfig["contract"]?["enforced"]?.isTruthy ?? false }
}

/// A macro (or generic test definition) of the project.
public struct Macro: Sendable, Hashable {
    /// dbt's `unique_id` (`macro.<project>.<name>`).
    public var uniqueID: String
    /// The macro name (`test_<name>` for generic tests).
    public var name: String
    /// The defining file, relative to the repository root.
    public var path: String
    /// The 1-based line of the block.
    public var line: Int
    /// dbt's `macro_sql`: the whole block.
    public var text: String
    /// Names called like macros inside the body.
    public var calls: [String]
    /// Dispatched macro names.
    public var dispatches: [String]
    /// Variables it reads.
    public var vars: [String]
    /// `ref()` calls in its body: dbt renders a model's macros at parse time, so these are edges
    /// of every node that calls the macro.
    public var refs: [ReferenceScan.Ref] = []
    /// `source()` calls in its body, likewise.
    public var sources: [ReferenceScan.SourceRef] = []
    /// Its parameter names, in order.
    public var parameters: [String] = []
    /// Names it passes bare to `ref()`: where one is a parameter, a node calling the macro with
    /// a string literal for it refs that literal.
    public var parameterRefs: [String] = []

    /// The refs in the cache's string form (`package`, `name`, `version` joined by U+0001).
    var refTexts: [String] {
        refs.map { [$0.package ?? "", $0.name, $0.version ?? "", String($0.line)].joined(separator: "\u{1}") }
    }

    /// The sources in the cache's string form.
    var sourceTexts: [String] {
        sources.map { [$0.source, $0.table, String($0.line)].joined(separator: "\u{1}") }
    }

    /// Reads `refTexts` and `sourceTexts` back.
    mutating func setReferences(refTexts: [String], sourceTexts: [String]) {
        refs = refTexts.compactMap { text in
            let parts = text.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4 else { return nil }
            return ReferenceScan.Ref(
                package: parts[0].isEmpty ? nil : parts[0], name: parts[1],
                version: parts[2].isEmpty ? nil : parts[2], line: Int(parts[3]) ?? 1)
        }
        sources = sourceTexts.compactMap { text in
            let parts = text.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { return nil }
            return ReferenceScan.SourceRef(source: parts[0], table: parts[1], line: Int(parts[2]) ?? 1)
        }
    }
}

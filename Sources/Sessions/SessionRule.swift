import Diagnostics
import Foundation

/// The files of one session folder, as text, however they were read (disk, index, a commit).
public struct SessionInput: Sendable, Hashable {
    /// The folder, relative to the repository root.
    public var folder: String
    /// File name (`SUMMARY.md`, …) to content; an absent key is an absent file.
    public var files: [String: String]

    /// The file names the protocol knows.
    public enum File {
        public static let summary = "SUMMARY.md"
        public static let loops = "LOOPS.md"
        public static let context = "CONTEXT.md"
        public static let task = "TASK.md"
        public static let bootloader = "BOOTLOADER.md"
    }

    /// Creates an input.
    public init(folder: String, files: [String: String]) {
        self.folder = folder
        self.files = files
    }

    /// The repository-relative path of a file of this session.
    public func path(_ name: String) -> String {
        folder.isEmpty ? name : folder + "/" + name
    }

    /// The session's name: its folder's last component.
    public var name: String {
        folder.split(separator: "/").last.map(String.init) ?? folder
    }

    /// The metadata of SUMMARY.md, if readable.
    public var metadata: SessionMetadata? {
        files[File.summary].flatMap { SessionMetadata.find(in: $0).metadata }
    }

    /// The context decisions of SUMMARY.md and CONTEXT.md together.
    public var decisions: ContextDecisions {
        var decisions = ContextDecisions()
        for name in [File.summary, File.context] {
            if let text = files[name] { decisions.read(text, file: path(name)) }
        }
        return decisions
    }

    /// What the author wrote in a SUMMARY.md section: its lines without comments and
    /// placeholders, blank lines at either end dropped; nil without the file or the section.
    public func writtenLines(_ title: String) -> [String]? {
        guard let text = files[File.summary], let section = MarkdownDocument(text).section(title) else { return nil }
        var lines = section.visibleBody.map { MarkdownText.withoutPlaceholders($0.text) }
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        return lines
    }

    /// The loops of LOOPS.md.
    public var loops: LoopsDocument? {
        files[File.loops].map(LoopsDocument.init)
    }
}

/// A node the change modifies (or deletes), which a session must account for.
public struct ModifiedNode: Sendable, Hashable, Codable {
    /// The dbt node name (`stg_orders`).
    public var name: String
    /// dbt's unique id.
    public var uniqueID: String
    /// The defining file, relative to the repository root.
    public var path: String
    /// `model`, `seed` or `snapshot`.
    public var resourceType: String
    /// The version of a versioned model.
    public var version: String?
    /// Whether the change deletes it.
    public var deleted: Bool
    /// Its file relative to its dbt project's folder (`models/staging/stg_x.sql`), when the
    /// project is not at the repository's root.
    public var projectPath: String? = nil
    /// Its tags.
    public var tags: [String] = []
    /// The names of the project's macros it calls, directly or through other macros.
    public var macros: [String] = []
    /// The names of the nodes upstream of it (for `name+` selectors), and downstream (`+name`).
    public var ancestors: [String] = []
    public var descendants: [String] = []
    /// Its layer (`staging`, `marts`, …), or empty.
    public var layer: String = ""
    /// Its materialization, when configured.
    public var materialized: String? = nil
    /// Whether the change adds it (it is not in the base).
    public var added = false
    /// The exposures downstream of it.
    public var exposures: [String] = []

    enum CodingKeys: String, CodingKey {
        case name, uniqueID, path, resourceType, version, deleted
    }

    /// Creates a node.
    public init(
        name: String, uniqueID: String, path: String, resourceType: String = "model", version: String? = nil, deleted: Bool = false,
        projectPath: String? = nil, tags: [String] = [], macros: [String] = [], ancestors: [String] = [], descendants: [String] = [],
        layer: String = "", materialized: String? = nil, added: Bool = false, exposures: [String] = []
    ) {
        self.layer = layer
        self.materialized = materialized
        self.added = added
        self.exposures = exposures
        self.name = name
        self.uniqueID = uniqueID
        self.path = path
        self.resourceType = resourceType
        self.version = version
        self.deleted = deleted
        self.projectPath = projectPath
        self.tags = tags
        self.macros = macros
        self.ancestors = ancestors
        self.descendants = descendants
    }

    /// What a decision may call it: name, `name.vN`, unique id, path, or the path's file name.
    public var aliases: Set<String> {
        var aliases: Set<String> = [name, uniqueID, path]
        if let version { aliases.insert("\(name).v\(version)"); aliases.insert("\(name)_v\(version)") }
        if let file = path.split(separator: "/").last { aliases.insert(String(file)) }
        return aliases
    }

    /// How a message names it.
    public var display: String {
        let label = version.map { "\(name).v\($0)" } ?? name
        return "\(resourceType) `\(label)` (\(path))"
    }
}

/// Everything beyond a session's own files that the rules look at.
public struct RuleContext: Sendable {
    /// SUMMARY.md's required section titles.
    public var requiredSections: [String]
    /// The nodes the change modifies or deletes.
    public var modified: [ModifiedNode]
    /// Names covered by other sessions in scope (a change may be explained across sessions).
    public var coveredElsewhere: Set<String>
    /// Whether the session is being closed (stricter: no proposed loops).
    public var closing: Bool
    /// The project's STATE.md, when there is one: its path and text.
    public var state: (path: String, text: String)?
    /// The most lines STATE.md may have.
    public var stateLimit: Int
    /// What else the change touches that reasoning may name: changed macros, and the columns and
    /// identifiers on the diff's changed lines.
    public var touched: [String]
    /// Which reasoning steps a change must fill; nil when `.rationale.yml` turns them off.
    public var reasoningSteps: StepRequirements?

    /// The default required sections of SUMMARY.md.
    public static let defaultRequiredSections = [
        "Problem, in my words", "What was done", "Loops", "Context decisions", "Reasoning", "Excluded scope", "Next session",
    ]

    /// The default STATE.md limit.
    public static let defaultStateLimit = 100

    /// Creates a context.
    public init(
        requiredSections: [String] = RuleContext.defaultRequiredSections, modified: [ModifiedNode] = [],
        coveredElsewhere: Set<String> = [], closing: Bool = false,
        state: (path: String, text: String)? = nil, stateLimit: Int = RuleContext.defaultStateLimit, touched: [String] = [],
        reasoningSteps: StepRequirements? = .defaults
    ) {
        self.touched = touched
        self.reasoningSteps = reasoningSteps
        self.requiredSections = requiredSections
        self.modified = modified
        self.coveredElsewhere = coveredElsewhere
        self.closing = closing
        self.state = state
        self.stateLimit = stateLimit
    }
}

/// One validation rule: a stable id, what it asks for, and examples that must and must not
/// trigger it (one parameterised test runs them all).
public protocol SessionRule: Rule {
    /// Sessions that must trigger it and sessions that must not.
    static var examples: [RuleExample] { get }
    /// The rule's findings for one session.
    static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding]
}

extension SessionRule {
    /// Runs every example on the sample session it describes.
    public static func exampleRuns() -> [RuleExampleRun] {
        examples.map { example in
            let (session, context) = example.input
            return RuleExampleRun(triggers: example.triggers, note: example.note, line: example.line, findings: check(session, context))
        }
    }

    /// An error finding of this rule.
    static func error(_ file: String, line: Int? = nil, _ message: String) -> Finding {
        Finding(severity: .error, location: Finding.Location(file: file, line: line), ruleID: id, message: message)
    }
}

/// An example for a rule: the valid sample session with some files replaced.
public struct RuleExample: Sendable {
    /// Whether the rule must find something.
    public var triggers: Bool
    /// What the example shows.
    public var note: String
    /// Files replacing the sample's (nil removes a file).
    public var files: [String: String?]
    /// The nodes the change modifies.
    public var modified: [ModifiedNode]
    /// Whether the session is being closed.
    public var closing: Bool
    /// STATE.md's text, if any.
    public var state: String?
    /// For a triggering example, where its findings stand.
    public var line: ExpectedLine?
    /// What else the change touches (macros, columns).
    public var touched: [String]

    /// Creates an example.
    public init(
        triggers: Bool, _ note: String, line: ExpectedLine? = nil, files: [String: String?] = [:],
        modified: [ModifiedNode] = SessionSamples.modified, closing: Bool = false, state: String? = nil, touched: [String] = []
    ) {
        self.touched = touched
        self.line = line
        self.triggers = triggers
        self.note = note
        self.files = files
        self.modified = modified
        self.closing = closing
        self.state = state
    }

    /// The session and context the example describes.
    public var input: (SessionInput, RuleContext) {
        var files = SessionSamples.files
        for (name, content) in self.files {
            files[name] = content
        }
        let session = SessionInput(folder: SessionSamples.folder, files: files)
        let context = RuleContext(
            modified: modified, closing: closing,
            state: state.map { (path: ".project/STATE.md", text: $0) }, touched: touched)
        return (session, context)
    }

    /// The sample SUMMARY.md with `old` replaced by `new` (for examples that change one part).
    public static func summary(replacing old: String, with new: String) -> String {
        SessionSamples.summary.replacingOccurrences(of: old, with: new)
    }
}

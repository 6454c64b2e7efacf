import Foundation
import Sessions
import Yams

/// `.rationale.yml` at the repository root. Every key is optional; an unknown key or a bad
/// value is an error that names the key and its line.
public struct RationaleConfig: Equatable {
    /// The adapter `adapter.dispatch` resolves for (`adapter:`).
    public var adapter: String?
    /// The dbt project folder, relative to the repository root (`project:`).
    public var project: String?
    /// Edges to follow downstream by default (`downstream:`).
    public var downstream: Int?
    /// The sessions folder, relative to the repository root (`sessions:`).
    public var sessions: String = RationaleConfig.defaultSessions
    /// The folder of template overrides (`templates:`).
    public var templates: String = RationaleConfig.defaultTemplates
    /// Globs of the paths a change must explain (`gated:`); nil: the dbt project's resource paths.
    public var gated: [String]?
    /// SUMMARY.md's required sections (`required_sections:`).
    public var requiredSections: [String] = RuleContext.defaultRequiredSections
    /// The token budget of a session's context (`budget:`).
    public var budget: Int = 4000
    /// The most lines STATE.md may have (`state_limit:`).
    public var stateLimit: Int = RuleContext.defaultStateLimit
    /// The branch a feature branch leaves (`default_branch:`); nil: origin's HEAD, else main or master.
    public var defaultBranch: String?
    /// Whether the gate lets `Rationale-Skip` trailers through (`skips: allow | forbid`).
    public var allowSkips = true
    /// PR body sections that must be present and not empty (`pr_sections:`).
    public var prSections: [String] = []
    /// Which reasoning steps a change must fill (`reasoning_steps:`); nil: `off`.
    public var reasoningSteps: StepRequirements? = .defaults
    /// What a pull request must show, by what it changes (`checkpoints:`).
    public var checkpoints: [Checkpoint] = []

    /// The defaults: what applies without a `.rationale.yml`.
    public init() {}

    /// The default sessions folder.
    public static let defaultSessions = ".project/sessions"
    /// The default template overrides folder.
    public static let defaultTemplates = ".project/templates"

    /// The keys this version understands, with what each holds (the one list; the reader, the
    /// error messages and a test of the README use it).
    public static let keys: [(key: String, meaning: String)] = [
        ("adapter", "the dbt adapter for adapter.dispatch, e.g. duckdb"),
        ("project", "the dbt project folder, relative to the repository root"),
        ("downstream", "edges to follow downstream by default (a number, 0 or more)"),
        ("sessions", "the sessions folder, relative to the repository root (default .project/sessions)"),
        ("templates", "a folder of template overrides, relative to the repository root (default .project/templates)"),
        ("gated", "a list of path globs a change must explain, e.g. [\"dbt/models/**\", \"dbt/macros/**\"]"),
        ("required_sections", "a list of SUMMARY.md section titles"),
        ("budget", "the context token budget (a number above 0)"),
        ("state_limit", "the most lines STATE.md may have (a number above 0)"),
        ("default_branch", "the branch feature branches start from, e.g. main"),
        ("skips", "allow or forbid: whether the CI gate accepts commits with a Rationale-Skip trailer"),
        ("pr_sections", "a list of PR description section titles that must be filled, e.g. [\"Description & motivation\"]"),
        (
            "reasoning_steps",
            "off, or a mapping of what a change modifies (model, seed, snapshot, new, deleted, incremental, exposure or a layer such as staging or marts) to the Reasoning steps it must fill (source, destination, transformation, quality, performance, operations), e.g. {marts: [destination, quality]}"
        ),
        (
            "checkpoints",
            "a list of checkpoints, each a mapping with `name`, an optional `when` (`paths`: globs, `changes`: kinds such as new, incremental, exposure, marts) and `require`: a list of `section: TITLE`, `tests: pass`, `file: GLOB`, `checked: TEXT` or `proof: required`"
        ),
    ]

    /// The file name.
    public static let fileName = ".rationale.yml"

    /// Reads the file at the root of `workdir`; an absent file is the default configuration.
    ///
    /// - Throws: ``WorkspaceError/symbolicLink(_:target:)`` when the file is a link: like every
    ///   file of the repository, it is never read through one (an error quoting a line of the
    ///   link's target would show an outside file).
    public static func load(workdir: String?) throws -> RationaleConfig {
        guard let workdir else { return RationaleConfig() }
        let path = try Workspace.contained(fileName, in: workdir)
        guard let data = FileManager.default.contents(atPath: path) else { return RationaleConfig() }
        return try parse([UInt8](data), file: fileName)
    }

    public static func parse(_ bytes: [UInt8], file: String) throws -> RationaleConfig {
        if let line = TextFile.nulLine(bytes) {
            throw ConfigError(
                file: file, line: line, key: nil,
                message: "holds a NUL byte, so it is not a text file (a binary file, or text saved as UTF-16?): save it as UTF-8 text")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(file: file, line: nil, key: nil, message: "not UTF-8 text: save it as UTF-8")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(file: file, line: Self.line(of: error), key: nil, message: "malformed YAML: \(Self.problem(of: error))")
        }
        guard let root, !(root.scalar.map { $0.string.isEmpty || $0.string == "~" || $0.string == "null" } ?? false) else {
            return RationaleConfig()
        }
        guard let mapping = root.mapping else {
            throw ConfigError(
                file: file, line: root.mark?.line ?? 1, key: nil, message: "expected a mapping of keys (\(keys.map(\.key).joined(separator: ", ")))")
        }
        var config = RationaleConfig()
        var seen = Set<String>()
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let line = keyNode.mark?.line
            guard seen.insert(key).inserted else {
                throw ConfigError(file: file, line: line, key: key, message: "`\(key)` is given twice: keep one")
            }
            func bad() -> ConfigError { Self.bad(key, file, line: line, value: value) }
            func string(allowEmpty: Bool = false) throws -> String {
                guard let scalar = value.scalar, allowEmpty || !scalar.string.isEmpty else { throw bad() }
                return scalar.string
            }
            func number(minimum: Int) throws -> Int {
                guard let scalar = value.scalar, let n = Int(scalar.string), n >= minimum else { throw bad() }
                return n
            }
            func list() throws -> [String] {
                guard let sequence = value.sequence else { throw bad() }
                return try sequence.map { item in
                    guard let text = item.scalar?.string, !text.isEmpty else { throw Self.bad(key, file, line: item.mark?.line ?? line, value: item) }
                    return text
                }
            }
            switch key {
            case "adapter": config.adapter = try string()
            case "project": config.project = try string(allowEmpty: true)
            case "downstream": config.downstream = try number(minimum: 0)
            case "sessions": config.sessions = try relativeFolder(try string(), key: key, file: file, line: line)
            case "templates": config.templates = try relativeFolder(try string(), key: key, file: file, line: line)
            case "gated": config.gated = try list()
            case "required_sections": config.requiredSections = try list()
            case "budget": config.budget = try number(minimum: 1)
            case "state_limit": config.stateLimit = try number(minimum: 1)
            case "default_branch": config.defaultBranch = try string()
            case "skips":
                switch try string() {
                case "allow": config.allowSkips = true
                case "forbid": config.allowSkips = false
                default: throw bad()
                }
            case "pr_sections": config.prSections = try list()
            case "reasoning_steps":
                if value.scalar?.string == "off" {
                    config.reasoningSteps = nil
                    break
                }
                guard let entries = value.mapping else { throw bad() }
                var table = StepRequirements.defaults.table
                for (condition, steps) in entries {
                    guard let name = condition.string, !name.isEmpty, let sequence = steps.sequence else {
                        throw Self.bad(key, file, line: condition.mark?.line ?? line, value: steps)
                    }
                    table[name.lowercased()] = try sequence.map { item in
                        guard let text = item.scalar?.string, let step = ReasoningStep(rawValue: text.lowercased()) else {
                            throw ConfigError(
                                file: file, line: item.mark?.line ?? line, key: key,
                                message:
                                    "`\(item.scalar?.string ?? "")` under `reasoning_steps.\(name)` is no reasoning step: use \(ReasoningStep.allCases.map(\.rawValue).joined(separator: ", "))"
                            )
                        }
                        return step
                    }
                }
                config.reasoningSteps = StepRequirements(table: table)
            case "checkpoints": config.checkpoints = try Self.checkpoints(value, file: file, line: line)
            default:
                let hint = Self.nearestKey(to: key).map { "did you mean `\($0)`? " } ?? ""
                throw ConfigError(
                    file: file, line: line, key: key,
                    message: "unknown key `\(key)`: \(hint)rename or delete it; known keys: \(keys.map(\.key).joined(separator: ", "))")
            }
        }
        return config
    }

    /// The `checkpoints:` list: each error names the line and what would do.
    static func checkpoints(_ value: Node, file: String, line: Int?) throws -> [Checkpoint] {
        func fail(_ node: Node?, _ message: String) -> ConfigError {
            ConfigError(file: file, line: node?.mark?.line ?? line, key: "checkpoints", message: message)
        }
        func strings(_ node: Node, _ what: String) throws -> [String] {
            if let scalar = node.scalar, !scalar.string.isEmpty { return [scalar.string] }
            guard let items = node.sequence else { throw fail(node, "`\(what)` must be a list, e.g. [\"dbt/models/marts/**\"]") }
            return try items.map { item in
                guard let text = item.scalar?.string, !text.isEmpty else { throw fail(item, "`\(what)` holds an empty or nested item") }
                return text
            }
        }
        guard let list = value.sequence else {
            throw fail(value, "`checkpoints` must be a list of checkpoints, each with `name` and `require`")
        }
        return try list.map { entry in
            guard let mapping = entry.mapping else { throw fail(entry, "a checkpoint must be a mapping with `name` and `require`") }
            var name: String?
            var paths: [String] = []
            var changes: [String] = []
            var requirements: [Checkpoint.Requirement] = []
            for (keyNode, item) in mapping {
                switch keyNode.string ?? "" {
                case "name": name = item.scalar?.string
                case "when":
                    guard let when = item.mapping else { throw fail(item, "`when` must be a mapping of `paths` and `changes`") }
                    for (whenKey, whenValue) in when {
                        switch whenKey.string ?? "" {
                        case "paths": paths = try strings(whenValue, "paths")
                        case "changes": changes = try strings(whenValue, "changes").map { $0.lowercased() }
                        default: throw fail(whenKey, "unknown key `\(whenKey.string ?? "")` under `when`: use `paths` or `changes`")
                        }
                    }
                case "require":
                    guard let items = item.sequence, !items.isEmpty else { throw fail(item, "`require` must be a list of what the pull request shows") }
                    requirements = try items.map { requirement in
                        guard let pair = requirement.mapping, pair.count == 1, let (kind, argument) = pair.first,
                            let text = argument.scalar?.string, !text.isEmpty
                        else {
                            throw fail(
                                requirement, "each requirement is one of `section: TITLE`, `tests: pass`, `file: GLOB`, `checked: TEXT`, `proof: required`")
                        }
                        switch kind.string ?? "" {
                        case "section": return .section(text)
                        case "tests":
                            guard text == "pass" else { throw fail(argument, "`tests:` takes `pass`") }
                            return .testsPass
                        case "file": return .file(text)
                        case "checked": return .checked(text)
                        case "proof":
                            guard text == "required" else { throw fail(argument, "`proof:` takes `required`") }
                            return .proof
                        default:
                            throw fail(kind, "unknown requirement `\(kind.string ?? "")`: use `section`, `tests`, `file`, `checked` or `proof`")
                        }
                    }
                default: throw fail(keyNode, "unknown key `\(keyNode.string ?? "")` in a checkpoint: use `name`, `when`, `require`")
                }
            }
            guard let name, !name.isEmpty else { throw fail(entry, "a checkpoint needs a `name`") }
            guard !requirements.isEmpty else { throw fail(entry, "checkpoint `\(name)` needs `require`: what the pull request must show") }
            return Checkpoint(name: name, paths: paths, changes: changes, requirements: requirements)
        }
    }

    /// A folder relative to the repository root, without `./` or trailing slashes.
    public static func relativeFolder(_ text: String, key: String, file: String, line: Int?) throws -> String {
        var folder = text
        while folder.hasPrefix("./") { folder.removeFirst(2) }
        while folder.hasSuffix("/") { folder.removeLast() }
        guard !folder.hasPrefix("/"), !folder.split(separator: "/").contains(".."), !folder.isEmpty else {
            throw ConfigError(
                file: file, line: line, key: key, message: "`\(key)` must be a folder inside the repository, relative to its root (got `\(text)`)")
        }
        return folder
    }

    public static func bad(_ key: String, _ file: String, line: Int?, value: Node? = nil) -> ConfigError {
        let meaning = keys.first { $0.key == key }?.meaning ?? ""
        let got = value.map { " (got \(Self.describe($0)))" } ?? ""
        return ConfigError(file: file, line: line, key: key, message: "bad value for `\(key)`\(got): expected \(meaning)")
    }

    /// What a YAML value is, in a few words, for an error message.
    public static func describe(_ node: Node) -> String {
        if let scalar = node.scalar {
            let text = scalar.string
            return text.isEmpty ? "nothing" : "`\(text.count > 40 ? String(text.prefix(40)) + "…" : text)`"
        }
        if node.sequence != nil { return "a list" }
        return "a mapping"
    }

    /// The known key a mistyped one most likely means: at most two edits away, or the same
    /// words in another case or separator (`stateLimit`, `state-limit`).
    public static func nearestKey(to key: String) -> String? {
        let folded = key.lowercased().filter { $0.isLetter }
        if let same = keys.first(where: { $0.key.filter { $0.isLetter } == folded }) { return same.key }
        let scored = keys.map { (key: $0.key, distance: editDistance(Array(key.lowercased()), Array($0.key))) }
        guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= 2 else { return nil }
        return best.key
    }

    /// Levenshtein distance (insertions, deletions, substitutions).
    public static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    public static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    public static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return String(describing: error)
        }
    }

    /// The sessions folder's parent, where STATE.md lives.
    public var stateFile: String {
        let parent = (sessions as NSString).deletingLastPathComponent
        return parent.isEmpty ? "STATE.md" : parent + "/STATE.md"
    }
}

/// A `.rationale.yml` problem: names the file, the line, the key and what is expected.
public struct ConfigError: Error, LocalizedError, Equatable {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String

    public var errorDescription: String? {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}

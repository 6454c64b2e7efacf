import Diagnostics
import Narrative
import Proof
import Sessions

/// A rule over the commits of a pull request's range.
public protocol RangeRule: Rule {
    /// Ranges that must trigger it and ranges that must not.
    static var examples: [RangeExample] { get }
    /// The rule's findings: `skips` are the commits' `Rationale-Skip:` trailers, as
    /// `<short id>: <reason>`; `allowSkips` is `skips:` of `.rationale.yml`.
    static func check(skips: [String], allowSkips: Bool) -> [Finding]
}

/// An example range for a rule.
public struct RangeExample: Sendable {
    /// Whether the rule must find something.
    public var triggers: Bool
    /// What the example shows.
    public var note: String
    /// For a triggering example, where its findings stand (a range has no lines: `.none`).
    public var line: ExpectedLine?
    /// The skips the range's commits record.
    public var skips: [String]
    /// Whether `.rationale.yml` allows skips.
    public var allowSkips: Bool

    /// Creates an example.
    public init(triggers: Bool, _ note: String, line: ExpectedLine? = nil, skips: [String], allowSkips: Bool = true) {
        self.triggers = triggers
        self.note = note
        self.line = line
        self.skips = skips
        self.allowSkips = allowSkips
    }
}

extension RangeRule {
    /// Runs every example.
    public static func exampleRuns() -> [RuleExampleRun] {
        examples.map { example in
            RuleExampleRun(
                triggers: example.triggers, note: example.note, line: example.line,
                findings: check(skips: example.skips, allowSkips: example.allowSkips))
        }
    }
}

/// `skip_recorded`: a skipped check is reported (a warning): the session must still explain the change.
public enum SkipRecordedRule: RangeRule {
    public static let id = "skip_recorded"
    public static let description = "a commit that skipped the check is reported, so the reviewer knows the session must still explain it"
    public static let examples: [RangeExample] = [
        .init(triggers: false, "no skip", skips: []),
        .init(triggers: true, "one skip", line: ExpectedLine.none, skips: ["a1b2c3d: hotfix during the incident"]),
        .init(triggers: false, "skips forbidden: the other rule speaks", skips: ["a1b2c3d: hotfix"], allowSkips: false),
    ]

    public static func check(skips: [String], allowSkips: Bool) -> [Finding] {
        guard allowSkips, !skips.isEmpty else { return [] }
        return [
            Finding(
                severity: .warning, location: nil, ruleID: id,
                message:
                    "the check was skipped in \(skips.count) commit\(skips.count == 1 ? "" : "s") (\(skips.joined(separator: "; "))); the session above must still explain the change"
            )
        ]
    }
}

/// `skip_forbidden`: with `skips: forbid`, no commit of the range may skip the check.
public enum SkipForbiddenRule: RangeRule {
    public static let id = "skip_forbidden"
    public static let description = "with `skips: forbid` in .rationale.yml, no commit of the range carries a Rationale-Skip trailer"
    public static let examples: [RangeExample] = [
        .init(triggers: false, "no skip", skips: [], allowSkips: false),
        .init(triggers: true, "a skip where they are forbidden", line: ExpectedLine.none, skips: ["a1b2c3d: hotfix"], allowSkips: false),
        .init(triggers: false, "skips allowed", skips: ["a1b2c3d: hotfix"]),
    ]

    public static func check(skips: [String], allowSkips: Bool) -> [Finding] {
        guard !allowSkips, !skips.isEmpty else { return [] }
        return [
            Finding(
                severity: .error, location: nil, ruleID: id,
                message:
                    "Rationale-Skip is forbidden here (`skips: forbid` in .rationale.yml) but \(skips.joined(separator: "; ")): add the session the skip promised, then reword the commit to drop the trailer (`git rebase -i`)"
            )
        ]
    }
}

/// Every rule rationale applies — to sessions, to the pull request description, to the range —
/// in one list. A test runs every rule's examples and fails on a rule type missing here.
public enum Rules {
    /// Every rule.
    public static let all: [any Rule.Type] = {
        var all: [any Rule.Type] = [SessionRequiredRule.self]
        all += SessionValidator.rules.map { $0 as any Rule.Type }
        all += PullRequestBodyRules.rules.map { $0 as any Rule.Type }
        all += rangeRules.map { $0 as any Rule.Type }
        all += proofRules.map { $0 as any Rule.Type }
        all += proveRules.map { $0 as any Rule.Type }
        all.append(CheckpointRule.self)
        return all
    }()

    /// The rules over dbt's run results (`gate --run-results`).
    public static let proofRules: [any ProofRule.Type] = [RunFailedRule.self, ModelUntestedRule.self, RunResultsStaleRule.self]

    /// The rules over a proof from data and the sessions' claims (`prove`, `gate --proof`).
    public static let proveRules: [any ProveRule.Type] = [
        ExcludedDataChangedRule.self, ClaimedChangeAbsentRule.self, KeyBrokenRule.self, ProofStaleRule.self,
    ]

    /// The rules over a range's commits.
    public static let rangeRules: [any RangeRule.Type] = [SkipRecordedRule.self, SkipForbiddenRule.self]
}

/// `session_required`: a change to gated dbt paths needs a session that explains it (the hook's
/// and the gate's first rule).
public enum SessionRequiredRule: Rule {
    public static let id = "session_required"
    public static let description = "a change to dbt models, macros, seeds or snapshots comes with a session that explains it"

    /// What the rule looks at.
    public struct Input: Sendable {
        /// The models, seeds and snapshots the change modifies or deletes.
        public var modified: [ModifiedNode]
        /// The changed files under gated paths.
        public var gated: [String]
        /// Gated submodules the change moves.
        public var submodules: [String]
        /// A staged change (the hook) or a pull request (the gate).
        public var staged: Bool
        /// Open sessions on disk that are not staged (the usual cause).
        public var unstagedSessions: [String]
        /// The sessions folder (`sessions:` of `.rationale.yml`).
        public var sessionsFolder: String
        /// The sessions that explain the change.
        public var explainingSessions: [String]

        /// Creates an input.
        public init(
            modified: [ModifiedNode], gated: [String], submodules: [String] = [], staged: Bool = true, unstagedSessions: [String] = [],
            sessionsFolder: String = ".project/sessions", explainingSessions: [String] = []
        ) {
            self.modified = modified
            self.gated = gated
            self.submodules = submodules
            self.staged = staged
            self.unstagedSessions = unstagedSessions
            self.sessionsFolder = sessionsFolder
            self.explainingSessions = explainingSessions
        }
    }

    static let orders = ModifiedNode(name: "orders", uniqueID: "model.shop.orders", path: "dbt/models/orders.sql")

    /// Changes that must trigger it and changes that must not.
    public static let examples: [(triggers: Bool, note: String, line: ExpectedLine?, input: Input)] = [
        (false, "a session explains the change", nil, Input(modified: [orders], gated: ["dbt/models/orders.sql"], explainingSessions: ["2026-11-28-orders"])),
        (false, "nothing gated changed", nil, Input(modified: [], gated: [])),
        (true, "a model changed and no session", ExpectedLine.none, Input(modified: [orders], gated: ["dbt/models/orders.sql"])),
        (true, "a macro changed (no model modified) and no session", ExpectedLine.none, Input(modified: [], gated: ["dbt/macros/money.sql"])),
        (
            true, "an open session left unstaged is named in the fix", ExpectedLine.none,
            Input(modified: [orders], gated: ["dbt/models/orders.sql"], unstagedSessions: [".project/sessions/2026-11-28-orders"])
        ),
    ]

    public static func exampleRuns() -> [RuleExampleRun] {
        examples.map { RuleExampleRun(triggers: $0.triggers, note: $0.note, line: $0.line, findings: check($0.input)) }
    }

    /// The file the finding names: one the change touched — the first modified node's file when
    /// it changed, else the first changed gated file (a YAML edit names the YAML, a macro edit
    /// the macro, not a model file nobody touched).
    static func changedFile(_ input: Input) -> String {
        if let path = input.modified.first?.path, input.gated.contains(path) { return path }
        return input.gated.first ?? input.modified.first?.path ?? ""
    }

    /// The finding for a change no session explains; none when one does or nothing gated changed.
    public static func check(_ input: Input) -> [Finding] {
        guard input.explainingSessions.isEmpty, !input.gated.isEmpty || !input.modified.isEmpty else { return [] }
        var what: String
        if input.modified.isEmpty {
            let files = input.gated.filter { !input.submodules.contains($0) }
            what = files.isEmpty ? "" : "changes \(files.prefix(3).joined(separator: ", "))\(files.count > 3 ? " and \(files.count - 3) more" : "")"
        } else {
            let shown = input.modified.prefix(5).map { $0.display }
            what =
                "\(input.modified.first?.deleted == true ? "deletes" : "modifies") \(shown.joined(separator: ", "))\(input.modified.count > 5 ? " and \(input.modified.count - 5) more" : "")"
        }
        if !input.submodules.isEmpty {
            let bump =
                "moves the submodule\(input.submodules.count == 1 ? "" : "s") \(input.submodules.prefix(3).joined(separator: ", "))\(input.submodules.count > 3 ? " and \(input.submodules.count - 3) more" : "") to another commit"
            what = what.isEmpty ? bump : what + ", and " + bump
        }
        // The gate reads commits: a session only counts once it is committed on the branch and pushed.
        let fix =
            !input.staged
            ? "start one with `rationale session start \"<title>\" --problem \"<what is wrong, in your words>\"`, fill in its SUMMARY.md, commit it on this branch (`git add \(input.sessionsFolder)/ && git commit`) and push"
            : input.unstagedSessions.isEmpty
                ? "start one with `rationale session start \"<title>\" --problem \"<what is wrong, in your words>\"`, fill in its SUMMARY.md, and `git add \(input.sessionsFolder)/`"
                : "stage the session that explains it: `git add \(input.unstagedSessions.last ?? input.sessionsFolder)/`"
        return [
            Finding(
                severity: .error, location: Finding.Location(file: changedFile(input)),
                ruleID: id, message: "the \(input.staged ? "staged change" : "pull request") \(what), but no session explains it: \(fix)")
        ]
    }
}

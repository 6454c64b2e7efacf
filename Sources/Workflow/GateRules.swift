import Diagnostics
import Narrative
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
    public static let all: [any Rule.Type] =
        SessionValidator.rules.map { $0 as any Rule.Type } + PullRequestBodyRules.rules.map { $0 as any Rule.Type } + rangeRules

    /// The rules over a range's commits.
    public static let rangeRules: [any RangeRule.Type] = [SkipRecordedRule.self, SkipForbiddenRule.self]
}

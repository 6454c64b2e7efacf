/// A rule of any kind — over a session, a pull-request description, a range of commits: a stable
/// id, what it asks for, and examples that must and must not trigger it, each saying the line
/// its finding stands on (as SwiftLint's markers do). One parameterised test runs every rule's
/// examples; a registry lists every rule, and a test fails on a rule missing from it.
public protocol Rule: Sendable {
    /// The stable snake_case id printed with every finding.
    static var id: String { get }
    /// What the rule asks for, in one sentence.
    static var description: String { get }
    /// Its examples, run: what each expects and what the rule found.
    static func exampleRuns() -> [RuleExampleRun]
}

/// One example of a rule, run.
public struct RuleExampleRun: Sendable {
    /// Whether the rule must find something.
    public var triggers: Bool
    /// What the example shows.
    public var note: String
    /// For a triggering example, where its findings stand (nil: not said, which the example test
    /// refuses).
    public var line: ExpectedLine?
    /// What the rule found.
    public var findings: [Finding]

    /// Creates a run.
    public init(triggers: Bool, note: String, line: ExpectedLine?, findings: [Finding]) {
        self.triggers = triggers
        self.note = note
        self.line = line
        self.findings = findings
    }
}

/// Where a triggering example's findings stand.
public enum ExpectedLine: Sendable, Equatable {
    /// On this 1-based line.
    case line(Int)
    /// On no line: the finding is about the whole file or subject.
    case none
}

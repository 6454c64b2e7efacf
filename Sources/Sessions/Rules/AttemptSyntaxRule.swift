import Diagnostics

/// Every attempt in ATTEMPTS.md follows the line format, with a known result and an id of its
/// own: the log is what the next session and the reviewer read instead of retrying.
public enum AttemptSyntaxRule: SessionRule {
    public static let id = "attempt_syntax"
    public static let description =
        "Every attempt in ATTEMPTS.md reads `- A-<n> (failed|partial|worked) <what was tried>`, each id once."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard let attempts = session.attempts else { return [] }
        let path = session.path(SessionInput.File.attempts)
        return attempts.problems.map { error(path, line: $0.line, $0.message) }
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "well-formed attempts"),
        RuleExample(triggers: false, "a session without ATTEMPTS.md", files: [SessionInput.File.attempts: nil]),
        RuleExample(
            triggers: true, "an unknown result", line: .line(7),
            files: [SessionInput.File.attempts: SessionSamples.attempts + "- A-3 (maybe) Join on order_id and currency\n"]),
        RuleExample(
            triggers: true, "no result", line: .line(7),
            files: [SessionInput.File.attempts: SessionSamples.attempts + "- A-3 Join on order_id and currency\n"]),
        RuleExample(
            triggers: true, "no text", line: .line(7),
            files: [SessionInput.File.attempts: SessionSamples.attempts + "- A-3 (failed) [why: still 1,204 rows]\n"]),
        RuleExample(
            triggers: true, "an id used twice", line: .line(7),
            files: [SessionInput.File.attempts: SessionSamples.attempts + "- A-2 (failed) Join on order_id and currency\n"]),
        RuleExample(
            triggers: false, "prose, other lists and examples in comments are not attempts",
            files: [
                SessionInput.File.attempts: SessionSamples.attempts
                    + "\nNotes:\n- A-side of the join is stg_orders\n<!-- - A-0 (sometimes) an example -->\n"
            ]),
    ]
}

import Diagnostics

/// Every loop in LOOPS.md follows the line format, with a known status.
public enum LoopSyntaxRule: SessionRule {
    public static let id = "loop_syntax"
    public static let description = "Every loop in LOOPS.md reads `- L-<n> (<status>) <text>` with a known status."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard let loops = session.loops else { return [] }
        let path = session.path(SessionInput.File.loops)
        return loops.problems.map { error(path, line: $0.line, $0.message) }
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "well-formed loops"),
        RuleExample(
            triggers: true, "an unknown status", line: .line(6),
            files: [SessionInput.File.loops: SessionSamples.loops + "- L-2 (maybe) Is the seed stale?\n"]),
        RuleExample(
            triggers: true, "no status", line: .line(6),
            files: [SessionInput.File.loops: SessionSamples.loops + "- L-2 Is the seed stale?\n"]),
        RuleExample(
            triggers: false, "prose and other lists are not loops",
            files: [SessionInput.File.loops: SessionSamples.loops + "\nNotes:\n- Lunch at noon\n"]),
    ]
}

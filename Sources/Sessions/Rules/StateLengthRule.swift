import Diagnostics

/// STATE.md stays a pointer (where things stand, which session is active), not a diary: a file
/// read at the start of every session must stay short or it stops being read.
public enum StateLengthRule: SessionRule {
    public static let id = "state_length"
    public static let description = "STATE.md stays within its line limit (100 by default)."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard let state = context.state else { return [] }
        let count = TextLines(state.text).lines.count
        guard count > context.stateLimit else { return [] }
        return [
            error(
                state.path, line: context.stateLimit + 1,
                "STATE.md has \(count) lines, over its limit of \(context.stateLimit): keep it a pointer (focus, active session, last handoff) and move the details into the session's SUMMARY.md"
            )
        ]
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "a short STATE.md", state: "# State\n\n## Current focus\nRefactor orders\n"),
        RuleExample(
            triggers: true, "a diary of 150 lines", line: .line(101),
            state: "# State\n" + (1...149).map { "- day \($0): did things" }.joined(separator: "\n") + "\n"),
        RuleExample(triggers: false, "exactly 100 lines", state: (1...100).map { "line \($0)" }.joined(separator: "\n") + "\n"),
    ]
}

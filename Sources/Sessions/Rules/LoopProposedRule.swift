import Diagnostics

/// A session closes only when every loop the agent proposed has been approved, closed or
/// dropped by the author: the author decides which questions matter.
public enum LoopProposedRule: SessionRule {
    public static let id = "loop_proposed"
    public static let description = "When a session closes, no loop is still `proposed`."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard context.closing, let loops = session.loops else { return [] }
        let path = session.path(SessionInput.File.loops)
        return loops.entries.filter { $0.loop.status == .proposed }.map { entry in
            error(
                path, line: entry.line,
                "\(entry.loop.id) is still proposed: approve it (`rationale loops approve \(entry.loop.id)`), close it (`rationale loops close \(entry.loop.id) --note \"…\"`), or delete the line"
            )
        }
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "closing with approved loops", closing: true),
        RuleExample(
            triggers: true, "closing with a proposed loop", line: .line(6),
            files: [SessionInput.File.loops: SessionSamples.loops + "- L-2 (proposed) Is the seed stale? [by: claude]\n"], closing: true),
        RuleExample(
            triggers: false, "a proposed loop while the session is still open",
            files: [SessionInput.File.loops: SessionSamples.loops + "- L-2 (proposed) Is the seed stale? [by: claude]\n"]),
    ]
}

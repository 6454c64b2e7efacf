import Diagnostics

/// Loop ids are unique: an id names one thread for good, across sessions and GTD exports.
public enum LoopIDRule: SessionRule {
    public static let id = "loop_id_unique"
    public static let description = "No two loops in LOOPS.md share an id."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard let loops = session.loops else { return [] }
        let path = session.path(SessionInput.File.loops)
        var firstLine: [Int: Int] = [:]
        var findings: [Finding] = []
        for entry in loops.entries {
            if let first = firstLine[entry.loop.number] {
                findings.append(
                    error(
                        path, line: entry.line,
                        "\(entry.loop.id) is already used on line \(first): give this loop the next free id, L-\(loops.highestNumber + 1) (ids are never reused)"
                    ))
            } else {
                firstLine[entry.loop.number] = entry.line
            }
        }
        return findings
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "one loop"),
        RuleExample(
            triggers: true, "L-1 twice", line: .line(6),
            files: [SessionInput.File.loops: SessionSamples.loops + "- L-1 (proposed) Another question\n"]),
        RuleExample(
            triggers: false, "L-1 and L-2",
            files: [SessionInput.File.loops: SessionSamples.loops + "- L-2 (proposed) Another question\n"]),
    ]
}

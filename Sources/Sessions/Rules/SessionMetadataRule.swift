import Diagnostics

/// SUMMARY.md carries the session comment that `session list`, `status` and `close` read.
public enum SessionMetadataRule: SessionRule {
    public static let id = "session_metadata"
    public static let description = "SUMMARY.md starts with a readable `<!-- rationale:session … -->` comment."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard let text = session.files[SessionInput.File.summary] else { return [] }
        let path = session.path(SessionInput.File.summary)
        let found = SessionMetadata.find(in: text)
        if let problem = found.problem {
            return [
                error(path, line: found.line, "\(problem), e.g. \(SessionMetadata(title: "Refactor orders", kind: "refactor", started: "2026-11-28").line)")
            ]
        }
        if found.metadata == nil {
            return [
                error(
                    path, line: 1,
                    "the session comment is missing: put `\(SessionMetadata(title: session.name, kind: "general", started: String(session.name.prefix(10))).line)` on the first line"
                )
            ]
        }
        return []
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "the sample's comment"),
        RuleExample(
            triggers: true, "no comment", line: .line(1),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "<!-- rationale:session title=\"Refactor orders\" kind=refactor started=2026-11-28 status=open -->\n", with: "")
            ]),
        RuleExample(
            triggers: true, "an unknown status", line: .line(1),
            files: [SessionInput.File.summary: RuleExample.summary(replacing: "status=open", with: "status=paused")]),
    ]
}

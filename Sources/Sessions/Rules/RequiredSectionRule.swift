import Diagnostics

/// SUMMARY.md exists and holds every required section, each with something written in it.
public enum RequiredSectionRule: SessionRule {
    public static let id = "required_section"
    public static let description = "SUMMARY.md holds every required section, and none is empty."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        let path = session.path(SessionInput.File.summary)
        guard let text = session.files[SessionInput.File.summary] else {
            return [
                error(
                    path, "the session has no SUMMARY.md: restore it (`git checkout -- \(path)`) or start a session with `rationale session start \"<title>\"`")
            ]
        }
        let document = MarkdownDocument(text)
        var findings: [Finding] = []
        for title in context.requiredSections {
            guard let section = document.section(title) else {
                findings.append(error(path, "the section `## \(title)` is missing: add it with \(hint(title))"))
                continue
            }
            if section.isEmpty {
                findings.append(error(path, line: section.line, "the section `\(section.title)` is empty: write \(hint(title))"))
            }
        }
        return findings
    }

    /// What to write in a section, for messages.
    static func hint(_ title: String) -> String {
        switch MarkdownDocument.normalisedTitle(title) {
        case "problem, in my words": return "the problem in your own words, before the agent's solution"
        case "what was done": return "what the change does, briefly"
        case "loops": return "the loops block (`rationale loops list` fills it; `_No loops._` when there are none)"
        case "context decisions": return "what the agent was given and what was left out, as `- loaded: name — why` / `- excluded: name — reason`"
        case "reasoning": return "why this change and why this way, with the alternatives you rejected"
        case "excluded scope": return "what this change deliberately does not do, and why (or `None.`)"
        case "next session": return "the next action and what to load first"
        default: return "what the section asks for"
        }
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "every section filled"),
        RuleExample(triggers: true, "no SUMMARY.md", line: .none, files: [SessionInput.File.summary: nil]),
        RuleExample(
            triggers: true, "Reasoning missing", line: .none,
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "## Reasoning\n\(SessionSamples.reasoning)\n",
                    with: "")
            ]),
        RuleExample(
            triggers: true, "Excluded scope holds only a comment and a placeholder", line: .line(27),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "The refund logic in stg_payments stays as it is.",
                    with: "<!-- why: say what you left out -->\n[[fill: what this change does not do]]")
            ]),
        RuleExample(
            triggers: false, "extra sections and a different heading level are fine",
            files: [SessionInput.File.summary: RuleExample.summary(replacing: "## Reasoning", with: "## Notes\nscratch\n\n### Reasoning")]),
    ]
}

import Diagnostics

/// No `[[fill: …]]` placeholder from a template is left in the files the checks read.
public enum PlaceholderRule: SessionRule {
    public static let id = "placeholder_left"
    public static let description = "No template placeholder `[[fill: …]]` is left in SUMMARY.md, CONTEXT.md or LOOPS.md."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for name in [SessionInput.File.summary, SessionInput.File.context, SessionInput.File.loops] {
            guard let text = session.files[name] else { continue }
            let document = MarkdownDocument(text)
            // A placeholder in an empty required section of SUMMARY.md is required_section's to report.
            var reported = Set<Int>()
            if name == SessionInput.File.summary {
                for title in context.requiredSections {
                    if let section = document.section(title), section.isEmpty { reported.formUnion(section.body.map(\.number)) }
                }
            }
            for line in MarkdownText.withoutComments(document.lines) where !reported.contains(line.number) {
                guard let start = line.text.range(of: MarkdownText.placeholderOpen) else { continue }
                let rest = line.text[start.lowerBound...]
                let placeholder = rest.range(of: "]]").map { String(rest[..<$0.upperBound]) } ?? String(rest)
                findings.append(
                    error(
                        session.path(name), line: line.number,
                        "the template placeholder \(placeholder) is still here: replace it with your own words, or delete the line"))
            }
        }
        return findings
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "all filled"),
        RuleExample(
            triggers: true, "a placeholder left beside real text", line: .line(9),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "Aggregated payments per order in a CTE before the join.",
                    with: "Aggregated payments per order in a CTE before the join. [[fill: tests added]]")
            ]),
        RuleExample(
            triggers: true, "a placeholder reason in CONTEXT.md", line: .line(7),
            files: [
                SessionInput.File.context: SessionSamples.context.replacingOccurrences(
                    of: "the model whose join changes", with: "[[fill: why the agent needs it]]")
            ]),
        RuleExample(
            triggers: false, "a placeholder alone in an empty required section is required_section's to report",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "The refund logic in stg_payments stays as it is.", with: "[[fill: what this change leaves out]]")
            ]),
        RuleExample(
            triggers: false, "a placeholder inside a comment is an example, not a gap",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: "<!-- why: you state the problem before the agent solves it -->",
                    with: "<!-- why: write it yourself, e.g. replace [[fill: the problem]] -->")
            ]),
    ]
}

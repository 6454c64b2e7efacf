import Diagnostics

/// The reasoning says why, about what the change touches: a filled blank ("Because.", "see
/// code", the title again) or a list of what was done is not reasoning a reviewer can check.
public enum ReasoningHollowRule: SessionRule {
    public static let id = "reasoning_hollow"
    public static let description =
        "`Reasoning` names what it reasons about (a model the change modifies, a macro or a column it touches) and says why (a cause, a consequence or a trade-off), in a few sentences of its own"

    /// The section's title.
    public static let title = "Reasoning"
    /// The fewest words that count as reasoning.
    public static let minimumWords = 6

    /// What would do, shown with each finding.
    static let example =
        "e.g. \"Aggregating payments per order before the join keeps orders at one row per order; a distinct would hide the fan-out instead of fixing it.\""

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard let text = session.files[SessionInput.File.summary], let section = MarkdownDocument(text).section(title) else { return [] }
        let path = session.path(SessionInput.File.summary)
        // The steps' headings are structure, not reasoning.
        let lines = section.visibleBody.map { MarkdownText.withoutPlaceholders($0.text) }.filter { MarkdownDocument.heading($0) == nil }
        let body = lines.joined(separator: "\n")
        // An empty section is required_section's to report, a placeholder placeholder_left's.
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        let words = Substance.words(body)
        let line =
            section.visibleBody.first { line in
                let text = MarkdownText.withoutPlaceholders(line.text).trimmingCharacters(in: .whitespaces)
                return !text.isEmpty && MarkdownDocument.heading(text) == nil
            }?.number ?? section.line
        if Substance.isBoilerplate(body) {
            return [
                error(
                    path, line: line, "the reasoning is a stock phrase (`\(shown(body))`): say why this change, why this way, and what you rejected, \(example)"
                )
            ]
        }
        let title = session.metadata?.title ?? ""
        if !title.isEmpty, Substance.normalised(body) == Substance.normalised(title) {
            return [error(path, line: line, "the reasoning repeats the session's title: say why this change, why this way, \(example)")]
        }
        if let problem = session.writtenLines(ProblemStatementRule.title)?.joined(separator: "\n"),
            !Substance.normalised(problem).isEmpty, Substance.normalised(body) == Substance.normalised(problem)
        {
            return [
                error(path, line: line, "the reasoning repeats the problem statement: the problem says what is wrong, the reasoning why this fix, \(example)")
            ]
        }
        if words.count < minimumWords {
            return [
                error(
                    path, line: line,
                    "the reasoning has \(words.count) word\(words.count == 1 ? "" : "s"): \(minimumWords)+ words that say why this change and why this way, \(example)"
                )
            ]
        }
        var findings: [Finding] = []
        if !Substance.givesReason(words) {
            findings.append(
                error(
                    path, line: line,
                    "the reasoning says what, not why: give the cause, the consequence or the trade-off (because …, so that …, instead of …, otherwise …), \(example)"
                ))
        }
        let subjects = context.modified.map(\.name) + context.touched + folders(of: context.modified)
        if !subjects.isEmpty, Substance.namedSubject(words, subjects: subjects) == nil {
            let names = (context.modified.map(\.name).prefix(3) + context.touched.prefix(2)).map { "`\($0)`" }.joined(separator: ", ")
            findings.append(
                error(
                    path, line: line,
                    "the reasoning names nothing the change touches: say which model, macro or column it is about (\(names)…), so a reviewer can hold it against the diff"
                ))
        }
        return findings
    }

    /// The folders the modified nodes live in, below the resource folder (`staging`, `marts`,
    /// `finance`): "filtering in staging" names where the change is.
    static func folders(of nodes: [ModifiedNode]) -> [String] {
        let resourceFolders: Set<String> = ["models", "seeds", "snapshots", "macros", "analyses", "tests", "data"]
        var folders: [String] = []
        for node in nodes {
            for part in (node.projectPath ?? node.path).split(separator: "/").dropLast().map(String.init)
            where !resourceFolders.contains(part) && !folders.contains(part) {
                folders.append(part)
            }
        }
        return folders
    }

    /// The text as a finding quotes it: one line, at most 60 characters.
    static func shown(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return line.count > 60 ? String(line.prefix(57)) + "…" : line
    }

    static let sampleReasoning = SessionSamples.reasoning

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "names the model and says why"),
        RuleExample(
            triggers: true, "Because.", line: .line(24),
            files: [SessionInput.File.summary: RuleExample.summary(replacing: sampleReasoning, with: "Because.")]),
        RuleExample(
            triggers: true, "see code", line: .line(24),
            files: [SessionInput.File.summary: RuleExample.summary(replacing: sampleReasoning, with: "See code.")]),
        RuleExample(
            triggers: true, "the title again", line: .line(24),
            files: [SessionInput.File.summary: RuleExample.summary(replacing: sampleReasoning, with: "Refactor orders")]),
        RuleExample(
            triggers: true, "too short", line: .line(24),
            files: [SessionInput.File.summary: RuleExample.summary(replacing: sampleReasoning, with: "Orders needed it first.")]),
        RuleExample(
            triggers: true, "only what was done", line: .line(24),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sampleReasoning, with: "Moved the payments aggregation of orders into a CTE and renamed two columns.")
            ]),
        RuleExample(
            triggers: true, "says why about nothing the change touches", line: .line(24),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sampleReasoning, with: "It is better this way because the code is cleaner and easier to read later.")
            ]),
        RuleExample(
            triggers: false, "a staging model named without its prefix",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sampleReasoning, with: "Payments arrive in cents, so dividing by 100 here keeps every mart in dollars.")
            ],
            modified: [ModifiedNode(name: "stg_shop__payments", uniqueID: "model.shop.stg_shop__payments", path: "models/staging/stg_shop__payments.sql")]),
        RuleExample(
            triggers: false, "a column the diff touches, as words",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sampleReasoning, with: "The order id was cast to text upstream, so joins on it silently matched nothing.")
            ],
            modified: [ModifiedNode(name: "fct_sales", uniqueID: "model.shop.fct_sales", path: "models/marts/fct_sales.sql")],
            touched: ["order_id"]),
        RuleExample(
            triggers: false, "the layer it lives in",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sampleReasoning, with: "Filtering in staging keeps every consumer consistent.")
            ],
            modified: [ModifiedNode(name: "stg_shop__orders", uniqueID: "model.shop.stg_shop__orders", path: "models/staging/stg_shop__orders.sql")]),
        RuleExample(
            triggers: false, "an empty section is required_section's",
            files: [SessionInput.File.summary: RuleExample.summary(replacing: sampleReasoning, with: "[[fill: why]]")]),
    ]
}

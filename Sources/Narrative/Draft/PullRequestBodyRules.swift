import Diagnostics
import Foundation
import Sessions

/// The rules for the PR body: no unfilled `rationale:todo`, required sections filled.
public enum PullRequestBodyRules {
    /// How findings name the pull request description (it is no file of the repository).
    public static let file = "pull request description"

    /// The rules, in the order their findings print.
    public static let rules: [any PullRequestBodyRule.Type] = [PullRequestTodoRule.self, PullRequestSectionRule.self, ValidationEvidenceRule.self]

    /// The findings for a PR description: every unfilled `rationale:todo` placeholder, and
    /// each required section missing or empty.
    public static func check(_ body: String, requiredSections: [String]) -> [Finding] {
        let text = body.replacingOccurrences(of: "\r\n", with: "\n")
        return rules.flatMap { $0.check(text, requiredSections: requiredSections) }
    }
}

/// A rule over the pull request description.
public protocol PullRequestBodyRule: Rule {
    /// Descriptions that must trigger it and descriptions that must not.
    static var examples: [PullRequestBodyExample] { get }
    /// The rule's findings for one description (`\n` line ends).
    static func check(_ body: String, requiredSections: [String]) -> [Finding]
}

/// An example description for a rule, with the sections `.rationale.yml` requires.
public struct PullRequestBodyExample: Sendable {
    /// Whether the rule must find something.
    public var triggers: Bool
    /// What the example shows.
    public var note: String
    /// For a triggering example, where its findings stand.
    public var line: ExpectedLine?
    /// The description.
    public var body: String
    /// `pr_sections`.
    public var requiredSections: [String]

    /// Creates an example.
    public init(triggers: Bool, _ note: String, line: ExpectedLine? = nil, body: String, requiredSections: [String] = []) {
        self.triggers = triggers
        self.note = note
        self.line = line
        self.body = body
        self.requiredSections = requiredSections
    }
}

extension PullRequestBodyRule {
    /// Runs every example.
    public static func exampleRuns() -> [RuleExampleRun] {
        examples.map { example in
            RuleExampleRun(
                triggers: example.triggers, note: example.note, line: example.line,
                findings: check(example.body, requiredSections: example.requiredSections))
        }
    }
}

/// `pr_todo`: no `<!-- rationale:todo … -->` placeholder is left for the author to fill.
public enum PullRequestTodoRule: PullRequestBodyRule {
    public static let id = "pr_todo"
    public static let description = "every `rationale:todo` placeholder of the description is replaced by the author's words"
    public static let examples: [PullRequestBodyExample] = [
        .init(triggers: false, "filled in", body: "## Story\n\nWe checked row counts: 120 fewer rows, all cancelled.\n"),
        .init(
            triggers: true, "the drafted question left in place", line: .line(3),
            body: "## Story\n\n**Validation:** <!-- rationale:todo how you checked the data -->\n"),
        .init(triggers: false, "the marker quoted in code is no placeholder", body: "Drafts ask with `rationale:todo` comments.\n"),
    ]

    public static func check(_ body: String, requiredSections: [String]) -> [Finding] {
        var findings: [Finding] = []
        for (index, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let start = line.range(of: MarkdownSafety.todoOpen) else { continue }
            let rest = line[start.upperBound...]
            let what = (rest.range(of: "-->").map { rest[..<$0.lowerBound] } ?? rest).trimmingCharacters(in: .whitespaces)
            findings.append(
                Finding(
                    severity: .error, location: .init(file: PullRequestBodyRules.file, line: index + 1), ruleID: id,
                    message:
                        "the pull request description still asks for \(what.isEmpty ? "the author's words" : what): write it in place of the `<!-- rationale:todo … -->` comment"
                ))
        }
        return findings
    }
}

/// `pr_section`: every section `pr_sections` requires is present and not empty.
public enum PullRequestSectionRule: PullRequestBodyRule {
    public static let id = "pr_section"
    public static let description = "every section `pr_sections` in .rationale.yml requires is present and filled in"
    public static let examples: [PullRequestBodyExample] = [
        .init(triggers: false, "no section required", body: "Small fix.\n"),
        .init(triggers: false, "the section filled in", body: "## Validation\nRow counts match.\n", requiredSections: ["Validation"]),
        .init(triggers: true, "the section missing", line: ExpectedLine.none, body: "## Story\nA fix.\n", requiredSections: ["Validation"]),
        .init(
            triggers: true, "the section empty", line: .line(4), body: "## Story\nA fix.\n\n## Validation\n\n",
            requiredSections: ["Validation"]),
    ]

    public static func check(_ body: String, requiredSections: [String]) -> [Finding] {
        var findings: [Finding] = []
        let document = MarkdownDocument(body)
        for title in requiredSections {
            guard let section = document.section(title) else {
                findings.append(
                    Finding(
                        severity: .error, location: .init(file: PullRequestBodyRules.file), ruleID: id,
                        message: "the pull request description has no `\(title)` section: add it (`pr_sections` in .rationale.yml requires it)"))
                continue
            }
            if section.isEmpty {
                findings.append(
                    Finding(
                        severity: .error, location: .init(file: PullRequestBodyRules.file, line: section.line), ruleID: id,
                        message: "the `\(section.title)` section of the pull request description is empty: fill it in"))
            }
        }
        return findings
    }
}

/// `validation_without_evidence`: the description's validation cites evidence — a test run, a
/// figure, a query, a proof file or a link — not "looked fine".
public enum ValidationEvidenceRule: PullRequestBodyRule {
    public static let id = "validation_without_evidence"
    public static let description =
        "the `Validation` of the description cites evidence (a test run, a figure, a query, a proof file or a link), not \"looked fine\""

    /// The label the drafted narrative asks after.
    static let label = "**Validation:**"

    public static func check(_ body: String, requiredSections: [String]) -> [Finding] {
        var claims: [(line: Int, text: String)] = []
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // `**Validation:** text`, and the lines of its paragraph after it.
        for (index, line) in lines.enumerated() {
            guard let range = line.range(of: label) else { continue }
            var text = String(line[range.upperBound...])
            var next = index + 1
            while next < lines.count, !lines[next].trimmingCharacters(in: .whitespaces).isEmpty, MarkdownDocument.heading(lines[next]) == nil,
                !lines[next].hasPrefix("**")
            {
                text += "\n" + lines[next]
                next += 1
            }
            claims.append((index + 1, text))
        }
        // A `Validation` section.
        for section in MarkdownDocument(body).sections where section.title.trimmingCharacters(in: .whitespaces).lowercased() == "validation" {
            claims.append((section.line, section.visibleBody.map(\.text).joined(separator: "\n")))
        }
        return claims.compactMap { claim in
            // A placeholder left is pr_todo's to report, an empty section pr_section's.
            let text = claim.text.replacingOccurrences(of: #"<!--[\s\S]*?-->"#, with: "", options: .regularExpression)
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !claim.text.contains(MarkdownSafety.todoOpen),
                Substance.evidence(text) == nil
            else { return nil }
            let said = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
            return Finding(
                severity: .error, location: .init(file: PullRequestBodyRules.file, line: claim.line), ruleID: id,
                message:
                    "the validation (`\(said.count > 50 ? String(said.prefix(47)) + "…" : said)`) cites no evidence: name the test run, the figures, the query or the proof file, e.g. \"dbt build --select orders+: 14 tests pass; May revenue 1,204,330.12 before and after, to the cent\""
            )
        }
    }

    public static let examples: [PullRequestBodyExample] = [
        .init(triggers: false, "figures", body: "## Proof\n\n**Validation:** row counts match: 1,204 before and after.\n"),
        .init(triggers: false, "a test run", body: "**Validation:** dbt build on the branch, all tests passed.\n"),
        .init(triggers: false, "a named test", body: "## Validation\nThe new unique test on order_id holds.\n"),
        .init(triggers: false, "a proof file", body: "**Validation:** see proof/orders_compare.csv\n"),
        .init(triggers: true, "looked fine", line: .line(3), body: "## Proof\n\n**Validation:** looked fine\n"),
        .init(triggers: true, "a Validation section of words", line: .line(1), body: "## Validation\nI checked it and it works as expected now.\n"),
        .init(triggers: false, "still a placeholder: pr_todo's", body: "**Validation:** <!-- rationale:todo how you checked the data -->\n"),
    ]
}

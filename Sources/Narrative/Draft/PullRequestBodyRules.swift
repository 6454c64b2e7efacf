import Diagnostics
import Foundation
import Sessions

/// The rules for the PR body: no unfilled `rationale:todo`, required sections filled.
public enum PullRequestBodyRules {
    /// How findings name the pull request description (it is no file of the repository).
    public static let file = "pull request description"

    /// The findings for a PR description: every unfilled `rationale:todo` placeholder, and
    /// each required section missing or empty.
    public static func check(_ body: String, requiredSections: [String]) -> [Finding] {
        var findings: [Finding] = []
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            guard let start = line.range(of: MarkdownSafety.todoOpen) else { continue }
            let rest = line[start.upperBound...]
            let what = (rest.range(of: "-->").map { rest[..<$0.lowerBound] } ?? rest).trimmingCharacters(in: .whitespaces)
            findings.append(
                Finding(
                    severity: .error, location: .init(file: file, line: index + 1), ruleID: "pr_todo",
                    message:
                        "the pull request description still asks for \(what.isEmpty ? "the author's words" : what): write it in place of the `<!-- rationale:todo … -->` comment"
                ))
        }
        let document = MarkdownDocument(body.replacingOccurrences(of: "\r\n", with: "\n"))
        for title in requiredSections {
            guard let section = document.section(title) else {
                findings.append(
                    Finding(
                        severity: .error, location: .init(file: file), ruleID: "pr_section",
                        message: "the pull request description has no `\(title)` section: add it (`pr_sections` in .rationale.yml requires it)"))
                continue
            }
            if section.isEmpty {
                findings.append(
                    Finding(
                        severity: .error, location: .init(file: file, line: section.line), ruleID: "pr_section",
                        message: "the `\(section.title)` section of the pull request description is empty: fill it in"))
            }
        }
        return findings
    }
}

import Foundation
import Proof
import Sessions

/// Turns a draft into Markdown through the `PR_NARRATIVE.md` template, escaping every name and
/// copied text where it could break a table, a list or a Mermaid graph.
public enum NarrativeRenderer {
    /// Renders the draft with a template set holding `PR_NARRATIVE.md`.
    public static func markdown(_ draft: NarrativeDraft, templates: TemplateSet) throws -> String {
        let text = try templates.render("PR_NARRATIVE.md", values(draft))
        return collapseBlankLines(text)
    }

    /// The values the template sees.
    public static func values(_ draft: NarrativeDraft) -> [String: Any] {
        func quotes(_ list: [NarrativeDraft.Quote]) -> [[String: Any]] {
            list.map { quote in
                let attribution = draft.sessions.count > 1 ? " _(\(quote.session))_" : ""
                let text = MarkdownSafety.defuseMentions(MarkdownSafety.prose(quote.text))
                // After a fence line the attribution goes on a line of its own (text after a
                // closing fence would stop it closing).
                let lastLine = text.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
                let separator = !attribution.isEmpty && MarkdownFences.opening(ArraySlice(Array(lastLine.utf8))) != nil ? "\n" : ""
                return ["text": text + separator + attribution, "session": quote.session]
            }
        }
        var values: [String: Any] = [
            "title": MarkdownSafety.prose(MarkdownSafety.cell(draft.title)),
            "base": String(draft.base.prefix(10)),
            "problems": quotes(draft.problems),
            "reasoning": quotes(draft.reasoning),
            "summary": quotes(draft.summary),
            "excluded_scope": quotes(draft.excludedScope),
            "validation": quotes(draft.validation),
            "changes": draft.changes.map { group -> [String: Any] in
                var item: [String: Any] = [
                    "layer": group.layer,
                    "items": group.changes.map { change in
                        let kind = change.materialized.map { "\(change.type), \($0)" } ?? change.type
                        let deleted = change.role == "deleted" ? " — **deleted**" : ""
                        return "\(MarkdownSafety.code(change.name)) (\(kind))\(deleted): \(MarkdownSafety.cell(change.reasons.joined(separator: "; ")))"
                    },
                ]
                if group.more > 0 { item["more"] = String(group.more) }
                return item
            },
            "exclusions": draft.exclusions.map { exclusion in
                "Excluded \(exclusion.names.map(MarkdownSafety.code).joined(separator: ", ")): \(MarkdownSafety.cell(exclusion.reason.isEmpty ? "no reason given" : exclusion.reason))"
            },
            "deferred_loops": draft.deferredLoops.map(MarkdownSafety.cell),
            "risks": draft.risks.map { MarkdownSafety.cell($0.text) },
            "open_loops": draft.openLoops.map(MarkdownSafety.cell),
            "evidence_loops": draft.evidenceLoops.map(MarkdownSafety.cell),
            "answered_loops": draft.answeredLoops.map(MarkdownSafety.cell),
            "has_answered_loops": !draft.answeredLoops.isEmpty,
            "has_evidence_loops": !draft.evidenceLoops.isEmpty,
            "has_checkpoints": !draft.checkpoints.isEmpty,
            "checkpoints": draft.checkpoints.map { line in
                "[\(line.met ? "x" : " ")] **\(MarkdownSafety.prose(MarkdownSafety.cell(line.checkpoint)))**: \(MarkdownSafety.prose(MarkdownSafety.cell(line.requirement))) — \(MarkdownSafety.prose(MarkdownSafety.cell(line.detail)))"
            },
            "notes": draft.notes.map(MarkdownSafety.cell),
            "has_lineage": !draft.lineage.isEmpty,
            "has_excluded": !draft.excludedScope.isEmpty || !draft.exclusions.isEmpty || !draft.undiscussedDownstream.isEmpty || !draft.deferredLoops.isEmpty
                || !draft.packLeftOut.isEmpty,
        ]
        if !draft.lineage.isEmpty {
            values["lineage_table"] = lineageTable(draft)
            values["mermaid"] = mermaid(draft)
        }
        if !draft.attempts.isEmpty {
            values["attempts_table"] = attemptsTable(draft)
            values["attempts_note"] = attemptsNote(draft)
        }
        values["assumptions"] = assumptionItems(draft)
        values["has_assumptions"] = !draft.assumptions.isEmpty
        if draft.lineageMore > 0 { values["lineage_more"] = String(draft.lineageMore) }
        if !draft.undiscussedDownstream.isEmpty {
            values["undiscussed"] =
                draft.undiscussedDownstream.map(MarkdownSafety.code).joined(separator: ", ")
                + (draft.undiscussedMore > 0 ? " and \(draft.undiscussedMore) more" : "")
        }
        if !draft.proof.isEmpty, draft.runResults != nil { values["proof_table"] = proofTable(draft) }
        if let proof = draft.dataProof {
            var text = ProofMarkdown.render(proof.report, findings: proof.findings)
            text += "\nFrom \(MarkdownSafety.code(proof.file)) (`rationale prove`)."
            if let stale = proof.stale { text += " **\(MarkdownSafety.cell(stale))**" }
            values["data_proof"] = text
        }
        if let file = draft.runResults { values["run_results"] = file }
        if !draft.untested.isEmpty { values["untested"] = draft.untested.map(MarkdownSafety.code).joined(separator: ", ") }
        if !draft.packLeftOut.isEmpty {
            values["pack_left_out"] =
                draft.packLeftOut.prefix(12).map(MarkdownSafety.code).joined(separator: ", ")
                + (draft.packLeftOut.count > 12 ? " and \(draft.packLeftOut.count - 12) more" : "")
        }
        if draft.selector.isEmpty, draft.risks.contains(where: { $0.kind == "documentation_only" }) {
            values["docs_only"] = true
        }
        if !draft.selector.isEmpty {
            values["selector"] = draft.selector
            values["recheck"] = MarkdownSafety.inlineCode("dbt build --select " + draft.selector)
        }
        for todo in draft.todos {
            let key: String
            if todo.hasPrefix("what this pull request") {
                key = "todo_summary"
            } else if todo.hasPrefix("the problem") {
                key = "todo_problem"
            } else if todo.hasPrefix("why this change") {
                key = "todo_reasoning"
            } else if todo.hasPrefix("the root cause") {
                key = "todo_root_cause"
            } else {
                key = "todo_validation"
            }
            values[key] = MarkdownSafety.todo(todo)
        }
        return values
    }

    static func lineageTable(_ draft: NarrativeDraft) -> String {
        var lines = ["| node | layer | type | role |", "|---|---|---|---|"]
        for row in draft.lineage {
            let role = row.role == "downstream" ? "downstream (\(row.distance))" : "**\(row.role)**"
            lines.append("| \(MarkdownSafety.code(row.name)) | \(MarkdownSafety.cell(row.layer)) | \(row.type) | \(role) |")
        }
        return lines.joined(separator: "\n")
    }

    static func mermaid(_ draft: NarrativeDraft) -> String {
        var lines = ["graph LR"]
        for row in draft.lineage {
            let id = MarkdownSafety.mermaidID(row.uniqueID)
            let shape = row.type == "exposure" ? "([\(MarkdownSafety.mermaidLabel(row.name))])" : "[\(MarkdownSafety.mermaidLabel(row.name))]"
            lines.append("  \(id)\(shape)")
        }
        for row in draft.lineage {
            for parent in row.parents {
                lines.append("  \(MarkdownSafety.mermaidID(parent)) --> \(MarkdownSafety.mermaidID(row.uniqueID))")
            }
        }
        let changed = draft.lineage.filter { $0.role != "downstream" }.map { MarkdownSafety.mermaidID($0.uniqueID) }
        if !changed.isEmpty {
            lines.append("  classDef changed fill:#fde68a,stroke:#b45309")
            lines.append("  class \(changed.joined(separator: ",")) changed")
        }
        return lines.joined(separator: "\n")
    }

    static func proofTable(_ draft: NarrativeDraft) -> String {
        var lines = ["| model | role | tests | passed | failed | warned | skipped | not run | build |", "|---|---|---|---|---|---|---|---|---|"]
        for row in draft.proof {
            lines.append(
                "| \(MarkdownSafety.code(row.name)) | \(row.role) | \(row.tests) | \(row.passed) | \(row.failed) | \(row.warned) | \(row.skipped) | \(row.notRun) | \(row.buildStatus ?? "—") |"
            )
        }
        if draft.proofMore > 0 {
            lines.append("| …and \(draft.proofMore) more tested models, none failing | | | | | | | | |")
        }
        return lines.joined(separator: "\n")
    }

    /// At most one blank line in a row, and one final newline (template sections leave gaps).
    static func collapseBlankLines(_ text: String) -> String {
        var result: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty, result.last?.trimmingCharacters(in: .whitespaces).isEmpty ?? true { continue }
            result.append(line)
        }
        while let last = result.last, last.trimmingCharacters(in: .whitespaces).isEmpty { result.removeLast() }
        return result.joined(separator: "\n") + "\n"
    }
}

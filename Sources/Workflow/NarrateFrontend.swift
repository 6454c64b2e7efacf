import Diagnostics
import Foundation
import GitKit
import Lineage
import Narrative
import Proof
import Sessions

/// Composes the range, its sessions, the lineage engine and dbt's run results into the PR
/// narrative.
public enum NarrateFrontend {
    public struct Drafted {
        public var draft: NarrativeDraft
        public var markdown: String
        public var sessions: [SessionInput]
    }

    /// `manifests`, when given (absolute paths), answer the lineage from dbt's manifests instead
    /// of git; the sessions still come from the range.
    /// `proof`, when given, is a proof.json of `rationale prove` (its absolute path and how the
    /// user named it), shown under *Proof of correctness* with what it says against the sessions.
    public static func draft(
        _ workspace: Workspace, base: String, head: String?, runResults: String?,
        manifests: (path: String, state: String)? = nil, proof: (path: String, file: String)? = nil
    ) throws -> Drafted {
        let range = try RangeSessions.resolve(workspace, base: base, head: head)
        let changes = try workspace.repository.diff(from: .commit(range.mergeBase), to: .commit(range.head), renames: false)
        let sessions = try RangeSessions.read(workspace, range: range, changes: changes)
        let reports = try manifests.map { try manifestReports(workspace, $0) } ?? impactReports(workspace, range: range)

        var results: RunResults?
        var resultsFile: String?
        if let runResults {
            let path = runResults.hasPrefix("/") ? runResults : FileManager.default.currentDirectoryPath + "/" + runResults
            guard FileManager.default.fileExists(atPath: path) else { throw NarrateError.noRunResults(runResults) }
            results = try RunResults(path: path, file: runResults)
            resultsFile = runResults
        } else {
            // dbt's own file in the project, when a `dbt build` ran in this checkout.
            for report in reports {
                let relative = (report.project.root.isEmpty ? "" : report.project.root + "/") + "target/run_results.json"
                // `contained` refuses a path through a symbolic link; the reader bounds the size.
                let path = try workspace.contained(relative)
                if FileManager.default.fileExists(atPath: path) {
                    results = try RunResults(path: path, file: relative)
                    resultsFile = relative
                    break
                }
            }
        }
        var input = NarrativeBuilder.Input(
            base: range.mergeBase.hex, head: range.head.hex, reports: reports, sessions: sessions,
            runResults: results, runResultsFile: resultsFile)
        input.firstProblems = try firstProblems(workspace, range: range, sessions: sessions)
        var draft = NarrativeBuilder.build(input)
        if let proof {
            draft.dataProof = try dataProof(proof, range: range, sessions: sessions)
            // The proof says how the data was checked: no placeholder asks for it.
            draft.todos.removeAll { $0.hasPrefix("how you checked the data") }
        }
        if !workspace.config.checkpoints.isEmpty {
            draft.checkpoints = try checkpointLines(
                workspace, range: range, changes: changes, sessions: sessions, results: results, file: resultsFile,
                dataProof: draft.dataProof.map { ($0.report, $0.file) })
        }
        let markdown = try NarrativeRenderer.markdown(draft, templates: try workspace.templates())
        return Drafted(draft: draft, markdown: markdown, sessions: sessions)
    }

    /// A proof.json, with the proof rules over it and the range's sessions, and whether it is of
    /// the range's head.
    static func dataProof(_ proof: (path: String, file: String), range: RangeSessions.Range, sessions: [SessionInput]) throws
        -> NarrativeDraft.DataProof
    {
        guard FileManager.default.fileExists(atPath: proof.path) else { throw NarrateError.noProof(proof.file) }
        let report = try ProofReport.read(path: proof.path, file: proof.file)
        let findings = ProveFrontend.findings(report, file: proof.file, claims: ProveFrontend.claims(sessions))
        return NarrativeDraft.DataProof(
            file: proof.file, report: report, findings: findings, stale: ProveFrontend.staleness(report, file: proof.file, head: range.head))
    }

    /// Where each checkpoint that applies stands while the description is drafted (what the
    /// description itself will hold is for the gate to see).
    static func checkpointLines(
        _ workspace: Workspace, range: RangeSessions.Range, changes: [FileChange], sessions: [SessionInput], results: RunResults?, file: String?,
        dataProof: (report: ProofReport, file: String)? = nil
    ) throws -> [NarrativeDraft.CheckpointLine] {
        let change = try ChangeScope.analyse(
            workspace, [.range(base: range.base.hex, head: range.head.hex)], description: "the pull request")
        let proof = try results.map { results in
            try GateFrontend.proofInput(
                workspace, range: range, modified: change.modified, sessions: sessions, runResults: (results, file ?? "run_results.json"))
        }
        let input = CheckpointInput(
            checkpoints: workspace.config.checkpoints, modified: change.modified,
            paths: changes.flatMap { [$0.oldPath, $0.newPath] }.compactMap { $0 }, body: nil, sessions: sessions, proof: proof, dataProof: dataProof)
        return input.evaluate().flatMap { checkpoint, trigger, items in
            items.map { item in
                NarrativeDraft.CheckpointLine(
                    checkpoint: checkpoint.name, requirement: item.requirement.label, met: item.metBy != nil,
                    detail: item.metBy ?? "\(item.missing) (\(trigger))")
            }
        }
    }

    /// The problem statements as `session start --problem` recorded them, for the sessions that
    /// revised theirs since: the oldest committed SUMMARY.md of the range whose statement has the
    /// recorded fingerprint (at most the range's 200 newest commits are read).
    static func firstProblems(_ workspace: Workspace, range: RangeSessions.Range, sessions: [SessionInput]) throws -> [String: String] {
        let wanted = sessions.filter { ProblemRecord.revised($0) == true }
        guard !wanted.isEmpty else { return [:] }
        let commits = try workspace.repository.commits(from: range.head, excluding: range.mergeBase).prefix(200).reversed()
        var found: [String: String] = [:]
        for session in wanted {
            guard let recorded = session.metadata?.problem else { continue }
            let path = session.path(SessionInput.File.summary)
            for commit in commits {
                guard let entry = try workspace.repository.entries(of: .commit(commit.id), under: path).first(where: { $0.path == path }) else {
                    continue
                }
                let bytes = try workspace.repository.read(entry)
                guard bytes.count < 1 << 20, let statement = ProblemRecord.statement(in: String(decoding: bytes, as: UTF8.self)),
                    ProblemRecord.digest(statement) == recorded
                else { continue }
                found[session.name] = statement
                break
            }
        }
        return found
    }

    /// The impact of the range with attached tests; none when the repository has no dbt project.
    public static func impactReports(_ workspace: Workspace, range: RangeSessions.Range) throws -> [ImpactReport] {
        do {
            return try workspace.impact(
                [.range(base: range.base.hex, head: range.head.hex)],
                options: ImpactOptions(downstream: workspace.config.downstream, withTests: true)
            ).flatMap(\.reports)
        } catch LineageError.noProject {
            return []
        }
    }

    /// The impact from dbt's manifests, each report saying so in its notes.
    public static func manifestReports(_ workspace: Workspace, _ manifests: (path: String, state: String)) throws -> [ImpactReport] {
        let result = try ManifestImpact.run(
            manifest: manifests.path, state: manifests.state,
            options: ImpactOptions(downstream: workspace.config.downstream, withTests: true))
        AnswerKeeper.keep(result)
        return result.reports.map { report in
            var report = report
            report.notes.insert(
                ImpactNote(code: "manifest", message: "Lineage answered from dbt's manifests (\(result.head) against the state \(result.base)), not from git."),
                at: 0)
            return report
        }
    }

    /// The draft plus a compact context pack, as one text any agent can be asked to turn into prose.
    public static func prompt(_ drafted: Drafted) -> String {
        var lines = [
            "You are helping the author of a dbt pull request write its description. Keep their reasoning:",
            "do not invent causes, numbers or validation. Keep every `<!-- rationale:todo … -->` comment where",
            "only the author can answer, and ask them instead. Write short prose, reasoning first, no",
            "file-by-file walkthrough, no repetition. Keep the section headings and the lineage table.",
            "",
            "## Context",
        ]
        for session in drafted.sessions {
            lines.append("")
            lines.append("### Session \(session.name)")
            for title in ["Problem, in my words", "Reasoning", "Excluded scope", "Context decisions"] {
                if let text = NarrativeBuilder.sectionText(session, title), !text.isEmpty {
                    lines.append("**\(title):** " + text)
                }
            }
        }
        if drafted.sessions.isEmpty { lines.append("(No session in this range: ask the author for the problem and the reasoning.)") }
        lines.append("")
        lines.append("## Draft")
        lines.append("")
        lines.append(drafted.markdown)
        let text = lines.joined(separator: "\n")
        return text + "\n(≈\(TokenEstimate.tokens(text)) tokens, \(TokenEstimate.method))\n"
    }
}

public enum NarrateError: Error, LocalizedError {
    case noRunResults(String)
    case noProof(String)

    public var errorDescription: String? {
        switch self {
        case .noRunResults(let path):
            return "--run-results \(path): no such file; run `dbt build` first (it writes target/run_results.json) or leave the option out"
        case .noProof(let path):
            return
                "--proof \(Echo.shortened(path)): no such file — write it with `rationale prove --state <production artifacts> --format json --output \(Echo.shortened(path))`"
        }
    }
}

import Diagnostics
import Foundation
import GitKit
import Lineage
import Narrative
import Proof
import Sessions

/// The CI merge gate: a range that changes gated paths needs sessions that validate and cover
/// every modified model, a PR body without unfilled placeholders, and no forbidden skips.
public enum GateFrontend {
    public struct Outcome: Encodable {
        public var result: Verdict
        public var findings: [Finding]
        public var gatedFiles: [String]
        public var modified: [ModifiedNode]
        public var sessions: [String]
        /// Commits carrying a `Rationale-Skip:` trailer, as `<short id>: <reason>`.
        public var skips: [String]
        /// Where the PR body came from, if one was checked.
        public var prBody: String?

        public var passed: Bool { result != .failed }
    }

    /// The PR body to check and where it came from.
    public struct PullRequestBody {
        public var text: String
        public var source: String

        public init(text: String, source: String) {
            self.text = text
            self.source = source
        }
    }

    public static let prFile = PullRequestBodyRules.file

    /// - Parameters:
    ///   - runResults: dbt's run results, how the user named the file, and its absolute path.
    ///   - proof: `rationale prove`'s proof.json: its absolute path and how the user named it.
    public static func run(
        _ workspace: Workspace, base: String, head: String?, body: PullRequestBody?,
        runResults: (results: RunResults, file: String, path: String)? = nil, proof dataProof: (path: String, file: String)? = nil
    ) throws -> Outcome {
        let repository = workspace.repository
        let range = try RangeSessions.resolve(workspace, base: base, head: head)
        // Submodule bumps count: a gitlink under a gated path is a change to explain.
        let changes = try repository.diff(from: .commit(range.mergeBase), to: .commit(range.head), renames: false, submodules: true)
        let sessionsPrefix = workspace.config.sessions + "/"
        let paths = changes.flatMap { [$0.oldPath, $0.newPath] }.compactMap { $0 }.filter { !$0.hasPrefix(sessionsPrefix) }
        let globs =
            try CheckFrontend.gatedGlobs(workspace, paths: paths, in: .commit(range.head))
            + CheckFrontend.gatedGlobs(workspace, paths: paths, in: .commit(range.mergeBase))
        let gated = Array(Set(paths.filter { path in globs.contains { $0.matches(path) } })).sorted()
        guard !gated.isEmpty else {
            return Outcome(result: .outOfScope, findings: [], gatedFiles: [], modified: [], sessions: [], skips: [], prBody: body?.source)
        }

        let change = try ChangeScope.analyse(
            workspace, [.range(base: range.base.hex, head: range.head.hex)],
            description: "\(range.head.abbreviated()) against merge-base \(range.mergeBase.abbreviated())")
        let sessions = try RangeSessions.read(workspace, range: range, changes: changes)
        var findings: [Finding] = []
        if sessions.isEmpty {
            findings.append(
                CheckFrontend.noSession(
                    workspace, change: change, gated: gated,
                    submodules: gated.filter(CheckFrontend.submodulePaths(changes).contains), staged: false))
        } else {
            let statePath = workspace.config.stateFile
            let state = try repository.entries(of: .commit(range.head), under: statePath).first { $0.path == statePath }
                .map { (statePath, String(decoding: try repository.read($0), as: UTF8.self)) }
            findings += SessionValidator.validate(
                sessions: sessions,
                RuleContext(
                    requiredSections: workspace.config.requiredSections, modified: change.modified,
                    state: state, stateLimit: workspace.config.stateLimit, touched: try change.touched(workspace),
                    reasoningSteps: workspace.config.reasoningSteps))
        }

        if let body { findings += PullRequestBodyRules.check(body.text, requiredSections: workspace.config.prSections) }
        var proof: ProofInput?
        if let runResults {
            var input = try proofInput(
                workspace, range: range, modified: change.modified, sessions: sessions, runResults: (runResults.results, runResults.file))
            input.committed = try committed(workspace, runResults.path, range: range)
            findings += Rules.proofRules.flatMap { $0.check(input) }
            proof = input
        }
        var report: ProofReport?
        if let dataProof {
            let read = try proofReport(workspace, dataProof, range: range)
            findings += Rules.proveRules.flatMap { rule in
                rule.check(
                    ProveRuleInput(
                        report: read.report, file: dataProof.file, claims: ProveFrontend.claims(sessions), head: range.head.hex, committed: read.committed,
                        modified: change.modified.filter { ["model", "seed", "snapshot"].contains($0.resourceType) && !$0.deleted }.map(\.uniqueID)))
            }
            report = read.report
        }
        if !workspace.config.checkpoints.isEmpty {
            findings += CheckpointRule.check(
                CheckpointInput(
                    checkpoints: workspace.config.checkpoints, modified: change.modified,
                    paths: changes.flatMap { [$0.oldPath, $0.newPath] }.compactMap { $0 }, body: body?.text, sessions: sessions, proof: proof,
                    dataProof: report.map { ($0, dataProof?.file ?? "proof.json") }))
        }

        var skips: [String] = []
        for commit in try repository.commits(from: range.head, excluding: range.mergeBase) {
            for reason in commit.trailers("Rationale-Skip") {
                skips.append("\(commit.id.abbreviated()): \(reason)")
            }
        }
        findings += Rules.rangeRules.flatMap { $0.check(skips: skips, allowSkips: workspace.config.allowSkips) }
        let failed = findings.contains { $0.severity == .error }
        return Outcome(
            result: failed ? .failed : .passed, findings: findings, gatedFiles: gated, modified: change.modified,
            sessions: sessions.map(\.folder), skips: skips, prBody: body?.source)
    }

    /// A proof.json, and whether the pull request itself commits it.
    static func proofReport(_ workspace: Workspace, _ file: (path: String, file: String), range: RangeSessions.Range) throws -> (
        report: ProofReport, committed: Bool
    ) {
        guard FileManager.default.fileExists(atPath: file.path) else { throw NarrateError.noProof(file.file) }
        let report = try ProofReport.read(path: file.path, file: file.file)
        return (report, try committed(workspace, file.path, range: range))
    }

    /// Whether the file at `path` (absolute) is in the head commit of the range.
    static func committed(_ workspace: Workspace, _ path: String, range: RangeSessions.Range) throws -> Bool {
        let root = workspace.root.hasSuffix("/") ? workspace.root : workspace.root + "/"
        let standardized = (path as NSString).standardizingPath
        guard standardized.hasPrefix(root) else { return false }
        let relative = String(standardized.dropFirst(root.count))
        return try !workspace.repository.entries(of: .commit(range.head), under: relative).filter { $0.path == relative }.isEmpty
    }

    /// What the proof rules look at: the nodes the range reaches and their tests, the sessions'
    /// text, the head commit's date.
    static func proofInput(
        _ workspace: Workspace, range: RangeSessions.Range, modified: [ModifiedNode], sessions: [SessionInput],
        runResults: (results: RunResults, file: String)
    ) throws -> ProofInput {
        var reached: [String: String] = [:]
        var tests: [String: String] = [:]
        do {
            let results = try workspace.impact(
                [.range(base: range.base.hex, head: range.head.hex)], options: ImpactOptions(downstream: nil, upstream: 0, withTests: true))
            for report in results.flatMap(\.reports) {
                for item in report.nodes where item.role != .upstream { reached[item.node.uniqueID] = item.node.versionedName }
                for test in report.tests where reached[test.attachedTo] != nil { tests[test.name] = test.attachedTo }
            }
        } catch LineageError.noProject {}
        let texts = sessions.flatMap { session in session.files.sorted { $0.key < $1.key }.map { (session.path($0.key), $0.value) } }
        return ProofInput(
            results: runResults.results, file: runResults.file, modified: modified, reached: reached, tests: tests, sessions: texts,
            head: try lastCodeCommitDate(workspace, range: range))
    }

    /// When the newest commit of the range that changes more than session files was made: a
    /// build before a commit that only closes a session still describes the code. At most 200
    /// commits are looked at; past them, the head's date.
    static func lastCodeCommitDate(_ workspace: Workspace, range: RangeSessions.Range) throws -> Date {
        let repository = workspace.repository
        let sessions = workspace.config.sessions + "/"
        for commit in try repository.commits(from: range.head, excluding: range.mergeBase).prefix(200) {
            let parent = try repository.firstParent(of: commit.id)
            let changes = try repository.diff(from: parent.map(Snapshot.commit) ?? .empty, to: .commit(commit.id), renames: false)
            if changes.contains(where: { change in change.paths.contains { !$0.hasPrefix(sessions) } }) {
                return try repository.commitDate(commit.id)
            }
        }
        return try repository.commitDate(range.head)
    }

    /// GitHub Actions workflow commands for the findings (`::error file=…,line=…::…`).
    public static func annotations(_ findings: [Finding]) -> String {
        findings.map { finding in
            let command = finding.severity == .error ? "error" : (finding.severity == .warning ? "warning" : "notice")
            let location = finding.location.flatMap { $0.file == prFile ? nil : $0 }
            return WorkflowOutput.annotation(
                command, file: location?.file, line: location?.line,
                title: "rationale " + finding.ruleID, message: finding.message)
        }.joined(separator: "\n")
    }

    /// The Markdown job summary.
    public static func summary(_ outcome: Outcome) -> String {
        var lines: [String] = []
        switch outcome.result {
        case .outOfScope:
            lines.append("### rationale gate: passed — no dbt model, macro, seed or snapshot changed")
        case .passed:
            lines.append("### rationale gate: passed")
            lines.append("")
            lines.append(
                "\(outcome.modified.count) modified model\(outcome.modified.count == 1 ? "" : "s") explained by \(outcome.sessions.map { MarkdownSafety.code($0) }.joined(separator: ", "))."
            )
        case .failed, .skipped:
            lines.append("### rationale gate: failed")
            lines.append("")
            lines.append("This pull request changes dbt code without the reasoning a reviewer needs. Fix each item, push, and the check runs again.")
        }
        if !outcome.findings.isEmpty {
            lines.append("")
            lines.append("| | where | problem | rule |")
            lines.append("|---|---|---|---|")
            for finding in outcome.findings {
                let place = finding.location.map { $0.file + ($0.line.map { ":\($0)" } ?? "") } ?? ""
                lines.append("| \(finding.severity.rawValue) | \(MarkdownSafety.cell(place)) | \(MarkdownSafety.cell(finding.message)) | `\(finding.ruleID)` |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

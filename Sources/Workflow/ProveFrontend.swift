import Diagnostics
import Foundation
import GitKit
import Lineage
import Proof
import Sessions

/// `rationale prove`: production against the branch through the user's own dbt — which models
/// from dbt's manifests, what the sessions claim from git, the checks from dbt — into a proof.
public enum ProveFrontend {
    /// What to prove and how; paths are absolute, `…Shown` as the user gave them.
    public struct Options: Sendable {
        public var base: String?
        public var head: String?
        /// Production's artifacts: a folder holding manifest.json, or the file.
        public var state: String
        public var stateShown: String
        /// The branch's manifest; nil: `target/manifest.json` in the project.
        public var manifest: String?
        public var manifestShown: String?
        /// The dbt project folder; nil: `project:` of .rationale.yml, else the one the repository holds.
        public var projectDirectory: String?
        public var target: String?
        public var select: [String] = []
        /// Edges below the modified models to prove (1: direct children).
        public var downstream = 1
        /// `--dbt`: a path or a name on PATH.
        public var dbt: String?
        public var timeout: TimeInterval = DbtRunner.defaultTimeout
        /// The environment dbt runs with.
        public var environment: [String: String]
        /// The folder the command runs in (relative `--dbt` and PATH entries).
        public var directory: String
        /// How findings name the proof (the file it is written to).
        public var proofName = "proof.json"

        public init(state: String, stateShown: String, environment: [String: String], directory: String) {
            self.state = state
            self.stateShown = stateShown
            self.environment = environment
            self.directory = directory
        }
    }

    /// The proof and what the data says against the sessions.
    public struct Outcome: Sendable {
        public var report: ProofReport
        public var findings: [Finding]
        public var passed: Bool { !findings.contains { $0.severity == .error } }
    }

    /// Proves the change; `progress` hears each step (for a terminal).
    ///
    /// - Throws: ``ProofError`` (no dbt, no manifest, dbt's own failure passed on, a modified model
    ///   not built), ``LineageError`` (an unreadable manifest), git errors for a bad `--base`.
    public static func run(_ workspace: Workspace, _ options: Options, progress: (String) -> Void = { _ in }) throws -> Outcome {
        let project = try projectDirectory(workspace, options)
        let manifest = options.manifest ?? (project as NSString).appendingPathComponent("target/manifest.json")
        let manifestShown = options.manifestShown ?? relative(manifest, to: options.directory)
        guard FileManager.default.fileExists(atPath: manifest) else { throw ProofError.noManifest(manifestShown) }
        let state = ManifestImpact.stateManifest(options.state)
        guard FileManager.default.fileExists(atPath: state) else { throw ProofError.noProductionManifest(options.stateShown) }
        // The executable first: without dbt nothing else is worth reading.
        let executable = try DbtRunner.locate(options.dbt, path: options.environment["PATH"], directory: options.directory)

        progress("reading the manifests")
        let impact = try ManifestImpact.run(manifest: manifest, state: state, options: ImpactOptions(downstream: nil, withTests: false))
        AnswerKeeper.keep(impact)
        let production = try ManifestRelations.read(path: state, file: options.stateShown)
        let branch = try ManifestRelations.read(path: manifest, file: manifestShown)

        let range = try sessionRange(workspace, options)
        let sessions =
            try range.map { range in
                try RangeSessions.read(
                    workspace, range: range,
                    changes: try workspace.repository.diff(from: .commit(range.mergeBase), to: .commit(range.head), renames: false))
            } ?? []
        let claims = claims(sessions)
        let plan = ProofPlan.make(
            impact: impact.reports.flatMap(\.nodes), production: production, branch: branch, depth: options.downstream,
            excluded: Set(claims.exclusions.flatMap(\.names)), select: options.select)
        if !options.select.isEmpty {
            let found = Set(plan.items.flatMap { [$0.name, $0.uniqueID] })
            let unknown = options.select.filter { !found.contains($0) }
            if !unknown.isEmpty { throw ProofError.unknownSelection(unknown) }
        }

        let runner = DbtRunner(
            executable: executable, projectDirectory: project, target: options.target, environment: options.environment, timeout: options.timeout)
        var models: [ModelProof] = []
        var dbt = ProofReport.DbtRun(executable: executable, version: nil, adapter: nil, invocations: 0, seconds: 0)
        var target = options.target
        if !plan.items.isEmpty {
            progress("proving \(plan.items.count) model\(plan.items.count == 1 ? "" : "s") through \(executable)")
            let outcome = try Prover.run(plan, runner: runner, progress: progress)
            models = outcome.models
            dbt = outcome.dbt
            target = outcome.target
        }
        var notes = impact.reports.flatMap(\.notes).map(\.message)
        if range == nil { notes.append("no range of commits (pass --base): the sessions' exclusions and claims were not checked") }
        var report = ProofReport(
            tool: "rationale \(Tool.version)", generatedAt: timestamp(), base: range?.mergeBase.hex, head: range?.head.hex, state: options.stateShown,
            manifest: manifestShown, target: target, dbt: dbt, models: models, notes: notes)
        let findings = Self.findings(report, file: options.proofName, claims: claims)
        report.findings = findings
        return Outcome(report: report, findings: findings)
    }

    /// Why a proof may not be of the commit `head`, or nil when it is.
    public static func staleness(_ report: ProofReport, file: String, head: ObjectID) -> String? {
        guard let proved = report.head else {
            return "\(file) names no commit (it was proved without a range): prove again with --base on this commit"
        }
        guard proved != head.hex else { return nil }
        return "\(file) is of commit \(proved.prefix(10)), not of the head \(head.abbreviated()): prove again on this commit"
    }

    /// Every proof rule over a proof and the sessions' claims.
    public static func findings(_ report: ProofReport, file: String, claims: ProofClaims) -> [Finding] {
        Rules.proveRules.flatMap { $0.check(ProveRuleInput(report: report, file: file, claims: claims)) }
    }

    /// What the sessions claim: their exclusions (the author's, not the context pack's), the
    /// nodes their *What was done* names (in backticks, or names with `_` or a digit: a plain
    /// word such as "orders" is prose), and whether the work is a refactor.
    public static func claims(_ sessions: [SessionInput]) -> ProofClaims {
        var claims = ProofClaims()
        for session in sessions {
            let summary = session.path(SessionInput.File.summary)
            for decision in session.decisions.authorDecisions where decision.verdict == .excluded {
                claims.exclusions.append(.init(names: decision.names, reason: decision.reason, file: decision.file, line: decision.line))
            }
            if session.metadata?.kind == "refactor" { claims.unchangedExpected = true }
            guard let text = session.files[SessionInput.File.summary], let done = MarkdownDocument(text).section("What was done") else { continue }
            for line in done.body {
                for name in namedNodes(line.text) { claims.claims.append(.init(name: name, file: summary, line: line.number)) }
            }
        }
        return claims
    }

    /// The names a line of prose gives to nodes: words in backticks, and words with `_` or a digit.
    static func namedNodes(_ text: String) -> [String] {
        var names: [String] = []
        let quoted = text.split(separator: "`", omittingEmptySubsequences: false)
        for (index, part) in quoted.enumerated() where index % 2 == 1 && !part.isEmpty && !part.contains(" ") { names.append(String(part)) }
        for word in text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
        where word.contains("_") || word.contains(where: \.isNumber) && word.first?.isLetter == true {
            names.append(String(word))
        }
        return Array(Set(names)).sorted()
    }

    /// The dbt project folder.
    static func projectDirectory(_ workspace: Workspace, _ options: Options) throws -> String {
        if let folder = options.projectDirectory { return folder }
        if let configured = workspace.config.project { return configured.isEmpty ? workspace.root : try workspace.contained(configured) }
        if FileManager.default.fileExists(atPath: (workspace.root as NSString).appendingPathComponent("dbt_project.yml")) { return workspace.root }
        guard let head = try workspace.repository.headCommit() else { return workspace.root }
        let files = try workspace.repository.entries(of: .commit(head)).filter { $0.path.hasSuffix("dbt_project.yml") }
        let folders = ImpactEngine.projectFiles(in: files)
        guard folders.count == 1, let folder = folders.first else { return workspace.root }
        return try workspace.contained(folder)
    }

    /// The range the sessions come from: `--base` (and `--head`), else where HEAD left the
    /// default branch; nil on the default branch itself.
    static func sessionRange(_ workspace: Workspace, _ options: Options) throws -> RangeSessions.Range? {
        if let base = options.base { return try RangeSessions.resolve(workspace, base: base, head: options.head) }
        guard let point = try workspace.branchPoint() else { return nil }
        return try RangeSessions.resolve(workspace, base: point.mergeBase.hex, head: options.head)
    }

    static func relative(_ path: String, to directory: String) -> String {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}

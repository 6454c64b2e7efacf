import Workflow
import ArgumentParser
import Diagnostics
import Foundation
import Narrative

extension Rationale {
    /// `rationale gate`: the required CI check.
    struct Gate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gate",
            abstract: "The CI merge gate: fail a pull request that changes dbt code without its reasoning.",
            discussion: """
                Compares head with merge-base(base, head). When the range changes gated paths, it \
                fails (exit 1) if no session in the range explains the change, a session fails its \
                rules, a modified model is named by no session, the PR description still holds a \
                `<!-- rationale:todo … -->` or an empty required section (`pr_sections`), or a \
                `Rationale-Skip:` trailer appears while `skips: forbid`. Out-of-scope ranges pass at \
                once (exit 0): run the job on every pull request, never behind path filters.

                The PR description comes from --pr-body-file; in CI it is fetched from the API \
                (GITHUB_TOKEN, or RATIONALE_GITLAB_TOKEN) — the event's copy may be stale — falling \
                back to the GitHub event file or $CI_MERGE_REQUEST_DESCRIPTION. In GitHub Actions \
                findings are also written as annotations, and as a job summary to $GITHUB_STEP_SUMMARY.

                Examples:
                  rationale gate --base origin/main
                  rationale gate --base "$BASE_SHA" --head "$HEAD_SHA" --format json
                  rationale gate --base main --pr-body-file body.md
                  rationale gate --base main --proof proof.json      # and rationale prove's data proof
                """
        )

        @Option(name: .long, help: "The branch the pull request merges into (in CI: the event's base commit).")
        var base: String?

        @Option(name: .long, help: "The pull request's head (default HEAD).")
        var head: String?

        @Option(name: .long, help: "A file holding the PR description (default: from the CI event).")
        var prBodyFile: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "dbt's target/run_results.json of this head: a failed test or model the change reaches, or a modified model no test ran on, fails the gate unless a session says why.",
                valueName: "file"))
        var runResults: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "`rationale prove`'s proof.json of this head: a model a session excluded whose data changed, or a key the change breaks, fails the gate; checkpoints may require it (`proof: required`).",
                valueName: "file"))
        var proof: String?

        @Option(name: .long, help: "Output format: text, json.")
        var format: ReportFormat = .text

        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            try runReportingErrors {
                let environment = ProcessInfo.processInfo.environment
                let workspace = try Workspace.open(repository.resolvedDirectory)
                let body = try PullRequestBodySource.read(file: prBodyFile, environment: environment)
                // In CI the event names both commits (a pull request, or a merge queue group); a
                // broken event file is said, not read as "no base".
                let context = base == nil ? try CIContext.detect(environment: environment) : nil
                guard let baseRevision = base ?? context?.baseSHA else { throw GateError.noBase }
                let headRevision = head ?? (base == nil ? context?.headSHA : nil)
                let proof = try runResults.map { file in
                    let path = file.hasPrefix("/") ? file : (repository.resolvedDirectory as NSString).appendingPathComponent(file)
                    guard FileManager.default.fileExists(atPath: path) else { throw GateError.noRunResults(file) }
                    return (results: try RunResults(path: path, file: file), file: file, path: path)
                }
                let dataProof = self.proof.map { file in
                    (path: file.hasPrefix("/") ? file : (repository.resolvedDirectory as NSString).appendingPathComponent(file), file: file)
                }
                let outcome = try GateFrontend.run(workspace, base: baseRevision, head: headRevision, body: body, runResults: proof, proof: dataProof)
                switch format {
                case .json:
                    emit(FindingsOutput.json(outcome))
                case .text:
                    var lines: [String] = []
                    if !outcome.findings.isEmpty { lines.append(FindingsOutput.text(outcome.findings)) }
                    switch outcome.result {
                    case .outOfScope: lines.append("rationale gate: passed — the range changes no gated dbt path")
                    case .passed:
                        lines.append(
                            "rationale gate: passed — \(outcome.modified.count) modified model\(outcome.modified.count == 1 ? "" : "s") explained by \(outcome.sessions.map(ConsoleText.oneLine).joined(separator: ", "))"
                        )
                    case .failed, .skipped: lines.append("rationale gate: failed — fix the findings above and push again")
                    }
                    emit(lines.joined(separator: "\n"))
                }
                if environment["GITHUB_ACTIONS"] == "true", !outcome.findings.isEmpty {
                    emitWorkflowCommands(GateFrontend.annotations(outcome.findings))
                }
                if let summary = environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty {
                    // A summary that cannot be written costs the reader a table, not the check.
                    try? WorkflowOutput.appendSummary(GateFrontend.summary(outcome), to: summary)
                }
                if !outcome.passed { throw ExitCode(1) }
            }
        }
    }
}

/// Where the gate reads the PR description from: a file; else, in CI, the API (the event file
/// may hold a body edited since the run started), falling back to the event's copy.
enum PullRequestBodySource {
    static func read(file: String?, environment: [String: String]) throws -> GateFrontend.PullRequestBody? {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw GateError.noBodyFile(file) }
            return .init(text: String(decoding: data, as: UTF8.self), source: file)
        }
        guard let context = try CIContext.detect(environment: environment), context.pullRequest != nil, !context.isMergeGroup else {
            return nil
        }
        var fallback = context.eventBody ?? (context.forge == .gitlab ? environment["CI_MERGE_REQUEST_DESCRIPTION"] : nil)
        let where_ = context.forge == .github ? "the GitHub event" : "CI_MERGE_REQUEST_DESCRIPTION"
        if context.token != nil {
            let exchange = try Network.required()
            do {
                let body = try context.makeForge(exchange: exchange, limits: ForgeLimits(environment: environment)).fetchBody()
                return .init(text: body, source: "the API (\(context.pullRequestName))")
            } catch {
                let reason = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
                guard let text = fallback else { throw error }
                return .init(text: text, source: "\(where_) (the API could not be read: \(reason))")
            }
        }
        if fallback == nil, context.forge == .github { fallback = "" }
        return fallback.map { .init(text: $0, source: where_) }
    }
}

enum GateError: Error, LocalizedError {
    case noBodyFile(String)
    case noBase
    case noRunResults(String)

    var errorDescription: String? {
        switch self {
        case .noBodyFile(let path): return "--pr-body-file \(Echo.shortened(path)): no such file"
        case .noRunResults(let path):
            return "--run-results \(Echo.shortened(path)): no such file — pass the run_results.json `dbt build` wrote in target/, or leave the option out"
        case .noBase: return "no base to compare with: pass --base REV (the branch the pull request merges into), or run on a pull_request or merge_group event"
        }
    }
}

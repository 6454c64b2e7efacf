import ArgumentParser
import Foundation
import Narrative
import Proof
import Workflow

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Rationale {
    /// `rationale prove`: production against the branch, through the user's own dbt.
    struct Prove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prove",
            abstract: "Prove a change from data: compare production and the branch through your own dbt.",
            discussion: """
                For each model, seed and snapshot the change modifies (dbt's state:modified, from the \
                branch's target/manifest.json against --state) and its direct children (more with \
                --downstream), it asks your dbt — one `dbt show` for up to 25 models, with your \
                profile, target and credentials — for the row counts of both sides, the columns \
                added, removed or retyped, duplicates and nulls of the primary key (a primary_key \
                constraint, or unique and not_null tests) on each side, and for the columns the diff \
                touches a value diff joined on the key: rows changed, added and removed, with a few \
                examples. Models a session excluded as unaffected whose data changed are flagged \
                (exit 1), and so are modified models whose data did not change.

                Build the branch first: dbt build --select state:modified+ --defer --state DIR. \
                Production's relations must be readable from the branch's target (as with --defer).

                Examples:
                  rationale prove --state prod-artifacts/
                  rationale prove --base origin/main --state prod-artifacts/ --target dev --format json --output proof.json
                  rationale prove --state prod-artifacts/ --select stg_orders orders --downstream 0
                  rationale narrate --base origin/main --proof proof.json
                """
        )

        @Option(
            name: .long,
            help: "The branch the change merges into: its sessions' exclusions and claims are checked (default: where HEAD left the default branch).")
        var base: String?

        @Option(name: .long, help: "The change's head commit (default HEAD).")
        var head: String?

        @Option(name: .long, help: ArgumentHelp("Production's dbt artifacts: a folder holding manifest.json, or the file.", valueName: "dir"))
        var state: String

        @Option(name: .long, help: ArgumentHelp("The branch's manifest (default: target/manifest.json in the dbt project).", valueName: "path"))
        var manifest: String?

        @Option(name: .long, help: ArgumentHelp("The dbt project folder (default: project: of .rationale.yml, else the repository's).", valueName: "dir"))
        var projectDir: String?

        @Option(name: .long, help: ArgumentHelp("The dbt target the branch was built with (default: the profile's).", valueName: "name"))
        var target: String?

        @Option(
            name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("Prove these models (names or unique ids) instead of the modified ones.", valueName: "model"))
        var select: [String] = []

        @Option(name: .long, help: "Edges below the modified models to prove (1: their direct children).")
        var downstream: Int = 1

        @Option(name: .long, help: "Output format: markdown, json (proof.json, docs/PROOF_JSON.md).")
        var format: NarrativeFormat = .markdown

        @Option(name: .long, help: "Write to this file instead of standard output (nothing is written when the proof cannot be made).")
        var output: String?

        @Option(name: .long, help: ArgumentHelp("The dbt executable: a path, or a name on PATH (default dbt).", valueName: "path"))
        var dbt: String?

        @Option(name: .long, help: ArgumentHelp("Stop a dbt invocation that runs longer than this.", valueName: "seconds"))
        var timeout: Int = Int(DbtRunner.defaultTimeout)

        @OptionGroup var repository: RepositoryOptions

        func validate() throws {
            if downstream < 0 { throw ValidationError("--downstream must be 0 or more") }
            if timeout < 1 { throw ValidationError("--timeout must be 1 second or more") }
        }

        func run() throws {
            try runReportingErrors {
                let environment = ProcessInfo.processInfo.environment
                let directory = repository.resolvedDirectory
                let absolute = { (path: String) in path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path) }
                let workspace = try Workspace.open(directory)
                // dbt gets the user's environment (profiles read credentials from it) but not the
                // forge tokens rationale holds: the branch's own Jinja runs inside that dbt.
                let dbtEnvironment = environment.filter { !Console.secretVariables.contains($0.key) }
                var options = ProveFrontend.Options(state: absolute(state), stateShown: state, environment: dbtEnvironment, directory: directory)
                // In CI the event names the base; elsewhere the default branch's merge-base.
                options.base = try base ?? CIContext.detect(environment: environment)?.baseSHA
                options.head = head
                options.manifest = manifest.map(absolute)
                options.manifestShown = manifest
                options.projectDirectory = projectDir.map(absolute)
                options.target = target
                options.select = select
                options.downstream = downstream
                options.dbt = dbt
                options.timeout = TimeInterval(timeout)
                options.proofName = output ?? "proof.json"
                let terminal = isatty(STDERR_FILENO) == 1
                let outcome = try ProveFrontend.run(workspace, options) { step in
                    if terminal { emitError("prove: " + step) }
                }
                let text: String
                switch format {
                case .json: text = outcome.report.encoded()
                case .markdown: text = ProofMarkdown.render(outcome.report, findings: outcome.findings)
                }
                if let output {
                    do {
                        try Data(text.utf8).write(to: URL(fileURLWithPath: absolute(output)), options: .atomic)
                    } catch {
                        throw WorkspaceError.cannotWrite(output, error.localizedDescription)
                    }
                    var lines = outcome.findings.map(\.textLine)
                    let changed = outcome.report.models.filter { $0.dataChanged == true }.count
                    lines.append(
                        "rationale prove: \(outcome.report.models.count) model\(outcome.report.models.count == 1 ? "" : "s") proved, \(changed) with changed data → \(output)"
                    )
                    emit(lines.joined(separator: "\n"))
                } else {
                    emit(text, newline: false)
                }
                if !outcome.passed { throw ExitCode(1) }
            }
        }
    }
}

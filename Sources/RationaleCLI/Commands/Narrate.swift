import Workflow
import ArgumentParser
import Foundation

extension Rationale {
    /// `rationale narrate`: the pull-request narrative draft.
    struct Narrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "narrate",
            abstract: "Draft the pull-request narrative from the sessions and the lineage of a range.",
            discussion: """
                Reads the sessions the range adds or changes and the dbt lineage of head against \
                merge-base(base, head), and writes a short Markdown draft: problem and reasoning (the \
                author's words, never invented), what changed by layer, affected lineage (table and \
                Mermaid graph), excluded scope, proof of correctness (from target/run_results.json or \
                --run-results), risks and rollout, open loops and a reviewer checklist. Where only the \
                author can write, it leaves `<!-- rationale:todo … -->`, which the gate refuses.

                Examples:
                  rationale narrate --base origin/main
                  rationale narrate --base origin/main --run-results target/run_results.json --output narrative.md
                  rationale narrate --base origin/main --prompt | pbcopy      # ask any agent to write prose
                  rationale narrate --base origin/main --manifest target/manifest.json --state prod-artifacts/
                  rationale narrate --base origin/main --proof proof.json    # rationale prove's data proof
                """
        )

        @Option(name: .long, help: "The branch the pull request merges into.")
        var base: String

        @Option(name: .long, help: "The pull request's head (default HEAD).")
        var head: String?

        @Option(name: .long, help: "dbt's run_results.json (default: target/run_results.json in the project, when present).")
        var runResults: String?

        @Option(name: .long, help: "Output format: markdown, json.")
        var format: NarrativeFormat = .markdown

        @Flag(name: .long, help: "Emit the draft plus a compact context pack for an agent to turn into prose.")
        var prompt = false

        @Option(name: .long, help: "Write to this file instead of standard output.")
        var output: String?

        @Option(name: .long, help: ArgumentHelp("Answer the lineage from this dbt manifest.json (the head) instead of git; needs --state.", valueName: "path"))
        var manifest: String?

        @Option(name: .long, help: ArgumentHelp("The production state for --manifest: a folder holding manifest.json, or the file.", valueName: "dir"))
        var state: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "A proof.json of `rationale prove`: shown under Proof of correctness, with what it says against the sessions.", valueName: "file"))
        var proof: String?

        @OptionGroup var repository: RepositoryOptions

        func validate() throws {
            if prompt && format == .json { throw ValidationError("--prompt writes text: leave out --format json") }
            if (manifest == nil) != (state == nil) {
                throw ValidationError(
                    manifest == nil
                        ? "--state needs --manifest PATH: the manifest of the head, compared with the state's manifest"
                        : "--manifest needs --state DIR (the production manifest.json to compare with); without --state, leave out --manifest to read the lineage from git"
                )
            }
        }

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(repository.resolvedDirectory)
                let directory = repository.resolvedDirectory
                let absolute = { (path: String) in path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path) }
                let manifests = manifest.flatMap { path in state.map { (path: absolute(path), state: absolute($0)) } }
                let proofFile = proof.map { (path: absolute($0), file: $0) }
                let drafted = try NarrateFrontend.draft(
                    workspace, base: base, head: head, runResults: runResults, manifests: manifests, proof: proofFile)
                let text: String
                switch (format, prompt) {
                case (.json, _): text = FindingsOutput.json(drafted.draft) + "\n"
                case (_, true): text = NarrateFrontend.prompt(drafted)
                default: text = drafted.markdown
                }
                if let output {
                    do {
                        try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                    } catch {
                        throw WorkspaceError.cannotWrite(output, error.localizedDescription)
                    }
                } else {
                    emit(text)
                }
            }
        }
    }
}

/// The output formats of `narrate`.
enum NarrativeFormat: String, ExpressibleByArgument, CaseIterable {
    case markdown, json
}

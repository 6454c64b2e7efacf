import Workflow
import ArgumentParser
import Foundation
import GitKit
import Lineage

extension Rationale {
    /// `rationale impact`: the dbt nodes a change modifies, and what lies downstream.
    struct Impact: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "impact",
            abstract: "Show the dbt nodes a change modifies and what lies downstream.",
            discussion: """
                Reads the dbt project straight from git (no dbt, no warehouse) at both revisions and \
                compares them the way `dbt ls --select state:modified+` does, saying why each node is \
                in the answer. Beyond dbt it also reports deleted and renamed models, changed vars and \
                description-only edits (drop those with --dbt-compatible).

                Examples:
                  rationale impact                         # staged changes (what a commit would add)
                  rationale impact --worktree --format markdown
                  rationale impact --base origin/main      # a pull request: HEAD vs merge-base
                  rationale impact --base main --format selector   # an argument for dbt build --select
                  rationale impact --manifest target/manifest.json --state prod-artifacts/

                With --manifest and --state the answer comes from dbt's own manifests instead of git \
                (package nodes and macros, exact configs); the output says which answered.
                """
        )

        @Flag(name: .long, help: "Compare the index with HEAD (the default).")
        var staged = false

        @Flag(name: .long, help: "Compare the working tree (untracked files included) with HEAD.")
        var worktree = false

        @Option(name: .long, help: "Compare --head with its merge-base with this revision, like a pull request.")
        var base: String?

        @Option(name: .long, help: "The head revision for --base (default HEAD).")
        var head: String?

        @Option(name: .long, help: "The dbt project folder (default: found automatically).")
        var project: String?

        @Option(name: .long, help: "The adapter for adapter.dispatch (default: from profiles.yml in the repository).")
        var adapter: String?

        @Option(name: .long, help: "Output format: text, json, selector, mermaid, markdown.")
        var format: ImpactFormat = .text

        @Flag(name: .long, help: "Only dbt's own reasons: exactly the set state:modified+ selects.")
        var dbtCompatible = false

        @Option(name: .long, help: "Edges to follow downstream (default: all).")
        var downstream: Int?

        @Option(name: .long, help: "Edges to follow upstream (default: 0).")
        var upstream: Int = 0

        @Flag(name: .long, help: "List the tests attached to selected nodes.")
        var withTests = false

        @Option(name: .long, help: ArgumentHelp("Answer from this dbt manifest.json (the change) instead of git; needs --state.", valueName: "path"))
        var manifest: String?

        @Option(name: .long, help: ArgumentHelp("The production state for --manifest: a folder holding manifest.json, or the file.", valueName: "dir"))
        var state: String?

        @Flag(name: .long, help: "Do not read or write the parse cache.")
        var noCache = false

        @Option(name: [.customShort("C"), .long], help: "Run as if started in this folder.")
        var directory: String?

        func validate() throws {
            let modes = [staged, worktree, base != nil].filter { $0 }.count
            if modes > 1 {
                throw ValidationError("choose one of --staged, --worktree, --base REV")
            }
            if head != nil && base == nil {
                throw ValidationError("--head needs --base (the range is head against merge-base(base, head))")
            }
            if manifest != nil || state != nil {
                guard manifest != nil else {
                    throw ValidationError("--state needs --manifest PATH: the manifest of the change, compared with the state's manifest")
                }
                guard state != nil else {
                    throw ValidationError(
                        "--manifest needs --state DIR (the production manifest.json to compare with, as dbt's state:modified does); without --state, leave out --manifest to read both revisions from git"
                    )
                }
                if modes > 0 || head != nil {
                    throw ValidationError("--manifest/--state compare two manifests: leave out --staged, --worktree, --base and --head")
                }
            }
            if let downstream, downstream < 0 { throw ValidationError("--downstream must be 0 or more") }
            if upstream < 0 { throw ValidationError("--upstream must be 0 or more") }
        }

        func run() throws {
            try runReportingErrors {
                let comparison: Comparison = base.map { .range(base: $0, head: head) } ?? (worktree ? .worktree : .staged)
                let options = ImpactOptions(downstream: downstream, upstream: upstream, withTests: withTests, dbtCompatible: dbtCompatible)
                let directory = directory ?? FileManager.default.currentDirectoryPath
                let result =
                    if let manifest, let state {
                        try ImpactFrontend.runManifest(directory: directory, manifest: manifest, state: state, options: options)
                    } else {
                        try ImpactFrontend.run(
                            directory: directory, comparison: comparison, project: project,
                            adapter: adapter, options: options, useCache: !noCache)
                    }
                AnswerKeeper.keep(result.result)
                emit(ImpactRenderer.render(result.result, format: format, repositoryRoot: result.root))
            }
        }
    }
}

/// The output formats of `impact`.
enum ImpactFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, selector, mermaid, markdown
}

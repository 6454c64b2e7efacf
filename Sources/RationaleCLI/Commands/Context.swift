import Workflow
import ArgumentParser
import ContextPack
import Foundation
import Lineage

extension Rationale {
    /// `rationale context`: a token-budgeted context pack of a change.
    struct Context: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "context",
            abstract: "Print a context pack of the change for an agent, within a token budget, with its decisions.",
            discussion: """
                Most needed first, never more than the budget: the diff of each changed file; the \
                changed models' SQL (cut step by step when tight: without comments, then left to \
                the diff); what the change modifies through a macro or config, grouped by folder \
                with counts; columns by name; the direct children (those reading a changed column \
                first); one or two indirectly modified models in full; the direct parents; farther \
                nodes by name; descriptions and test lists last. The pack always holds the diff: it \
                refuses only when the diff alone is over the budget, and names a budget that works. \
                Tokens are estimated offline (one per 5 letters, 3 digits, symbol or 2 line breaks, \
                rounded up; never more than 5 % under a real BPE tokenizer on dbt code). It ends \
                with the context decisions, the tool's notes on what was loaded and cut, and the \
                tokens used; --format json adds where they went (sections). --write records the \
                decisions in the active session's CONTEXT.md.

                Examples:
                  rationale context                        # the working tree against HEAD, budget from .rationale.yml (4000)
                  rationale context --budget 2000 --select stg_orders
                  rationale context --expand int_order_payments --write
                  rationale context --base origin/main --format json
                  rationale context --manifest target/manifest.json --state prod-artifacts/
                """
        )

        @Flag(name: .long, help: "Compare the index with HEAD.")
        var staged = false

        @Flag(name: .long, help: "Compare the working tree with HEAD (the default).")
        var worktree = false

        @Option(name: .long, help: "Compare --head with its merge-base with this revision.")
        var base: String?

        @Option(name: .long, help: "The head revision for --base (default HEAD).")
        var head: String?

        @Option(name: .long, help: "The token budget (default: budget in .rationale.yml, else 4000).")
        var budget: Int?

        @Option(name: .long, help: "Only these modified nodes (repeatable): narrow a pack that does not fit.")
        var select: [String] = []

        @Option(name: .long, help: "Show this node in full too, with its neighbours (repeatable).")
        var expand: [String] = []

        @Flag(name: .long, help: "Record the decisions in the active session's CONTEXT.md.")
        var write = false

        @Option(name: .long, help: "The session for --write (default: the newest open one).")
        var session: String?

        @Option(name: .long, help: "Output format: markdown, json.")
        var format: NarrativeFormat = .markdown

        @Option(name: .long, help: ArgumentHelp("Answer from this dbt manifest.json (the change) instead of git; needs --state.", valueName: "path"))
        var manifest: String?

        @Option(name: .long, help: ArgumentHelp("The production state for --manifest: a folder holding manifest.json, or the file.", valueName: "dir"))
        var state: String?

        @OptionGroup var repository: RepositoryOptions

        func validate() throws {
            if [staged, worktree, base != nil].filter({ $0 }).count > 1 { throw ValidationError("choose one of --staged, --worktree, --base REV") }
            if head != nil && base == nil { throw ValidationError("--head needs --base") }
            if (manifest == nil) != (state == nil) {
                throw ValidationError(
                    manifest == nil
                        ? "--state needs --manifest PATH: the manifest of the change, compared with the state's manifest"
                        : "--manifest needs --state DIR (the production manifest.json to compare with); without --state, leave out --manifest to read the change from git"
                )
            }
            if manifest != nil, staged || base != nil {
                throw ValidationError("--manifest/--state compare two manifests: leave out --staged, --base and --head")
            }
            if let budget, budget < 200 { throw ValidationError("--budget must be at least 200 tokens (the preamble and decisions need room)") }
        }

        struct Output: Encodable {
            var scope: String
            var budget: Int
            var tokens: Int
            var decisions: [PackDecision]
            /// Where the tokens went, by kind (`diff`, `sql`, `children`, …).
            var sections: [PackSection]
            var markdown: String
            var written: String?
        }

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(repository.resolvedDirectory)
                let comparison: Comparison = base.map { .range(base: $0, head: head) } ?? (staged ? .staged : .worktree)
                let packed: ContextFrontend.Packed
                do {
                    let directory = repository.resolvedDirectory
                    let absolute = { (path: String) in path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path) }
                    let manifests = manifest.flatMap { path in state.map { (path: absolute(path), state: absolute($0)) } }
                    packed = try ContextFrontend.pack(
                        workspace,
                        .init(
                            comparison: comparison, budget: budget, select: select, expand: expand,
                            manifest: manifests))
                } catch let error as ContextError {
                    if case .doesNotFit = error {
                        emitError("rationale: \(error.errorDescription ?? "")")
                        throw ExitCode(1)
                    }
                    throw error
                }
                let written = write ? try ContextFrontend.write(packed.pack, to: workspace, session: session) : nil
                switch format {
                case .json:
                    emit(
                        FindingsOutput.json(
                            Output(
                                scope: packed.scope, budget: packed.pack.budget, tokens: packed.pack.tokens,
                                decisions: packed.pack.decisions, sections: packed.pack.sections, markdown: packed.pack.markdown, written: written)))
                case .markdown:
                    emit(packed.pack.markdown)
                    if let written { emitError("decisions recorded in \(written)") }
                }
            }
        }
    }
}

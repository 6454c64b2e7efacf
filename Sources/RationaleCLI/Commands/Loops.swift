import Workflow
import ArgumentParser
import Foundation
import Sessions

extension Rationale {
    /// `rationale loops`: the open questions of the active session.
    struct Loops: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "loops",
            abstract: "Propose, approve, close and list the loops of the active session.",
            discussion: """
                A loop is an open question or a thread to come back to. The agent proposes, you \
                approve: each command edits one line of the session's LOOPS.md and keeps everything \
                else in the file as it was. An agent that can only edit files appends the same line \
                format: `- L-7 (proposed) text [model: orders] [by: claude]`.

                Examples:
                  rationale loops propose "Does orders need a full refresh?" --model orders
                  rationale loops propose "How fresh must revenue be?" --option "A: hourly, 24 runs a day" --option "B: daily, a day late"
                  rationale loops approve L-7
                  rationale loops close L-7 --note "yes: the grain changed"
                  rationale loops close L-8 --chose B
                  rationale loops list
                  rationale loops export --format ticktick --output loops.csv
                  rationale loops import loops.csv
                """,
            subcommands: [Propose.self, Approve.self, Close.self, List.self, Export.self, Import.self]
        )
    }
}

/// Options of every `loops` subcommand.
struct LoopsOptions: ParsableArguments {
    @Option(name: .long, help: "The session folder name (default: the newest open one).")
    var session: String?

    @OptionGroup var repository: RepositoryOptions
}

extension Rationale.Loops {
    struct Propose: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "propose",
            abstract: "Propose a loop (what an agent calls); the user approves it.",
            discussion: """
                A question can offer its ways on (two or more --option "LABEL: text"); the user answers with --chose LABEL on close.
                Example:
                  rationale loops propose "How fresh must revenue be?" --option "A: hourly, 24 runs a day" --option "B: daily, a day late"
                """
        )

        @Argument(help: "The question or thread, in one line.")
        var text: String

        @Option(name: .long, help: "The dbt model it is about.")
        var model: String?

        @Option(name: .customLong("option"), help: "A way on, `LABEL: text with its trade-off` (give two or more).")
        var choices: [String] = []

        @Option(name: .long, help: "Who proposes it (default: agent).")
        var by: String = "agent"

        @OptionGroup var options: LoopsOptions

        func validate() throws {
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("the loop needs text: say the question") }
        }

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(options.repository.resolvedDirectory)
                let done = try LoopsFrontend.propose(workspace, session: options.session, text: text, model: model, by: by, options: choices)
                emit("\(done.file): \(done.loop.line)\nthe user approves it with `rationale loops approve \(done.loop.id)`")
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Approve a proposed loop (the user's call).",
            discussion: "Example:\n  rationale loops approve L-7"
        )

        @Argument(help: "The loop id, e.g. L-7.")
        var id: String

        @Option(name: .long, help: "Who approves it (default: git's user.name).")
        var by: String?

        @OptionGroup var options: LoopsOptions

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(options.repository.resolvedDirectory)
                let done = try LoopsFrontend.approve(workspace, session: options.session, id: id, by: by ?? workspace.author)
                emit("\(done.file): \(done.loop.line)")
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close",
            abstract: "Close a loop with a note saying how it was settled, or with the option chosen.",
            discussion: """
                --chose LABEL answers a loop proposed with options: `[chose: LABEL]`, the option as its note (exit 2 for a label it lacks).
                Examples:
                  rationale loops close L-7 --note "yes: full refresh planned after merge"
                  rationale loops close L-8 --chose B
                """
        )

        @Argument(help: "The loop id, e.g. L-7.")
        var id: String

        @Option(name: .long, help: "How it was settled.")
        var note: String?

        @Option(name: .long, help: "The label of the option chosen, for a loop proposed with options.")
        var chose: String?

        @OptionGroup var options: LoopsOptions

        func validate() throws {
            if note == nil, chose == nil { throw ValidationError("say how it was settled: --note \"…\", or --chose LABEL for a loop with options") }
        }

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(options.repository.resolvedDirectory)
                let done =
                    try chose.map { try LoopsFrontend.choose(workspace, session: options.session, id: id, chose: $0, note: note) }
                    ?? LoopsFrontend.close(workspace, session: options.session, id: id, note: note ?? "")
                emit("\(done.file): \(done.loop.line)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the loops of the active session.",
            discussion: "Example:\n  rationale loops list --format json"
        )

        @Option(name: .long, help: "Output format: text, json.")
        var format: ReportFormat = .text

        @OptionGroup var options: LoopsOptions

        struct Item: Encodable {
            var id: String
            var status: String
            var text: String
            var attributes: [String: String]
            var line: Int
        }

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(options.repository.resolvedDirectory)
                let session = try workspace.activeSession(options.session)
                let document = session.loops ?? LoopsDocument("")
                switch format {
                case .json:
                    emit(
                        FindingsOutput.json(
                            document.entries.map { entry in
                                Item(
                                    id: entry.loop.id, status: entry.loop.status.rawValue, text: entry.loop.text,
                                    attributes: Dictionary(entry.loop.attributes.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                                    line: entry.line)
                            }))
                case .text:
                    let path = session.path(SessionInput.File.loops)
                    emit(
                        document.entries.isEmpty ? "\(path): no loops" : document.entries.map { "\(path):\($0.line): \($0.loop.line)" }.joined(separator: "\n"))
                }
            }
        }
    }
}

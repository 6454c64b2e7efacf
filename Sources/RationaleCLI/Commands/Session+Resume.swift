import ArgumentParser
import Foundation
import Sessions
import Workflow

extension Rationale.Session {
    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resume",
            abstract: "Start the next session from the last handoff, with a pack to restart the agent.",
            discussion: """
                Starts a new session from the newest closed session's BOOTLOADER.md (or --from's): \
                its problem statement (your words, carried as written), the loops still open or \
                clarified, the excluded scope, the attempts with their ids, and the handoff's Next \
                session steps and the plan's open steps as TASK.md. The context pack is rebuilt from \
                the handoff's Load first against the commit the previous session started at, within \
                the budget, and recorded in the new CONTEXT.md.

                Standard output gets what the agent needs to restart — the handoff, then the pack — \
                to paste first into the next session (or --output FILE); what was done goes to \
                standard error.

                Examples:
                  rationale session resume
                  rationale session resume --budget 4000 --output restart.md
                  rationale session resume --from 2026-11-20-drop-returns "drop returns, part 2"
                """
        )

        @Argument(help: "The new session's title (default: the previous one's).")
        var title: String?

        @Option(name: .long, help: ArgumentHelp("The closed session to continue (default: the newest).", valueName: "session"))
        var from: String?

        @Option(name: .long, help: "The pack's token budget (default: budget: of .rationale.yml, else 8000).")
        var budget: Int?

        @Option(name: .long, help: ArgumentHelp("Write the restart (handoff and pack) here instead of standard output.", valueName: "path"))
        var output: String?

        @OptionGroup var repository: RepositoryOptions

        func validate() throws {
            if let budget, budget < 1 { throw ValidationError("--budget must be at least 1 token") }
        }

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(repository.resolvedDirectory)
                let resumed = try SessionFrontend.resume(workspace, from: from, title: title, date: SessionNaming.day(Date()), budget: budget)
                let started = resumed.started
                var lines = ["resumed \(resumed.previous)/ as \(started.folder)/ (\(started.files.joined(separator: ", ")))"]
                lines.append("  LOOPS.md: \(started.carried.count) loop\(started.carried.count == 1 ? "" : "s") carried (open and clarified)")
                if resumed.attempts > 0 { lines.append("  ATTEMPTS.md: \(resumed.attempts) attempt\(resumed.attempts == 1 ? "" : "s") carried with their ids") }
                lines.append("  TASK.md: \(resumed.plan.count) step\(resumed.plan.count == 1 ? "" : "s") from the handoff and the plan")
                lines.append("  \(resumed.packNote)")
                lines.append(
                    "  restart: ≈\(resumed.restartTokens) tokens (handoff and pack) instead of ≈\(resumed.sessionTokens) for the previous session's files")
                if let note = started.stateNote { lines.append("  note: \(note)") }
                if let output {
                    let path = output.hasPrefix("/") ? output : (repository.resolvedDirectory as NSString).appendingPathComponent(output)
                    try Data((resumed.restart + "\n").utf8).write(to: URL(fileURLWithPath: path))
                    lines.append("next: paste \(output) into the agent first")
                } else {
                    emit(resumed.restart)
                    lines.append("next: paste the text above into the agent first")
                }
                emitError(lines.joined(separator: "\n"))
            }
        }
    }
}

extension Rationale.Session {
    struct Prompt: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prompt",
            abstract: "Print one paste-ready block for an agent without file access: protocol, session state, context pack.",
            discussion: """
                The protocol for agents (what `rationale agents` writes into AGENTS.md), where the \
                active session stands — the problem in your words, what was done, the plan's progress, \
                open loops, attempts, what is kept out of scope — and a context pack of the session's \
                change within the budget. Paste it into a chat that cannot read the repository.

                Examples:
                  rationale session prompt | pbcopy
                  rationale session prompt --budget 3000
                  rationale session prompt --no-pack
                """
        )

        @Option(name: .long, help: "The session (folder name or path; default: the newest open one).")
        var session: String?

        @Option(name: .long, help: "The pack's token budget (default: budget: of .rationale.yml, else 8000).")
        var budget: Int?

        @Flag(name: .long, help: "Leave the context pack out.")
        var noPack = false

        @OptionGroup var repository: RepositoryOptions

        func validate() throws {
            if let budget, budget < 1 { throw ValidationError("--budget must be at least 1 token") }
        }

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(repository.resolvedDirectory)
                let prompt = try SessionFrontend.prompt(workspace, session: session, budget: budget, pack: !noPack)
                emit(prompt.text)
                emitError("≈\(prompt.tokens) tokens (\(TokenEstimate.method)): paste it into the agent first")
            }
        }
    }
}

import Workflow
import ArgumentParser
import Diagnostics
import Foundation
import Sessions

extension Rationale {
    /// `rationale session`: the files a working session leaves behind.
    struct Session: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "session",
            abstract: "Start, check, close and list working sessions.",
            discussion: """
                A session is one sitting of work with an agent. It leaves SUMMARY.md, LOOPS.md, \
                CONTEXT.md and TASK.md in .project/sessions/<date>-<slug>/ (see docs/SESSIONS.md), so \
                the reasoning behind a change lives next to it and the pre-commit check can hold to it.

                Examples:
                  rationale session start "refactor fct_orders" --kind refactor
                  rationale session status
                  rationale session close
                  rationale session list
                """,
            subcommands: [Start.self, Resume.self, Status.self, Close.self, List.self, Prompt.self]
        )
    }
}

extension Rationale.Session {
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start",
            abstract: "Scaffold a new session from the templates.",
            discussion: """
                Creates .project/sessions/<YYYY-MM-DD>-<slug>/ with SUMMARY.md, LOOPS.md, CONTEXT.md \
                (pre-filled with the lineage of the current change and the token budget) and, for a \
                kind, TASK.md. Open loops of the previous session are carried into LOOPS.md with their \
                ids. An existing session folder is never written over.

                Example:
                  rationale session start "refactor fct_orders" --kind refactor
                """
        )

        @Argument(help: "The session's title, in a few words.")
        var title: String

        @Option(name: .long, help: "The kind of work: refactor, test-failure, new-model, pipeline-debugging, general.")
        var kind: SessionKind = .general

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The problem in your own words: what is wrong, where it shows, how you will know it is fixed.",
                discussion: "Written into SUMMARY.md and recorded, so a later rewrite shows. On a terminal, asked for when left out."))
        var problem: String?

        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(repository.resolvedDirectory)
                let statement = problem ?? askForProblem()
                let started = try SessionFrontend.start(workspace, title: title, kind: kind, date: SessionNaming.day(Date()), problem: statement)
                var lines = ["started \(started.folder)/ (\(started.files.joined(separator: ", ")))"]
                let scope = started.scope
                if scope.hasProject {
                    lines.append(
                        "  CONTEXT.md: \(scope.scope.modified.count) modified, \(scope.scope.downstream.count) downstream (\(scope.scope.description))")
                } else {
                    lines.append("  CONTEXT.md: no dbt project found, so no lineage")
                }
                if let previous = started.previous {
                    lines.append("  LOOPS.md: \(started.carried.count) open loop\(started.carried.count == 1 ? "" : "s") carried from \(previous)")
                }
                if let note = started.stateNote { lines.append("  note: \(note)") }
                if statement == nil {
                    lines.append("next: write `Problem, in my words` in SUMMARY.md yourself, before the agent proposes a fix")
                } else {
                    lines.append("  SUMMARY.md: the problem in your words, recorded (a later rewrite shows in `session status` and the narrative)")
                    lines.append("next: give the agent the pack (`rationale context`), then write the reasoning as the work goes")
                }
                emit(lines.joined(separator: "\n"))
            }
        }

        /// On a terminal, asks for the problem (lines until an empty one); nil when not on a
        /// terminal or left empty.
        func askForProblem() -> String? {
            guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else { return nil }
            FileHandle.standardOutput.write(
                Data(
                    "Problem, in your words: what is wrong, where it shows, how you will know it is fixed.\n(An empty line ends it; an empty answer leaves it to write in SUMMARY.md.)\n> "
                        .utf8))
            var lines: [String] = []
            while let line = readLine(), !line.trimmingCharacters(in: .whitespaces).isEmpty {
                lines.append(line)
                FileHandle.standardOutput.write(Data("> ".utf8))
            }
            let text = lines.joined(separator: "\n")
            return text.isEmpty ? nil : text
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Say what the active session is missing, as findings.",
            discussion: """
                Validates the newest open session (or --session NAME) against everything this branch \
                changes: its commits since it left the default branch and the working tree. Exit 0 \
                when complete, 1 with findings.

                Example:
                  rationale session status --format json
                """
        )

        @Option(name: .long, help: "The session folder name (default: the newest open one).")
        var session: String?

        @Option(name: .long, help: "Output format: text, json.")
        var format: ReportFormat = .text

        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(repository.resolvedDirectory)
                let status = try SessionFrontend.status(workspace, session: session)
                let failed = status.findings.contains { $0.severity == .error }
                // Names that cover more than themselves: a macro, folder, glob, tag or selector.
                let broad = status.session.decisions.broadNames(covering: status.modified)
                switch format {
                case .json:
                    emit(
                        FindingsOutput.json(
                            StatusJSON(
                                session: status.session.folder, passed: !failed, modified: status.modified,
                                coverage: broad.map { StatusJSON.Cover(name: $0.name, covers: $0.covers) }, findings: status.findings)))
                case .text:
                    var lines = [
                        "session \(status.session.folder)/ — \(status.modified.count) modified model\(status.modified.count == 1 ? "" : "s") in \(status.description)"
                    ]
                    for cover in broad {
                        lines.append("  \(Echo.shortened(cover.name)) covers \(cover.covers) of them")
                    }
                    if status.findings.isEmpty {
                        lines.append("complete: every required section filled, every modified model named in the context decisions")
                    } else {
                        lines.append(FindingsOutput.text(status.findings))
                    }
                    emit(lines.joined(separator: "\n"))
                }
                if failed { throw ExitCode(1) }
            }
        }
    }

    struct StatusJSON: Encodable {
        var session: String
        var passed: Bool
        var modified: [ModifiedNode]
        /// Decision names that cover more than themselves, with how many modified models each covers.
        var coverage: [Cover]
        var findings: [Finding]

        struct Cover: Encodable {
            var name: String
            var covers: Int
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close",
            abstract: "Validate the session, write its BOOTLOADER.md handoff and update STATE.md.",
            discussion: """
                Refuses (exit 1, nothing written) while a rule finds a problem — including loops still \
                `proposed`. Otherwise writes BOOTLOADER.md (state, decisions, open loops, what to load \
                first, the next action, and its size in tokens), rewrites STATE.md's block and, last, \
                marks SUMMARY.md closed: each file is replaced whole, so a close that was interrupted \
                is finished by running it again.

                Example:
                  rationale session close
                """
        )

        @Option(name: .long, help: "The session folder name (default: the newest open one).")
        var session: String?

        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(repository.resolvedDirectory)
                let closed = try SessionFrontend.close(workspace, session: session, date: SessionNaming.day(Date()))
                guard let bootloader = closed.bootloader, let tokens = closed.tokens else {
                    emit(FindingsOutput.text(closed.status.findings))
                    emitError(
                        "rationale: \(closed.status.session.folder) cannot close yet: fix the findings above and run `rationale session close` again (nothing was written)"
                    )
                    throw ExitCode(1)
                }
                let warnings = closed.status.findings
                if !warnings.isEmpty { emit(FindingsOutput.text(warnings)) }
                emit(
                    """
                    closed \(closed.status.session.folder)/
                      handoff: \(bootloader) (≈\(tokens) tokens, \(TokenEstimate.method)): paste it into the next session first
                      open loops carried forward: \(closed.openLoops.isEmpty ? "none" : closed.openLoops.map(\.id).joined(separator: ", "))
                      STATE.md: \(workspace.config.stateFile) updated
                    """)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the sessions, oldest first.",
            discussion: "Example:\n  rationale session list --format json"
        )

        @Option(name: .long, help: "Output format: text, json.")
        var format: ReportFormat = .text

        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(repository.resolvedDirectory)
                let sessions = try SessionFrontend.list(workspace)
                switch format {
                case .json:
                    emit(FindingsOutput.json(sessions))
                case .text:
                    if sessions.isEmpty {
                        emit("no sessions in \(workspace.config.sessions)/ yet: `rationale session start \"<title>\"` starts one")
                        return
                    }
                    let width = sessions.map(\.name.count).max() ?? 0
                    emit(
                        sessions.map { session in
                            let loops = session.loops == 0 ? "no loops" : "\(session.openLoops)/\(session.loops) loops open"
                            return
                                "\(session.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(session.status.padding(toLength: 6, withPad: " ", startingAt: 0))  \(session.kind.padding(toLength: 18, withPad: " ", startingAt: 0))  \(loops.padding(toLength: 16, withPad: " ", startingAt: 0))  \(session.title)"
                        }.joined(separator: "\n"))
                }
            }
        }
    }
}

extension SessionKind: ExpressibleByArgument {}

import ArgumentParser
import Foundation
import Sessions
import Workflow

extension Rationale {
    /// `rationale attempts`: what was tried in the active session, and how it ended.
    struct Attempts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "attempts",
            abstract: "Log and list the attempts of the active session: what was tried, and how it ended.",
            discussion: """
                Every attempt to make the change work — the error it answered, the fix tried, the \
                result — is one line of the session's ATTEMPTS.md, failures included: `narrate` \
                shows them as a table and `session close` lists them in BOOTLOADER.md, failed ones \
                first. After three failed attempts in a row, escalate: `session close` refuses until \
                a loop names them. An agent that can only edit files appends the same line format: \
                `- A-4 (failed) dedupe with distinct in orders [why: still 1,204 rows] [by: claude]`.

                Examples:
                  rationale attempts add "dedupe with distinct in orders" --result failed --why "hid the fan-out; 1,204 rows vs 1,187" --by claude
                  rationale attempts add "aggregate payments before the join" --result worked --why "1,187 rows, as the ledger"
                  rationale attempts list --format json
                """,
            subcommands: [Add.self, List.self]
        )
    }
}

/// Options of every `attempts` subcommand.
struct AttemptsOptions: ParsableArguments {
    @Option(name: .long, help: "The session folder name (default: the newest open one).")
    var session: String?

    @OptionGroup var repository: RepositoryOptions
}

extension Rationale.Attempts {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Log one attempt: what was tried, its result (failed, partial, worked) and why.",
            discussion: """
                Appends one line to ATTEMPTS.md (created from its template on the first add) and keeps \
                every other line of the file as it was. Empty text, an unknown result or a malformed \
                line already in the file stop it: exit 2, nothing written.

                Example:
                  rationale attempts add "dedupe with distinct in orders" --result failed --why "1,204 rows vs 1,187"
                """
        )

        @Argument(help: "What was tried: the error it answered and the fix, in one line.")
        var text: String

        @Option(name: .long, help: "How it ended: failed, partial or worked.")
        var result: String

        @Option(name: .long, help: "Why it ended so: the error, or the figure that shows it.")
        var why: String?

        @Option(name: .long, help: "Who tried it (an agent's name, or yours).")
        var by: String?

        @OptionGroup var options: AttemptsOptions

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(options.repository.resolvedDirectory)
                let done = try AttemptsFrontend.add(
                    workspace, session: options.session, text: text, result: result, why: why, by: by, date: SessionNaming.day(Date()))
                var lines = ["\(done.file): \(done.attempt.line)"]
                if done.created { lines.append("  created \(done.file)") }
                if let escalate = done.escalate { lines.append("note: \(escalate.message)") }
                emit(lines.joined(separator: "\n"))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the attempts of the active session.",
            discussion: "Example:\n  rationale attempts list --format json"
        )

        @Option(name: .long, help: "Output format: text, json.")
        var format: ReportFormat = .text

        @OptionGroup var options: AttemptsOptions

        struct Item: Encodable {
            var id: String
            var result: String
            var text: String
            var attributes: [String: String]
            var line: Int
        }

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(options.repository.resolvedDirectory)
                let listed = try AttemptsFrontend.list(workspace, session: options.session)
                switch format {
                case .json:
                    emit(
                        FindingsOutput.json(
                            listed.entries.map { entry in
                                Item(
                                    id: entry.attempt.id, result: entry.attempt.result.rawValue, text: entry.attempt.text,
                                    attributes: Dictionary(entry.attempt.attributes.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                                    line: entry.line)
                            }))
                case .text:
                    if !listed.exists {
                        emit("\(listed.file): no attempts yet (`rationale attempts add` creates the file)")
                    } else if listed.entries.isEmpty {
                        emit("\(listed.file): no attempts")
                    } else {
                        emit(listed.entries.map { "\(listed.file):\($0.line): \($0.attempt.line)" }.joined(separator: "\n"))
                    }
                }
                // Lines that are not attempts are said apart, on standard error, as the rule says them.
                for problem in listed.problems {
                    emitError("\(listed.file):\(problem.line): warning: \(problem.message) [\(AttemptSyntaxRule.id)]")
                }
            }
        }
    }
}

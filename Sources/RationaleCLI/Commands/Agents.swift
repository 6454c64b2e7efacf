import ArgumentParser
import Foundation
import Workflow

extension Rationale {
    /// `rationale agents`: the protocol for agents, in AGENTS.md.
    struct Agents: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agents",
            abstract: "Write the protocol for agents into AGENTS.md, inside a marked block.",
            discussion: """
                Agents read AGENTS.md at the repository's root. This writes there, between \
                <!-- rationale:agents:begin --> and <!-- rationale:agents:end -->, what an agent may \
                do (see the impact, ask for a context pack, propose loops, log attempts, record context \
                decisions, draft) and may not (approve or close a loop, write the problem statement, \
                close the session, skip the hook), with the commands and MCP tools for each. Your own \
                lines stay as they are; running it again changes nothing. The block's text is the \
                AGENTS.md template (override it in your templates folder).

                --print shows the block to paste into CLAUDE.md, .cursor/rules or \
                .github/copilot-instructions.md.

                Examples:
                  rationale agents
                  rationale agents --print >> CLAUDE.md
                  rationale agents --file docs/AGENTS.md
                """
        )

        @Flag(name: .long, help: "Print the block instead of writing it.")
        var print = false

        @Option(name: .long, help: ArgumentHelp("The file to write (relative to the repository's root).", valueName: "path"))
        var file: String = AgentsFrontend.defaultFile

        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.open(repository.resolvedDirectory)
                if print {
                    emit(try AgentsFrontend.markedBlock(workspace))
                    return
                }
                let written = try AgentsFrontend.write(workspace, file: file)
                switch written.outcome {
                case .created: emit("created \(written.path) with the protocol for agents")
                case .added: emit("\(written.path): the protocol for agents added at the end; your lines are unchanged")
                case .updated: emit("\(written.path): the protocol for agents updated between its markers; your lines are unchanged")
                case .unchanged: emit("\(written.path): the protocol for agents is already current; nothing written")
                }
            }
        }
    }

    /// `rationale templates`: the session templates.
    struct Templates: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "templates",
            abstract: "Export the session templates as plain Markdown.",
            subcommands: [Export.self]
        )

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "export",
                abstract: "Write the session templates as plain Markdown (no Mustache) into a new or empty folder.",
                discussion: """
                    So a colleague can start a session by copying files, without the binary: \
                    SUMMARY.md, LOOPS.md, CONTEXT.md, ATTEMPTS.md and a TASK.md per kind of work, \
                    BOOTLOADER.md, STATE.md, AGENTS.md, and a README.md that says how to use them. \
                    Your repository's template overrides are used when run inside it. Never writes \
                    over a file.

                    Example:
                      rationale templates export ./session-templates
                    """
            )

            @Argument(help: "The folder to write into (new or empty).")
            var folder: String

            @OptionGroup var repository: RepositoryOptions

            func run() throws {
                try runReportingErrors {
                    // Inside a repository, its overrides and folders; elsewhere, the built-in ones.
                    let workspace = try? Workspace.open(repository.resolvedDirectory)
                    let config = workspace?.config ?? RationaleConfig()
                    let files = try TemplateExport.files(
                        workspace?.templates() ?? TemplateExport.builtIn(), sessionsFolder: config.sessions, stateFile: config.stateFile)
                    let directory = FileManager.default.currentDirectoryPath
                    let target = folder.hasPrefix("/") ? folder : (directory as NSString).appendingPathComponent(folder)
                    let written = try TemplateExport.write(files, into: target)
                    emit("wrote \(written) files into \(folder): start with \(folder)/README.md")
                }
            }
        }
    }
}

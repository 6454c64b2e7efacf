import AgentDoor
import ArgumentParser
import Foundation
import Workflow

/// `rationale mcp`, served by `rationale-net`: the stdio MCP server. It lives in the network's
/// executable, so the MCP SDK and the HTTP stack it links never load in the hook's `rationale`.
struct RationaleMCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rationale mcp",
        abstract: "Serve rationale's tools, session files and prompts to an AI agent over MCP (stdio).",
        discussion: """
            An MCP client (Claude Code, Cursor, …) starts it and speaks JSON-RPC on its standard input and \
            output. Tools: impact, context, session_status, loops_list, loops_propose, attempts_add, \
            attempts_list, context_decide, handoff. The agent proposes loops; approving and closing them, \
            and starting and closing sessions, stay with the author's command line. Nothing is written \
            outside the active session's folder (and the parse cache in .git/rationale).

            Register it with a client:
              {"mcpServers": {"rationale": {"command": "rationale", "args": ["mcp"]}}}
            """,
        version: Workflow.Tool.version
    )

    @Option(name: [.customShort("C"), .long, .customLong("repo")], help: "Serve the repository around this folder (default: the current one).")
    var directory: String?

    func run() async throws {
        let current = FileManager.default.currentDirectoryPath
        let directory = directory.map { $0.hasPrefix("/") ? $0 : current + "/" + $0 } ?? current
        do {
            _ = try Workspace.open(directory)
        } catch {
            FileHandle.standardError.write(Data("rationale mcp: error: \(AgentTools.message(error))\n".utf8))
            throw ExitCode(2)
        }
        try await AgentServer.serve(directory: directory)
    }
}

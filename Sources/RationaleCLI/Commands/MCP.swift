import ArgumentParser
import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Rationale {
    /// `rationale mcp`: the stdio MCP server, served by `rationale-net` installed beside this binary.
    struct MCP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Serve rationale to an AI agent over MCP (stdio): impact, context, loops, attempts, the handoff.",
            discussion: """
                Replaces itself with `rationale-net mcp`, installed beside `rationale` (the server lives \
                there, so the hook never loads the MCP SDK). The agent proposes loops; \
                approving and closing them, and starting and closing sessions, stay with you. Register it \
                with an MCP client (Claude Code's .mcp.json, Cursor's mcp.json):

                  {"mcpServers": {"rationale": {"command": "rationale", "args": ["mcp"]}}}

                The server's own option: -C DIR (serve the repository around DIR).
                """
        )

        @Argument(parsing: .captureForPassthrough, help: "Passed to the server (e.g. -C DIR).")
        var arguments: [String] = []

        func run() throws {
            try runReportingErrors {
                try SiblingExecutable.exec(SiblingExecutable.network)
            }
        }
    }
}

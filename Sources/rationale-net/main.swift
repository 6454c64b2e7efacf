import ArgumentParser
import ForgeHTTP
import Foundation
import RationaleCLI
import Workflow

// The same commands as `rationale`, with the HTTP stack: `rationale` hands `publish` (and `gate`
// when it reads the pull request from the API) to this executable, installed beside it, and
// `mcp`, the MCP server, which links the MCP SDK (and its HTTP stack) too.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "mcp" {
    do {
        // `let`: ParsableCommand's own mutating run() (which prints the help) must not be the one called.
        let server = try RationaleMCP.parse(Array(arguments.dropFirst()))
        try await server.run()
        exit(0)
    } catch {
        RationaleMCP.exit(withError: error)
    }
}
let keeper = AnswerKeeper()
let status = Rationale.run(keeping: keeper, network: Network(exchange: URLSessionExchange.exchange))
exit(status)

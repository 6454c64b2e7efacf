import ArgumentParser
import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Rationale {
    /// `rationale mcp`: runs `rationale-mcp`, the stdio MCP server, installed beside this binary.
    struct MCP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Serve rationale to an AI agent over MCP (stdio): impact, context, loops, attempts, the handoff.",
            discussion: """
                Replaces itself with `rationale-mcp`, installed beside `rationale` (the server is an \
                executable of its own, so the hook never loads the MCP SDK). The agent proposes loops; \
                approving and closing them, and starting and closing sessions, stay with you. Register it \
                with an MCP client (Claude Code's .mcp.json, Cursor's mcp.json):

                  {"mcpServers": {"rationale": {"command": "rationale", "args": ["mcp"]}}}

                `rationale mcp --help` here; `rationale-mcp --help` for the server's own options (-C DIR).
                """
        )

        @Argument(parsing: .captureForPassthrough, help: "Passed to rationale-mcp (e.g. -C DIR).")
        var arguments: [String] = []

        func run() throws {
            let failure = SiblingExecutable.exec("rationale-mcp", arguments: arguments)
            emitError("rationale: error: \(failure)")
            throw Exit.couldNotRun
        }
    }
}

/// Runs an executable installed beside the running one, in place of this process.
enum SiblingExecutable {
    /// The folders to look in: the running binary's own, then (when it was reached through a
    /// symbolic link) the folder of the file the link points to.
    static func folders() -> [String] {
        var folders: [String] = []
        if let path = Bundle.main.executablePath {
            folders.append((path as NSString).deletingLastPathComponent)
            let real = (path as NSString).resolvingSymlinksInPath
            folders.append((real as NSString).deletingLastPathComponent)
        }
        if let first = CommandLine.arguments.first, first.contains("/") {
            folders.append(((first as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent)
        }
        var seen: Set<String> = []
        return folders.filter { seen.insert($0).inserted }
    }

    /// `execv`s `name` from the first folder that has it, with `arguments` and this process's
    /// environment (no shell). Returns only when it could not: the message to print.
    static func exec(_ name: String, arguments: [String]) -> String {
        let folders = folders()
        guard let path = folders.map({ $0 + "/" + name }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return
                "\(name) is not installed beside rationale (looked in \(folders.joined(separator: ", "))): install both together (`make install`, or the wheel), or build it with `swift build --product \(name)`"
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        let why = String(cString: strerror(errno))
        for pointer in argv { free(pointer) }
        return "cannot run \(path): \(why)"
    }
}

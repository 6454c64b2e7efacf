import Foundation
import MCP
import Sessions
import Workflow

/// The stdio MCP server: tools, resources and prompts over the repository around `directory`.
/// Requests are answered one at a time (the tools write session files: two proposals at once
/// must not take the same loop number).
public enum AgentServer {
    /// What the server tells a client about itself when it connects.
    public static let instructions = """
        rationale keeps the why next to every change of a dbt project. Use `impact` and `context` to see what a change \
        touches; record context decisions, propose loops (questions for the author) and log attempts in the active session. \
        The author starts sessions, approves and closes loops, and closes sessions with the command line: this server \
        cannot. The `start` prompt says how a session begins; `resume` shows the last handoff.
        """

    /// A server with every handler registered, not yet started.
    public static func make(directory: String) async -> Server {
        await make(Serial(directory: directory))
    }

    static func make(_ serial: Serial) async -> Server {
        let server = Server(
            name: "rationale", version: Workflow.Tool.version, title: "rationale", instructions: instructions,
            capabilities: .init(
                prompts: .init(listChanged: false), resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: ToolCatalog.tools) }
        await server.withMethodHandler(CallTool.self) { parameters in
            try await serial.call(parameters.name, arguments: parameters.arguments)
        }
        await server.withMethodHandler(ListResources.self) { _ in try await serial.resources() }
        await server.withMethodHandler(ReadResource.self) { parameters in try await serial.read(parameters.uri) }
        await server.withMethodHandler(ListPrompts.self) { _ in ListPrompts.Result(prompts: AgentPrompts.prompts) }
        await server.withMethodHandler(GetPrompt.self) { parameters in
            try await serial.prompt(parameters.name, arguments: parameters.arguments)
        }
        return server
    }

    /// Serves on standard input and output until the client closes standard input.
    public static func serve(directory: String) async throws {
        let serial = Serial(directory: directory)
        let server = await make(serial)
        try await server.start(transport: BoundedStdioTransport())
        await server.waitUntilCompleted()
        // Input closed: the SDK answers each request in a task of its own, so requests read
        // just before the end may still be running. Their answers go out before the process ends.
        repeat {
            try? await Task.sleep(for: .milliseconds(100))
        } while await serial.busy
        try? await Task.sleep(for: .milliseconds(100))
    }

    /// Runs one request at a time: each method is synchronous inside the actor, so none
    /// interleaves with another.
    actor Serial {
        let directory: String
        /// When the last request ended; a request in the last 100 ms counts as busy.
        var lastEnded = ContinuousClock.now

        init(directory: String) { self.directory = directory }

        var busy: Bool { ContinuousClock.now - lastEnded < .milliseconds(100) }

        func call(_ name: String, arguments: [String: Value]?) throws -> CallTool.Result {
            defer { lastEnded = .now }
            do {
                return try AgentTools.call(name, arguments: arguments, directory: directory, date: SessionNaming.day(Date())).result
            } catch let unknown as UnknownTool {
                throw MCPError.invalidParams(unknown.errorDescription)
            }
        }

        func resources() throws -> ListResources.Result {
            do {
                return ListResources.Result(resources: try AgentResources.list(directory: directory))
            } catch let error as MCPError {
                throw error
            } catch {
                throw MCPError.internalError(AgentTools.message(error))
            }
        }

        func read(_ uri: String) throws -> ReadResource.Result {
            do {
                return ReadResource.Result(contents: [try AgentResources.read(uri, directory: directory)])
            } catch let error as MCPError {
                throw error
            } catch {
                throw MCPError.internalError(AgentTools.message(error))
            }
        }

        func prompt(_ name: String, arguments: [String: String]?) throws -> GetPrompt.Result {
            try AgentPrompts.get(name, arguments: arguments, directory: directory)
        }
    }
}

import Foundation
import MCP
import Sessions
import Workflow

/// The active session's files as MCP resources, read-only: `rationale://session/SUMMARY.md`,
/// `LOOPS.md`, `CONTEXT.md` and `BOOTLOADER.md` (the session's own once it is closed, else the
/// handoff of the last closed session, which the session started from).
public enum AgentResources {
    /// The files served, in the order listed.
    public static let files = [SessionInput.File.summary, SessionInput.File.loops, SessionInput.File.context, SessionInput.File.bootloader]

    static let prefix = "rationale://session/"

    /// The resources there are now (none without a session).
    public static func list(directory: String) throws -> [Resource] {
        let workspace = try Workspace.open(directory)
        return try files.compactMap { name in
            guard let found = try file(name, in: workspace) else { return nil }
            return Resource(
                name: name, uri: prefix + name, description: "\(found.path) (\(found.note))", mimeType: "text/markdown")
        }
    }

    /// One resource's text.
    /// - Throws: ``MCPError/invalidParams(_:)`` for a URI the server does not serve or a file
    ///   that does not exist yet.
    public static func read(_ uri: String, directory: String) throws -> Resource.Content {
        guard uri.hasPrefix(prefix), files.contains(String(uri.dropFirst(prefix.count))) else {
            throw MCPError.invalidParams(
                "no resource \(uri): the resources are \(files.map { prefix + $0 }.joined(separator: ", "))")
        }
        let name = String(uri.dropFirst(prefix.count))
        let workspace = try Workspace.open(directory)
        guard let found = try file(name, in: workspace) else {
            throw MCPError.invalidParams("\(uri): the active session has no \(name) yet")
        }
        return .text(found.text, uri: uri, mimeType: "text/markdown")
    }

    /// The file behind a resource: its path, text, and what it is.
    static func file(_ name: String, in workspace: Workspace) throws -> (path: String, text: String, note: String)? {
        let session = try? workspace.activeSession(nil)
        if let session, let text = session.files[name] {
            return (session.path(name), text, "the active session's")
        }
        guard name == SessionInput.File.bootloader, let last = try SessionFrontend.lastHandoff(workspace) else { return nil }
        return (last.file, last.text, "the handoff of the last closed session")
    }
}

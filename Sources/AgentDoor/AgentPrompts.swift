import Foundation
import MCP
import Sessions
import Workflow

/// The prompts: `start` (how a session begins: the author starts it, with the problem in their
/// own words) and `resume` (the last handoff and where the active session stands).
public enum AgentPrompts {
    /// Every prompt.
    public static let prompts: [Prompt] = [
        Prompt(
            name: "start",
            description: "Begin a working session: the author starts it with the problem in their own words; then how to work with the tools.",
            arguments: [.init(name: "title", description: "The session's title, in a few words.", required: false)]),
        Prompt(
            name: "resume",
            description: "Pick up where the last session left off: its handoff (BOOTLOADER.md) and the active session's state.",
            arguments: []),
    ]

    /// The prompt's messages.
    /// - Throws: ``MCPError/invalidParams(_:)`` for a prompt the server does not offer.
    public static func get(_ name: String, arguments: [String: String]?, directory: String) throws -> GetPrompt.Result {
        switch name {
        case "start":
            return GetPrompt.Result(description: "Start a session", messages: [.user(.text(text: start(title: arguments?["title"], directory: directory)))])
        case "resume":
            return GetPrompt.Result(description: "Resume from the last handoff", messages: [.user(.text(text: resume(directory: directory)))])
        default:
            throw MCPError.invalidParams("no prompt `\(name)`: the prompts are \(prompts.map(\.name).joined(separator: ", "))")
        }
    }

    /// How a session starts. The server never starts one: the problem statement must be the
    /// author's own words, so the agent asks the author to run the command.
    static func start(title: String?, directory: String) -> String {
        let shown = title.map { $0.replacingOccurrences(of: "\"", with: "'") } ?? "<title>"
        var lines: [String] = []
        if let workspace = try? Workspace.open(directory), let session = try? workspace.activeSession(nil) {
            lines.append(
                "A session is already open: \(session.folder)/. Work in it (the `resume` prompt shows where it stands), or ask the author to close it first.")
            lines.append("")
        }
        lines += [
            "Before any change, ask the author to start a working session in a terminal, with the problem in their own words:",
            "",
            "    rationale session start \"\(shown)\" --problem \"<what is wrong, where it shows, how they will know it is fixed>\"",
            "",
            "Do not write the problem statement for them, and do not start the session yourself: this server cannot, by design.",
            "Once it is started:",
            "1. `impact` and `context` show what the change touches and what lies downstream; record what you load or leave out with `context_decide` (with the reason).",
            "2. State your reasoning before implementing (source, destination, transformation, quality, performance, operations).",
            "3. Ask with `loops_propose` when a schema, SLA, consumer or cost limit is unknown: offer 2-3 options with their trade-offs. The author approves and closes loops with the command line.",
            "4. Log every attempt with `attempts_add` (failures too); after three failures, escalate with a loop.",
            "5. `session_status` says what the session still lacks; `handoff` shows what closing it would write. The author closes it with `rationale session close`.",
        ]
        return lines.joined(separator: "\n")
    }

    /// The resume briefing. With an open session: what `rationale session prompt` prints (the
    /// protocol, where the session stands, a context pack). Without one: the last handoff, and
    /// the author's command to resume from it — the prompt writes nothing, and never starts a
    /// session itself.
    public static func resume(directory: String) -> String {
        let workspace: Workspace
        do {
            workspace = try Workspace.open(directory)
        } catch {
            return "No repository to resume in: \(AgentTools.message(error))"
        }
        if let prompt = try? SessionFrontend.prompt(workspace, session: nil, budget: nil, pack: true) {
            return prompt.text
        }
        guard let last = try? SessionFrontend.lastHandoff(workspace) else {
            return
                "No open session, and no closed session has left a handoff yet. Ask the author to start one (the `start` prompt says how); never start one yourself."
        }
        return """
            No session is open. The last handoff, \(last.file) (≈\(last.tokens) tokens), follows. Ask the author to run \
            `rationale session resume`: it starts the next session from this handoff (the problem in their words, the \
            open loops, the attempts, the next steps) with a context pack. Never start a session yourself.

            \(last.text)
            """
    }
}

import ContextPack
import Foundation
import Lineage
import Sessions

/// `rationale session prompt`: one paste-ready block for agents without file access.
extension SessionFrontend {
    /// The protocol for agents, where the active session stands (the problem, what was done, the
    /// plan's progress, open loops, attempts, what is kept out), and a context pack of the
    /// session's change within `budget` (none when `pack` is false).
    public static func prompt(_ workspace: Workspace, session requested: String?, budget: Int?, pack: Bool) throws -> (text: String, tokens: Int) {
        let session = try workspace.activeSession(requested)
        let content = Handoff.content(of: session)
        func list(_ title: String, _ lines: [String], empty: String) -> [String] {
            ["", "## " + title, ""] + (lines.isEmpty ? [empty] : lines.map { $0.hasPrefix("- ") ? $0 : "- " + $0 })
        }
        var lines = [try AgentsFrontend.text(workspace), "", "---", "", "# Session: \(session.metadata?.title ?? session.name)", ""]
        lines.append("Folder `\(session.folder)`, \(session.metadata?.status == .closed ? "closed" : "open").")
        lines += ["", "## The problem, in the author's words", "", content.problem.isEmpty ? "_Not stated yet: ask the author to state it._" : content.problem]
        lines += ["", "## What was done so far", "", content.state]
        lines += list("Task progress", content.progress, empty: "_No plan with steps._")
        // Proposed loops too: in a session still going, they wait for the author's answer.
        let loops = (session.loops?.loops ?? []).filter { $0.status.isOpen }.map(\.line)
        lines += list("Open loops", loops, empty: "_None._")
        lines += list("Attempts", content.attempts, empty: "_None logged._")
        lines += list("Kept out of scope", content.excluded, empty: "_Nothing stated._")
        if pack {
            // A pack that cannot be made leaves the rest worth pasting: it says why instead.
            do {
                let packed = try Self.sessionPack(workspace, session: session, budget: budget)
                lines += ["", "---", "", packed?.markdown ?? "_No context pack: the session's change is empty._"]
            } catch let error as ContextError {
                lines += ["", "---", "", "_No context pack: \(error.errorDescription ?? "")._"]
            }
        }
        let text = lines.joined(separator: "\n") + "\n"
        return (text, TokenEstimate.tokens(text))
    }

    /// The pack of the session's change: the working tree against HEAD while it holds changes,
    /// else the commits since the session's base.
    static func sessionPack(_ workspace: Workspace, session: SessionInput, budget: Int?) throws -> ContextPack? {
        let worktree = try ContextFrontend.pack(workspace, .init(comparison: .worktree, budget: budget, select: [], expand: []))
        if worktree.pack.holdsAChange { return worktree.pack }
        guard let base = session.metadata?.base, let commit = try? workspace.repository.resolveCommit(base),
            commit != (try? workspace.repository.headCommit())
        else { return nil }
        return try ContextFrontend.pack(workspace, .init(comparison: .range(base: commit.hex, head: nil), budget: budget, select: [], expand: [])).pack
    }
}

extension ContextPack {
    /// Whether the pack shows a change (a diff or a changed node's SQL), not only its header.
    var holdsAChange: Bool { sections.contains { $0.kind == "diff" || $0.kind == "sql" || $0.kind == "indirect" } }
}

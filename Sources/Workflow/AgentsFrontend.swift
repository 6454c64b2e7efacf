import Foundation
import Sessions

/// `rationale agents`: the protocol for agents, kept in a marked block of AGENTS.md (the
/// cross-agent convention) without touching a line of the user's own.
public enum AgentsFrontend {
    /// The markers around rationale's block.
    public static let block = MarkedBlock(begin: "<!-- rationale:agents:begin -->", end: "<!-- rationale:agents:end -->")

    /// The default file.
    public static let defaultFile = "AGENTS.md"

    /// What writing the block did.
    public enum Outcome: String, Sendable {
        case created, added, updated, unchanged
    }

    /// The protocol's text (the AGENTS.md template, or the repository's override of it).
    public static func text(_ workspace: Workspace) throws -> String {
        let text = try workspace.templates().render("AGENTS.md", [:])
        return text.trimmingCharacters(in: .newlines)
    }

    /// The block as pasted: markers and protocol.
    public static func markedBlock(_ workspace: Workspace) throws -> String {
        [block.begin, try text(workspace), block.end].joined(separator: "\n")
    }

    /// Writes the block into `file` (repository-relative): creates the file, appends the block
    /// to a file without one, or replaces the block's inside; the lines outside stay as they
    /// were, byte for byte. Nothing is written when the block is already current.
    ///
    /// - Throws: ``AgentsError/unbalancedMarkers(file:line:)`` when a marker stands without its
    ///   pair, and what the workspace throws for a path outside the repository or a link.
    public static func write(_ workspace: Workspace, file: String = defaultFile) throws -> (path: String, outcome: Outcome) {
        let lines = TextLines(try text(workspace)).lines
        guard let existing = try workspace.read(file) else {
            try workspace.create(file, ([block.begin] + lines + [block.end]).joined(separator: "\n") + "\n")
            return (file, .created)
        }
        let all = TextLines(existing).lines
        let begins = all.indices.filter { MarkedBlock.markerText(all[$0]) == block.begin }
        let ends = all.indices.filter { MarkedBlock.markerText(all[$0]) == block.end }
        if begins.isEmpty && ends.isEmpty {
            let separator = existing.isEmpty || existing.hasSuffix("\n\n") ? "" : (existing.hasSuffix("\n") ? "\n" : "\n\n")
            try workspace.replace(file, existing + separator + ([block.begin] + lines + [block.end]).joined(separator: "\n") + "\n")
            return (file, .added)
        }
        guard begins.count == 1, ends.count == 1, begins[0] < ends[0] else {
            let line = (begins.count != 1 ? begins.dropFirst().first ?? ends.first : ends.dropFirst().first ?? begins.first) ?? 0
            throw AgentsError.unbalancedMarkers(file: file, line: line + 1)
        }
        guard let replaced = block.replacingKeepingBytes(in: existing, with: lines) else {
            throw AgentsError.unbalancedMarkers(file: file, line: begins[0] + 1)
        }
        if replaced == existing { return (file, .unchanged) }
        try workspace.replace(file, replaced)
        return (file, .updated)
    }
}

/// Why `rationale agents` wrote nothing.
public enum AgentsError: Error, LocalizedError, Equatable {
    /// A marker without its pair, or more than one block.
    case unbalancedMarkers(file: String, line: Int)

    public var errorDescription: String? {
        switch self {
        case .unbalancedMarkers(let file, let line):
            return
                "\(file):\(line): rationale's markers (\(AgentsFrontend.block.begin) … \(AgentsFrontend.block.end)) are not one begin and one end in that order: fix them by hand (or delete both) and run again; nothing was written"
        }
    }
}

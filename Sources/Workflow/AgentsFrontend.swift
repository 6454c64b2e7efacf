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
        let begins = all.indices.filter { all[$0].trimmingCharacters(in: .whitespaces) == block.begin }
        let ends = all.indices.filter { all[$0].trimmingCharacters(in: .whitespaces) == block.end }
        if begins.isEmpty && ends.isEmpty {
            let separator = existing.isEmpty || existing.hasSuffix("\n\n") ? "" : (existing.hasSuffix("\n") ? "\n" : "\n\n")
            try workspace.replace(file, existing + separator + ([block.begin] + lines + [block.end]).joined(separator: "\n") + "\n")
            return (file, .added)
        }
        guard begins.count == 1, ends.count == 1, begins[0] < ends[0] else {
            let line = (begins.count != 1 ? begins.dropFirst().first ?? ends.first : ends.dropFirst().first ?? begins.first) ?? 0
            throw AgentsError.unbalancedMarkers(file: file, line: line + 1)
        }
        if block.contents(of: existing) == lines { return (file, .unchanged) }
        try workspace.replace(file, replacingInside(existing, lines: lines))
        return (file, .updated)
    }

    /// `text` with what stands between the marker lines replaced by `lines`, ended as the begin
    /// marker's line is: every byte outside the block stays as it was, whatever its line endings.
    static func replacingInside(_ text: String, lines: [String]) -> String {
        // Bytes, not characters: "\r\n" is one Character, and the lines must split on "\n".
        let bytes = Array(text.utf8)
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        func line(_ number: Int) -> String {
            let start = starts[number]
            let end = number + 1 < starts.count ? starts[number + 1] : bytes.count
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        func trimmed(_ number: Int) -> String { line(number).trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let begin = starts.indices.first(where: { trimmed($0) == block.begin }), begin + 1 < starts.count,
            let end = starts.indices.dropFirst(begin + 1).first(where: { trimmed($0) == block.end })
        else { return text }
        let ending = line(begin).hasSuffix("\r\n") ? "\r\n" : "\n"
        let inside = lines.map { $0 + ending }.joined()
        return String(decoding: bytes[..<starts[begin + 1]], as: UTF8.self) + inside + String(decoding: bytes[starts[end]...], as: UTF8.self)
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

/// A path glob as `.gitignore` and pre-commit users write them: `*` matches within one folder
/// level, `**` across levels, `?` one character; a glob without a wildcard matches that path
/// and everything under it.
public struct PathGlob: Sendable, Hashable {
    /// The glob as written.
    public let pattern: String
    private let parts: [Substring]

    /// Creates a glob (leading `./` and `/` ignored).
    public init(_ pattern: String) {
        var text = Substring(pattern)
        while text.hasPrefix("./") { text = text.dropFirst(2) }
        while text.hasPrefix("/") { text = text.dropFirst() }
        while text.hasSuffix("/") { text = text.dropLast() }
        self.pattern = pattern
        var parts = text.split(separator: "/", omittingEmptySubsequences: true)
        // A plain folder or file name covers what is under it.
        if !text.contains(where: { $0 == "*" || $0 == "?" }) { parts.append("**") }
        self.parts = parts
    }

    /// Whether a repository-relative path matches.
    public func matches(_ path: String) -> Bool {
        Self.match(parts[...], path.split(separator: "/")[...])
    }

    private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            if rest.isEmpty { return true }
            var remaining = path
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let component = path.first, matchComponent(Array(first)[...], Array(component)[...]) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    private static func matchComponent(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        switch first {
        case "*":
            var rest = text
            while true {
                if matchComponent(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        case "?":
            return !text.isEmpty && matchComponent(pattern.dropFirst(), text.dropFirst())
        default:
            return text.first == first && matchComponent(pattern.dropFirst(), text.dropFirst())
        }
    }
}

/// Fenced code blocks (CommonMark's ```` ``` ```` and `~~~` fences) found line by line in UTF-8
/// bytes: what lies inside one is code, never Markdown, HTML or a marker.
///
/// Fences at the top level only: a fence inside a block quote or a list item (`> ```…`) is not
/// followed, as GitHub and GitLab themselves would differ on what it closes.
enum MarkdownFences {
    /// A fence line: its character (backtick or tilde) and how many of them.
    struct Fence: Equatable {
        var character: UInt8
        var count: Int

        /// The line that closes this fence.
        var closingLine: String { String(repeating: character == UInt8(ascii: "`") ? "`" : "~", count: count) }
    }

    private static let backtick = UInt8(ascii: "`"), tilde = UInt8(ascii: "~"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    /// The fence a line opens (at most three spaces of indentation, three or more backticks or
    /// tildes; a backtick fence's info string holds no backtick), or nil.
    static func opening(_ line: ArraySlice<UInt8>) -> Fence? {
        guard let (fence, rest) = run(line) else { return nil }
        if fence.character == backtick && rest.contains(backtick) { return nil }
        return fence
    }

    /// Whether a line closes `fence`: the same character, at least as many, then only blanks.
    static func closes(_ line: ArraySlice<UInt8>, _ fence: Fence) -> Bool {
        guard let (found, rest) = run(line) else { return false }
        return found.character == fence.character && found.count >= fence.count
            && rest.allSatisfy { $0 == space || $0 == tab || $0 == 13 }
    }

    private static func run(_ line: ArraySlice<UInt8>) -> (Fence, ArraySlice<UInt8>)? {
        var index = line.startIndex
        var indent = 0
        while index < line.endIndex, line[index] == space, indent < 4 {
            index += 1
            indent += 1
        }
        guard indent <= 3, index < line.endIndex, line[index] == backtick || line[index] == tilde else { return nil }
        let character = line[index]
        var end = index
        while end < line.endIndex, line[end] == character { end += 1 }
        guard end - index >= 3 else { return nil }
        return (Fence(character: character, count: end - index), line[end...])
    }

    /// The byte ranges of the fenced code blocks, each from its opening line to the end of its
    /// closing line, or to the end of the text when nothing closes it (as CommonMark reads it).
    static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var open: (fence: Fence, start: Int)?
        var lineStart = 0
        while lineStart < bytes.count {
            let newline = bytes[lineStart...].firstIndex(of: 10)
            let lineEnd = newline ?? bytes.count
            let next = newline.map { $0 + 1 } ?? bytes.count
            let line = bytes[lineStart..<lineEnd]
            if let current = open {
                if closes(line, current.fence) {
                    result.append(current.start..<next)
                    open = nil
                }
            } else if let fence = opening(line) {
                open = (fence, lineStart)
            }
            lineStart = next
        }
        if let current = open { result.append(current.start..<bytes.count) }
        return result
    }

    /// The fence still open at the end of the text, if any.
    static func unclosed(in bytes: [UInt8]) -> Fence? {
        var open: Fence?
        var lineStart = 0
        while lineStart < bytes.count {
            let newline = bytes[lineStart...].firstIndex(of: 10)
            let line = bytes[lineStart..<(newline ?? bytes.count)]
            if let current = open {
                if closes(line, current) { open = nil }
            } else {
                open = opening(line)
            }
            lineStart = newline.map { $0 + 1 } ?? bytes.count
        }
        return open
    }

    /// The text with a closing fence line added when a fence is left open at its end, so that
    /// what follows it is not swallowed into code.
    static func closingUnclosed(_ text: String) -> String {
        guard let fence = unclosed(in: Array(text.utf8)) else { return text }
        return text + (text.hasSuffix("\n") ? "" : "\n") + fence.closingLine
    }
}

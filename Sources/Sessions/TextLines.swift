/// Text split into lines at any line ending an editor writes — LF, CRLF or a lone CR — and
/// joined back with the ending the text used first, so a file edited in place keeps its
/// endings.
///
/// `String.split(separator: "\n")` does not do this: Swift reads `\r\n` as one character, which
/// is not `\n`, so a CRLF file would be one long line.
public struct TextLines: Sendable, Hashable {
    /// The lines, without their endings.
    public var lines: [String]
    /// The first line ending in the text (`\n` when it has none): what joined lines get.
    public var ending: String
    /// Whether the text ended with a line ending.
    public var endsWithNewline: Bool

    /// Splits `text`.
    public init(_ text: String) {
        var lines: [String] = []
        var ending: String?
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            let byte = utf8[index]
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
                index = utf8.index(after: index)
                continue
            }
            // Both bytes are ASCII, so these indices fall on character boundaries.
            lines.append(String(text[start..<index]))
            var next = utf8.index(after: index)
            if byte == UInt8(ascii: "\r"), next != utf8.endIndex, utf8[next] == UInt8(ascii: "\n") {
                next = utf8.index(after: next)
                ending = ending ?? "\r\n"
            } else {
                ending = ending ?? (byte == UInt8(ascii: "\n") ? "\n" : "\r")
            }
            start = next
            index = next
        }
        endsWithNewline = !text.isEmpty && start == utf8.endIndex
        if start != utf8.endIndex { lines.append(String(text[start...])) }
        self.lines = lines
        self.ending = ending ?? "\n"
    }

    /// The lines joined with ``ending``, with a final ending when the text had one.
    public var text: String {
        lines.joined(separator: ending) + (endsWithNewline ? ending : "")
    }

    /// The same endings around other lines.
    public func with(_ lines: [String]) -> TextLines {
        var copy = self
        copy.lines = lines
        return copy
    }
}

import Foundation

/// A Markdown file of one-line list items (LOOPS.md, ATTEMPTS.md) edited in place: every line an
/// edit does not touch stays exactly as it was, line endings and the final newline included.
struct ItemListFile: Sendable {
    /// The file's lines, without line endings.
    var lines: [String]
    private let endsWithNewline: Bool
    /// The file's line ending (LF, CRLF or CR), which new and changed lines get too.
    private let ending: String

    /// Reads the file's text.
    init(_ text: String) {
        let split = TextLines(text)
        endsWithNewline = split.endsWithNewline
        ending = split.ending
        lines = split.lines
    }

    /// The text, with the same line endings and final newline as read.
    var text: String {
        lines.joined(separator: ending) + (endsWithNewline || lines.isEmpty ? ending : "")
    }

    /// The lines outside HTML comments and fenced code (items there are examples), numbered from 1.
    func visibleLines() -> [MarkdownDocument.Line] {
        let numbered = lines.enumerated().map { MarkdownDocument.Line(number: $0.offset + 1, text: $0.element) }
        return MarkdownText.outsideFences(MarkdownText.withoutComments(numbered))
    }

    /// Inserts `line` after the last item (1-based `items`) of the last section titled `title`,
    /// after that item's indented continuation lines; at the end of the section when it holds no
    /// item; at the end of the file under a new `## title` heading when there is no such section.
    mutating func insert(_ line: String, after items: [Int], section title: String) {
        let section = MarkdownDocument(text).lastSection(title)
        var insertAt: Int // 0-based index to insert before
        if let lastItem = items.last(where: { item in
            section.map { s in item > s.line && item <= (s.body.last?.number ?? s.line) } ?? true
        }) {
            insertAt = lastItem // the line after the item (0-based index of the next line)
            while insertAt < lines.count, lines[insertAt].hasPrefix(" ") || lines[insertAt].hasPrefix("\t") {
                insertAt += 1
            }
        } else if let section {
            // After the section's last non-blank line (comments included).
            let last = section.body.last { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }
            insertAt = last?.number ?? section.line
        } else {
            while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
            if !lines.isEmpty { lines.append("") }
            lines.append("## \(title)")
            lines.append("")
            insertAt = lines.count
        }
        lines.insert(line, at: insertAt)
    }
}

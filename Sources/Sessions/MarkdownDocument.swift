import Foundation

/// A Markdown file read as ATX-heading sections, with 1-based line numbers (lines end at LF,
/// CRLF or a lone CR).
///
/// Tolerant of anything it does not need: setext headings, HTML and front matter are plain body
/// lines. Headings inside fenced code blocks do not count.
public struct MarkdownDocument: Sendable {
    /// One heading and the lines up to the next heading of the same or a higher level.
    public struct Section: Sendable, Hashable {
        /// The heading text, without the `#`s and surrounding spaces or closing `#`s.
        public var title: String
        /// 1 for `#`, 2 for `##`, …
        public var level: Int
        /// The heading's line.
        public var line: Int
        /// The body lines (1-based line numbers of the document), nested sections included.
        public var body: [Line]
    }

    /// A line of the document.
    public struct Line: Sendable, Hashable {
        /// Its 1-based number.
        public var number: Int
        /// Its text, without the line ending.
        public var text: String
    }

    /// Every line of the document.
    public let lines: [Line]
    /// Every section, in document order (nested ones too).
    public let sections: [Section]

    /// Reads `text`.
    public init(_ text: String) {
        // LF, CRLF and lone CR all end a line (TextLines), so line numbers match an editor's.
        let lines = TextLines(text).lines.enumerated().map { Line(number: $0.offset + 1, text: $0.element) }
        self.lines = lines

        var headings: [(index: Int, level: Int, title: String)] = []
        for line in MarkdownText.outsideFences(lines) {
            if let heading = Self.heading(line.text) {
                headings.append((line.number - 1, heading.level, heading.title))
            }
        }
        var sections: [Section] = []
        for (position, heading) in headings.enumerated() {
            var end = lines.count
            for later in headings[(position + 1)...] where later.level <= heading.level {
                end = later.index
                break
            }
            sections.append(
                Section(
                    title: heading.title, level: heading.level, line: lines[heading.index].number,
                    body: Array(lines[(heading.index + 1)..<end])))
        }
        self.sections = sections
    }

    /// The first section whose title matches `title` (case and surrounding spaces ignored).
    public func section(_ title: String) -> Section? {
        let wanted = Self.normalisedTitle(title)
        return sections.first { Self.normalisedTitle($0.title) == wanted }
    }

    /// The last section titled `title`: the innermost when a file repeats its title as a
    /// subheading (`# Loops` … `## Loops`).
    public func lastSection(_ title: String) -> Section? {
        let wanted = Self.normalisedTitle(title)
        return sections.last { Self.normalisedTitle($0.title) == wanted }
    }

    /// The heading level and text of an ATX heading line, or nil.
    public static func heading(_ line: String) -> (level: Int, title: String)? {
        var rest = Substring(line)
        let indent = rest.prefix { $0 == " " }.count
        guard indent <= 3 else { return nil }
        rest = rest.dropFirst(indent)
        let level = rest.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        rest = rest.dropFirst(level)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var title = rest.trimmingSpaces
        // A closing sequence of #s preceded by a space is not part of the title.
        if let lastSpace = title.lastIndex(of: " "), title[title.index(after: lastSpace)...].allSatisfy({ $0 == "#" }) {
            title = title[..<lastSpace].trimmingSpaces
        } else if title.allSatisfy({ $0 == "#" }) {
            title = ""
        }
        return (level, String(title))
    }

    /// A title compared loosely: lowercased, spaces collapsed, emphasis markers dropped.
    static func normalisedTitle(_ title: String) -> String {
        title.lowercased().filter { $0 != "*" && $0 != "_" && $0 != "`" }
            .split(separator: " ").joined(separator: " ")
    }
}

extension MarkdownDocument.Section {
    /// The body without HTML comments (which may span lines), keeping line numbers; lines that
    /// held only a comment are dropped.
    public var visibleBody: [MarkdownDocument.Line] {
        MarkdownText.withoutComments(body)
    }

    /// Whether nothing but comments, blank lines, placeholders and headings is left (sub-headings
    /// alone, such as the steps of an unfilled Reasoning, hold nothing; code does).
    public var isEmpty: Bool {
        let outside = Set(MarkdownText.outsideFences(body).map(\.number))
        return visibleBody.allSatisfy { line in
            guard outside.contains(line.number) else { return false }
            let text = MarkdownText.withoutPlaceholders(line.text).trimmingCharacters(in: .whitespaces)
            return text.isEmpty || MarkdownDocument.heading(text) != nil
        }
    }
}

/// Small text helpers shared by the readers and rules.
public enum MarkdownText {
    /// The placeholder opener templates use for what the author must write.
    public static let placeholderOpen = "[[fill:"

    /// `lines` with HTML comments removed; lines left blank by a removed comment are dropped.
    public static func withoutComments(_ lines: [MarkdownDocument.Line]) -> [MarkdownDocument.Line] {
        var result: [MarkdownDocument.Line] = []
        var inComment = false
        for line in lines {
            var text = Substring(line.text)
            var kept = ""
            var hadComment = inComment
            while !text.isEmpty {
                if inComment {
                    guard let end = text.range(of: "-->") else { text = ""; break }
                    text = text[end.upperBound...]
                    inComment = false
                } else if let start = text.range(of: "<!--") {
                    kept += text[..<start.lowerBound]
                    text = text[start.upperBound...]
                    inComment = true
                    hadComment = true
                } else {
                    kept += text
                    text = ""
                }
            }
            if hadComment && kept.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            result.append(MarkdownDocument.Line(number: line.number, text: kept))
        }
        return result
    }

    /// `lines` without fenced code blocks (``` or ~~~, fences included).
    public static func outsideFences(_ lines: [MarkdownDocument.Line]) -> [MarkdownDocument.Line] {
        var result: [MarkdownDocument.Line] = []
        var fence: Substring?
        for line in lines {
            let trimmed = Substring(line.text).trimmingSpaces
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = trimmed.prefix(3)
                continue
            }
            result.append(line)
        }
        return result
    }

    /// `text` with every `[[fill: …]]` placeholder removed.
    public static func withoutPlaceholders(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: placeholderOpen) {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].range(of: "]]") else { return result }
            rest = rest[end.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }
}

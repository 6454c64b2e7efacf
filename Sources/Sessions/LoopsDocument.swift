import Foundation

/// LOOPS.md, read for its loops and edited in place: every line that is not the loop being
/// changed stays exactly as it was.
public struct LoopsDocument: Sendable {
    /// The file's lines, without line endings.
    public private(set) var lines: [String]
    private let endsWithNewline: Bool
    /// The file's line ending (LF, CRLF or CR), which new and changed lines get too.
    private let ending: String

    /// The heading under which new loops are appended.
    public static let sectionTitle = "Loops"

    /// Reads the file's text.
    public init(_ text: String) {
        let split = TextLines(text)
        endsWithNewline = split.endsWithNewline
        ending = split.ending
        lines = split.lines
    }

    /// The text, with the same line endings and final newline as read.
    public var text: String {
        lines.joined(separator: ending) + (endsWithNewline || lines.isEmpty ? ending : "")
    }

    /// A loop found in the file, with its 1-based line.
    public struct Entry: Sendable, Hashable {
        /// The 1-based line of its item.
        public var line: Int
        /// The loop.
        public var loop: Loop
    }

    /// A line that starts like a loop but does not follow the format.
    public struct Problem: Sendable, Hashable {
        /// The 1-based line.
        public var line: Int
        /// What is wrong and how to write it.
        public var message: String
    }

    /// The loops, in file order; items inside HTML comments and code blocks are examples, not loops.
    public var entries: [Entry] { scan().entries }

    /// Lines that look like loops but are not well formed.
    public var problems: [Problem] { scan().problems }

    /// The loops, in file order.
    public var loops: [Loop] { entries.map(\.loop) }

    private func scan() -> (entries: [Entry], problems: [Problem]) {
        var entries: [Entry] = []
        var problems: [Problem] = []
        for line in visibleLines() {
            switch Loop.parse(line.text) {
            case .notALoop: continue
            case .loop(let loop): entries.append(Entry(line: line.number, loop: loop))
            case .malformed(let message): problems.append(Problem(line: line.number, message: message))
            }
        }
        return (entries, problems)
    }

    /// Lines outside comments and fenced code.
    private func visibleLines() -> [MarkdownDocument.Line] {
        let numbered = lines.enumerated().map { MarkdownDocument.Line(number: $0.offset + 1, text: $0.element) }
        return MarkdownText.outsideFences(MarkdownText.withoutComments(numbered))
    }

    /// Adds a loop after the last loop of the `Loops` section (after its indented continuation
    /// lines), or at the end of that section, or at the end of the file when there is none.
    public mutating func append(_ loop: Loop) {
        let document = MarkdownDocument(text)
        let section = document.lastSection(Self.sectionTitle)
        var insertAt: Int // 0-based index to insert before
        if let lastEntry = entries.last(where: { entry in
            section.map { s in entry.line > s.line && entry.line <= (s.body.last?.number ?? s.line) } ?? true
        }) {
            insertAt = lastEntry.line // the line after the item (0-based index of the next line)
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
            lines.append("## \(Self.sectionTitle)")
            lines.append("")
            insertAt = lines.count
        }
        lines.insert(loop.line, at: insertAt)
    }

    /// Changes the loop `id` in place (its item line only; indentation kept) and returns it.
    ///
    /// - Throws: ``SessionError/unknownLoop(id:file:known:)`` when no loop has that id.
    @discardableResult
    public mutating func update(_ id: String, file: String, _ change: (inout Loop) throws -> Void) throws -> Loop {
        try update([id], file: file, change)[0]
    }

    /// Changes each loop of `ids` in place (item lines only; indentation kept) with one read of
    /// the file, however many loops it holds, and returns them in the order of `ids`. The first
    /// loop of an id is the one changed, as for a single update; an id given twice is changed
    /// twice. Nothing changes when an id is unknown.
    ///
    /// - Throws: ``SessionError/unknownLoop(id:file:known:)`` for the first id no loop has.
    @discardableResult
    public mutating func update(_ ids: [String], file: String, _ change: (inout Loop) throws -> Void) throws -> [Loop] {
        var found: [String: Entry] = [:]
        let all = entries
        for entry in all where found[entry.loop.id] == nil { found[entry.loop.id] = entry }
        if let missing = ids.first(where: { found[$0.uppercased()] == nil }) {
            throw SessionError.unknownLoop(id: missing, file: file, known: all.map(\.loop.id))
        }
        var changed: [Loop] = []
        changed.reserveCapacity(ids.count)
        for id in ids {
            guard var entry = found[id.uppercased()] else { continue }
            try change(&entry.loop)
            let old = lines[entry.line - 1]
            let indent = old.prefix { $0 == " " || $0 == "\t" }
            lines[entry.line - 1] = indent + entry.loop.line
            found[id.uppercased()] = entry
            changed.append(entry.loop)
        }
        return changed
    }

    /// The highest loop number in the file (0 when none).
    public var highestNumber: Int {
        loops.map(\.number).max() ?? 0
    }
}

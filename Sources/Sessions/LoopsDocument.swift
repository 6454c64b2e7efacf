import Foundation

/// LOOPS.md, read for its loops and edited in place: every line that is not the loop being
/// changed stays exactly as it was.
public struct LoopsDocument: Sendable {
    /// The file, edited in place.
    private var file: ItemListFile

    /// The file's lines, without line endings.
    public var lines: [String] { file.lines }

    /// The heading under which new loops are appended.
    public static let sectionTitle = "Loops"

    /// Reads the file's text.
    public init(_ text: String) {
        file = ItemListFile(text)
    }

    /// The text, with the same line endings and final newline as read.
    public var text: String { file.text }

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
        for line in file.visibleLines() {
            switch Loop.parse(line.text) {
            case .notALoop: continue
            case .loop(let loop): entries.append(Entry(line: line.number, loop: loop))
            case .malformed(let message): problems.append(Problem(line: line.number, message: message))
            }
        }
        return (entries, problems)
    }

    /// Adds a loop after the last loop of the `Loops` section (after its indented continuation
    /// lines), or at the end of that section, or at the end of the file when there is none.
    public mutating func append(_ loop: Loop) {
        file.insert(loop.line, after: entries.map(\.line), section: Self.sectionTitle)
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
            let old = self.file.lines[entry.line - 1]
            let indent = old.prefix { $0 == " " || $0 == "\t" }
            self.file.lines[entry.line - 1] = indent + entry.loop.line
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

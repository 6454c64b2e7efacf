import Foundation

/// The formats loops travel in to and from a GTD tool.
public enum GTDFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// TickTick's backup CSV (written as version 7.1; read from 7.0 to 7.2).
    case ticktick
    /// One todo.txt line per loop.
    case todotxt
    /// A JSON array of `{id, status, text, session, model, note}`.
    case json

    /// The format of an imported file, told from its content: TickTick's preamble or header, JSON
    /// (an array, or an object so the reader can say it wants an array), else todo.txt.
    public static func detect(_ text: String) -> GTDFormat {
        let body = GTDText.withoutBOM(text)
        let start = body.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        if start.hasPrefix("[") || start.hasPrefix("{") { return .json }
        let firstLine = start.prefix { $0 != "\n" && $0 != "\r" }
        if firstLine.hasPrefix("\"Date:") || firstLine.hasPrefix("\"Version:") || firstLine.contains("\"Title\"")
            || firstLine.hasPrefix("Folder Name,")
        {
            return .ticktick
        }
        return .todotxt
    }

    /// Writes the loops in this format.
    public func render(_ export: GTDExport) throws -> String {
        switch self {
        case .ticktick: try TickTickBackup.render(export)
        case .todotxt: TodoTxt.render(export)
        case .json: try LoopsJSON.render(export)
        }
    }

    /// Reads the items of a file in this format.
    ///
    /// - Parameter file: the file's name, for messages.
    /// - Throws: ``SessionError/unreadableImport(file:line:expected:)`` naming the line.
    public func read(_ text: String, file: String) throws -> [GTDItem] {
        switch self {
        case .ticktick: try TickTickBackup.read(text, file: file)
        case .todotxt: TodoTxt.read(text)
        case .json: try LoopsJSON.read(text, file: file)
        }
    }
}

/// What an export writes: the loops, each with the session that holds it, and the names the
/// formats need.
public struct GTDExport: Sendable, Hashable {
    /// One loop on its way out.
    public struct Item: Sendable, Hashable {
        /// The loop, as in LOOPS.md.
        public var loop: Loop
        /// The session folder that holds it, relative to the repository root.
        public var session: String
        /// The day the session started (`yyyy-MM-dd`): the task's creation date.
        public var created: String

        /// Creates an item.
        public init(loop: Loop, session: String, created: String) {
            self.loop = loop
            self.session = session
            self.created = created
        }
    }

    /// The project (the repository's name), used as TickTick's list and todo.txt's `+project`.
    public var project: String
    /// The day of the export (`yyyy-MM-dd`), for TickTick's preamble.
    public var date: String
    /// The loops, in order.
    public var items: [Item]

    /// The list (and project) name used when the repository has none.
    public static let defaultProject = "dbt loops"

    /// Creates an export.
    public init(project: String, date: String, items: [Item]) {
        self.project = project
        self.date = date
        self.items = items
    }

    /// The project name, or ``defaultProject`` when empty.
    public var listName: String {
        let trimmed = project.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? Self.defaultProject : trimmed
    }

    /// Which loops an export writes: every open one the author has accepted (`approved`, `open`,
    /// `exported`, `clarified`); `proposed` loops wait for approval and `closed` ones are done.
    public static func isExportable(_ loop: Loop) -> Bool {
        loop.status.isOpen && loop.status != .proposed
    }

    /// The status an exported loop takes: `approved` and `open` become `exported`; `exported`
    /// stays, and `clarified` keeps its answer.
    public static func markedStatus(_ status: Loop.Status) -> Loop.Status {
        status == .approved || status == .open ? .exported : status
    }
}

/// One item read back from a GTD file.
public struct GTDItem: Sendable, Hashable {
    /// The loop id, `L-<n>`.
    public var id: String
    /// Whether the GTD tool has it done.
    public var done: Bool
    /// The item's text without the id and tags (TickTick's title, todo.txt's description).
    public var text: String
    /// A clarification written apart from the text (TickTick's content minus what rationale
    /// wrote, JSON's `note`), or empty.
    public var note: String
    /// The 1-based line of the file the item starts on.
    public var line: Int

    /// Creates an item.
    public init(id: String, done: Bool, text: String, note: String = "", line: Int = 0) {
        self.id = id
        self.done = done
        self.text = text
        self.note = note
        self.line = line
    }
}

/// Small text helpers shared by the formats.
enum GTDText {
    /// The text without a leading UTF-8 byte order mark.
    static func withoutBOM(_ text: String) -> Substring {
        var rest = Substring(text)
        while rest.unicodeScalars.first == "\u{FEFF}" { rest = Substring(rest.unicodeScalars.dropFirst()) }
        return rest
    }

    /// The first loop id (`L-<n>`, any case) in the text, normalised, with the range it covers.
    static func loopID(in text: String) -> (id: String, range: Range<String.Index>)? {
        guard let match = text.range(of: #"(?<![A-Za-z0-9])[Ll]-[0-9]+(?![0-9])"#, options: .regularExpression) else { return nil }
        let digits = text[match].dropFirst(2)
        guard let number = Int(digits), number > 0 else { return nil }
        return ("L-\(number)", match)
    }

    /// Lines joined by single spaces, runs of white space collapsed, ends trimmed.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .joined(separator: " ")
    }
}

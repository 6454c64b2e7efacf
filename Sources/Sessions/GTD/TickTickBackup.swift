import CSV
import Foundation

/// TickTick's backup CSV: written in the version 7.1 layout, read from versions 7.0 to 7.2.
///
/// A backup opens with a preamble of quoted one-field records (the date, the version, and a
/// `Status:` legend that spans four lines), then the header row, then one row per task. Columns
/// are found by their header name, so 7.0 (no `Kind`) and 7.2 (an added `projectKind`) read the
/// same way, whatever the order. Parsing and quoting are yaslab/CSV.swift's: its reader returns
/// records without assuming the first is a header, so the preamble records are read and skipped,
/// and quoted fields may span lines.
public enum TickTickBackup {
    /// The version written in the preamble.
    public static let version = "7.1"

    /// The 24 columns of a version 7.1 backup, in order.
    public static let columns = [
        "Folder Name", "List Name", "Title", "Kind", "Tags", "Content", "Is Check list", "Start Date", "Due Date",
        "Reminder", "Repeat", "Priority", "Status", "Created Time", "Completed Time", "Order", "Timezone",
        "Is All Day", "Is Floating", "Column Name", "Column Order", "View Mode", "taskId", "parentId",
    ]

    /// The folder the tasks are put in.
    public static let folder = "rationale"
    /// The tag every exported loop carries (its model, if any, is a second tag).
    public static let tag = "dbt-loop"
    /// TickTick's priority for a loop: 5 (high; 0 none, 1 low, 3 medium).
    public static let priority = "5"

    /// The labels of the Content lines rationale writes; on import, lines starting with one of
    /// them are taken as ours and the rest of Content is the clarification.
    public static let contentLabels = ["Session:", "Model:", "Proposed by:", "Approved by:", "From:"]

    /// The Content of a loop's task: where it came from, then its note (if it has one).
    public static func content(_ item: GTDExport.Item) -> String {
        let loop = item.loop
        var lines = ["Session: \(item.session)"]
        if let model = loop["model"] { lines.append("Model: \(model)") }
        if let by = loop["by"] { lines.append("Proposed by: \(by)") }
        if let approved = loop["approved-by"] { lines.append("Approved by: \(approved)") }
        if let from = loop["from"] { lines.append("From: \(from)") }
        if let note = loop["note"], !note.isEmpty { lines += ["", note] }
        return lines.joined(separator: "\n")
    }

    /// The row for one loop, in ``columns`` order.
    static func row(_ item: GTDExport.Item, list: String, order: Int) -> [String] {
        let loop = item.loop
        let tags = [tag] + (loop["model"].map { [$0] } ?? [])
        let values: [String: String] = [
            "Folder Name": folder,
            "List Name": list,
            "Title": "\(loop.id) \(loop.text)",
            "Kind": "TEXT",
            "Tags": tags.joined(separator: ", "),
            "Content": content(item),
            "Is Check list": "N",
            "Priority": priority,
            "Status": "0",
            "Created Time": "\(item.created)T00:00:00+0000",
            "Order": String(order),
            "Timezone": "UTC",
            "Is All Day": "",
            "Is Floating": "false",
            "View Mode": "list",
        ]
        return columns.map { neutralised(values[$0] ?? "") }
    }

    /// The first characters that make a spreadsheet read a cell as a formula (OWASP, CSV
    /// injection): `=`, `+`, `-`, `@`, tab and carriage return.
    public static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// A field a spreadsheet opening the backup cannot run: one that starts with a formula
    /// character gets a leading `'` (OWASP's advice), which the spreadsheet shows as text.
    public static func neutralised(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, formulaStarts.contains(Character(first)) else { return field }
        return "'" + field
    }

    /// A field read back with the `'` that ``neutralised(_:)`` adds taken off (only before a
    /// formula character, so an author's own leading apostrophe stays).
    public static func restored(_ field: String) -> String {
        let scalars = field.unicodeScalars
        guard scalars.first == "'", let second = scalars.dropFirst().first, formulaStarts.contains(Character(second)) else { return field }
        return String(scalars.dropFirst())
    }

    /// The preamble records: the date, the version and the status legend.
    public static func preamble(date: String) -> [String] {
        ["Date: \(date)+0000", "Version: \(version)", "Status: \n0 Normal\n1 Completed\n2 Archived"]
    }

    /// The backup for these loops, every field quoted as TickTick writes them, LF line ends; a
    /// field that starts like a formula is neutralised (``neutralised(_:)``).
    ///
    /// - Throws: ``SessionError/exportFailed(format:reason:)`` if the CSV writer fails.
    public static func render(_ export: GTDExport) throws -> String {
        let stream = OutputStream.toMemory()
        let data: Data?
        do {
            // The writer opens the stream and closes it when released, so the data is taken first.
            let writer = try CSVWriter(stream: stream)
            for record in preamble(date: export.date) {
                try writer.write(row: [record], quotedAtIndex: { _ in true })
            }
            try writer.write(row: columns, quotedAtIndex: { _ in true })
            for (index, item) in export.items.enumerated() {
                try writer.write(row: row(item, list: export.listName, order: index), quotedAtIndex: { _ in true })
            }
            data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data
        } catch {
            throw SessionError.exportFailed(format: GTDFormat.ticktick.rawValue, reason: String(describing: error))
        }
        guard let data else {
            throw SessionError.exportFailed(format: GTDFormat.ticktick.rawValue, reason: "the CSV writer returned no data")
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads the tasks that carry a loop id (`L-<n>`) in their Title.
    ///
    /// Status `0` is open; any other number (`1` completed, `2` archived, `-1`) is done. The
    /// item's text is the Title without the id; its note is Content without the lines rationale
    /// wrote (``contentLabels``), joined into one line. Tasks without an id are not loops and are
    /// skipped.
    ///
    /// - Throws: ``SessionError/unreadableImport(file:line:expected:)`` when no header row has
    ///   `Title` and `Status`, or a loop's Status is not a number.
    public static func read(_ text: String, file: String) throws -> [GTDItem] {
        let body = String(GTDText.withoutBOM(text))
        let reader: CSVReader
        do {
            reader = try CSVReader(string: body, hasHeaderRow: false)
        } catch {
            throw SessionError.unreadableImport(file: file, line: 1, expected: "a TickTick backup CSV (\(error))")
        }
        var line = 1
        var header: [String: Int]?
        var items: [GTDItem] = []
        while let record = reader.next() {
            let start = line
            line += 1 + record.reduce(0) { $0 + $1.unicodeScalars.filter { $0 == "\n" }.count }
            guard let columns = header else {
                let names = record.map { $0.trimmingCharacters(in: .whitespaces) }
                if names.contains("Title"), names.contains("Status") {
                    header = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
                }
                continue
            }
            func field(_ name: String) -> String? {
                columns[name].flatMap { $0 < record.count ? restored(record[$0]) : nil }
            }
            let title = field("Title") ?? ""
            guard let found = GTDText.loopID(in: title) else { continue }
            guard let statusText = field("Status")?.trimmingCharacters(in: .whitespaces), let status = Int(statusText) else {
                let got = field("Status").map { "`\($0)`" } ?? "nothing (the row has \(record.count) of the header's \(columns.count) fields)"
                throw SessionError.unreadableImport(
                    file: file, line: start,
                    expected: "\(found.id)'s Status must be a number (0 open; 1, 2 or -1 done), not \(got); check the row's quotes and commas")
            }
            var rest = title
            rest.removeSubrange(found.range)
            // `L-7: text`, `L-7 - text`: a separator after the id goes, a leading `-2` stays.
            var textPart = Substring(rest.trimmingCharacters(in: .whitespaces))
            if let first = textPart.first, ":-—–".contains(first), textPart.dropFirst().first.map({ $0 == " " || $0 == "\t" }) ?? true {
                textPart = textPart.dropFirst()
            }
            textPart = textPart.trimmingSpaces
            items.append(
                GTDItem(
                    id: found.id, done: status != 0, text: GTDText.oneLine(String(textPart)),
                    note: clarification(fromContent: field("Content") ?? ""), line: start))
        }
        guard header != nil else {
            throw SessionError.unreadableImport(
                file: file, line: 1,
                expected:
                    "a TickTick backup: its header row (\"Folder Name\",\"List Name\",\"Title\",…,\"Status\",…) after the preamble; no row names both Title and Status"
            )
        }
        return items
    }

    /// Content without the lines rationale wrote, as one line.
    public static func clarification(fromContent content: String) -> String {
        let lines = content.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let theirs = lines.filter { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return !contentLabels.contains { trimmed.hasPrefix($0) }
        }
        return GTDText.oneLine(theirs.joined(separator: "\n"))
    }
}

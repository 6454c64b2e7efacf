import Foundation

/// Loops as a JSON array of `{id, status, text, session, model, note}` (keys sorted; `model` and
/// `note` left out when a loop has none).
///
/// On import `status` `closed`, `done` or `completed` (any case) is done, anything else open;
/// `note` is the clarification, and `text` may carry one too (see ``GTDImport``).
public enum LoopsJSON {
    /// One loop.
    public struct Entry: Codable, Sendable, Hashable {
        /// `L-<n>`.
        public var id: String
        /// The loop's status (`exported`, …; `closed` when done).
        public var status: String?
        /// The loop's text.
        public var text: String?
        /// The session folder that holds it.
        public var session: String?
        /// The dbt model it is about.
        public var model: String?
        /// Its note or clarification.
        public var note: String?
    }

    /// The statuses that mean done.
    public static let doneStatuses = ["closed", "done", "completed"]

    /// The array, pretty-printed with sorted keys.
    ///
    /// - Throws: ``SessionError/exportFailed(format:reason:)`` if encoding fails.
    public static func render(_ export: GTDExport) throws -> String {
        let entries = export.items.map { item in
            Entry(
                id: item.loop.id, status: item.loop.status.rawValue, text: item.loop.text, session: item.session,
                model: item.loop["model"], note: item.loop["note"])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(entries), as: UTF8.self) + "\n"
        } catch {
            throw SessionError.exportFailed(format: GTDFormat.json.rawValue, reason: String(describing: error))
        }
    }

    /// Reads the array.
    ///
    /// - Throws: ``SessionError/unreadableImport(file:line:expected:)`` when it is not an array
    ///   of objects with an `id` each.
    public static func read(_ text: String, file: String) throws -> [GTDItem] {
        let body = String(GTDText.withoutBOM(text))
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: Data(body.utf8))
        } catch let DecodingError.keyNotFound(key, context) {
            throw SessionError.unreadableImport(
                file: file, line: 1, expected: "`\(key.stringValue)` in every item (\(describe(context.codingPath)) has none), e.g. \"id\": \"L-7\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw SessionError.unreadableImport(
                file: file, line: 1,
                expected: "a JSON array of {id, status, text, session, model, note} with string values; \(describe(context.codingPath)) is not")
        } catch {
            throw SessionError.unreadableImport(file: file, line: 1, expected: "a JSON array of {id, status, text, session, model, note}; it is not valid JSON")
        }
        var items: [GTDItem] = []
        for (index, entry) in entries.enumerated() {
            guard let found = GTDText.loopID(in: entry.id) else {
                throw SessionError.unreadableImport(file: file, line: 1, expected: "a loop id (L-<n>) as item \(index + 1)'s id, not `\(entry.id)`")
            }
            let done = doneStatuses.contains((entry.status ?? "").lowercased())
            items.append(GTDItem(id: found.id, done: done, text: GTDText.oneLine(entry.text ?? ""), note: GTDText.oneLine(entry.note ?? ""), line: 1))
        }
        return items
    }

    static func describe(_ path: [any CodingKey]) -> String {
        guard let first = path.first else { return "the top level" }
        let index = first.intValue.map { "item \($0 + 1)" } ?? first.stringValue
        let rest = path.dropFirst().map(\.stringValue)
        return rest.isEmpty ? index : index + " `" + rest.joined(separator: ".") + "`"
    }
}

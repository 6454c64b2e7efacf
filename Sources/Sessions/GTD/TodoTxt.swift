import Foundation

/// todo.txt, one loop a line: `(A) 2026-11-25 text +project @dbt loop:L-7 model:orders`.
///
/// A done line starts `x <done> <created> …`. A line without a `loop:` key is not a loop and is
/// ignored. The item's text is the description without its `+project` and `@context` tags and
/// the keys rationale or todo.txt use (``ownKeys``); any other `key:value` stays text. What the
/// text says beyond the loop's own text is the clarification (see ``GTDImport``).
public enum TodoTxt {
    /// The priority of an exported loop (TickTick's 5).
    public static let priority = "(A)"
    /// The context every exported loop carries.
    public static let context = "@dbt"
    /// The `key:` tags taken out of the text on import.
    public static let ownKeys = ["loop", "model", "due", "t", "rec", "pri"]

    /// The `+project` tag for a project name: white space becomes `-`.
    public static func projectTag(_ name: String) -> String {
        "+" + name.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: "-")
    }

    /// One line for a loop; a loop with a note (a clarified one) says it after ` — `.
    public static func line(_ item: GTDExport.Item, project: String) -> String {
        let loop = item.loop
        var text = GTDText.oneLine(loop.text)
        if let note = loop["note"], !note.isEmpty { text += " — " + GTDText.oneLine(note) }
        var parts = [priority, item.created, text, projectTag(project), context, "loop:\(loop.id)"]
        if let model = loop["model"], !model.contains(" ") { parts.append("model:\(model)") }
        return parts.joined(separator: " ")
    }

    /// The file: one line per loop.
    public static func render(_ export: GTDExport) -> String {
        export.items.map { line($0, project: export.listName) + "\n" }.joined()
    }

    /// Reads every line that carries `loop:L-<n>`.
    public static func read(_ text: String) -> [GTDItem] {
        var items: [GTDItem] = []
        let lines = String(GTDText.withoutBOM(text)).replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            var tokens = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard !tokens.isEmpty else { continue }
            var done = false
            if tokens.first == "x" {
                done = true
                tokens.removeFirst()
                // The completion date, then the creation date.
                for _ in 0..<2 where tokens.first.map(isDate) == true { tokens.removeFirst() }
            } else {
                if let first = tokens.first, isPriority(first) { tokens.removeFirst() }
                if tokens.first.map(isDate) == true { tokens.removeFirst() }
            }
            guard let loopToken = tokens.first(where: { $0.lowercased().hasPrefix("loop:") }),
                let found = GTDText.loopID(in: String(loopToken.dropFirst("loop:".count)))
            else { continue }
            let words = tokens.filter { token in
                if token.count > 1, token.hasPrefix("+") || token.hasPrefix("@") { return false }
                if let colon = token.firstIndex(of: ":"), ownKeys.contains(token[..<colon].lowercased()) { return false }
                return true
            }
            items.append(GTDItem(id: found.id, done: done, text: words.joined(separator: " "), line: index + 1))
        }
        return items
    }

    static func isDate(_ token: String) -> Bool {
        token.range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#, options: .regularExpression) != nil
    }

    static func isPriority(_ token: String) -> Bool {
        token.range(of: #"^\([A-Z]\)$"#, options: .regularExpression) != nil
    }
}

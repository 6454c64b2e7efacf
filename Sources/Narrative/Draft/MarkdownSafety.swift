/// Making names and copied text safe to put into generated Markdown and Mermaid.
public enum MarkdownSafety {
    /// A name in backticks, safe inside a table cell (`|` escaped, backticks dropped).
    public static func code(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "\n", with: " ")
        return "`" + clean.replacingOccurrences(of: "|", with: "\\|") + "`"
    }

    /// Prose copied into a table cell or a list item: one line, `|` escaped, raw HTML escaped,
    /// mentions defused.
    public static func cell(_ text: String) -> String {
        defuseMentions(
            escapingHTML(
                text.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: " ")
                    .replacingOccurrences(of: "|", with: "\\|")))
    }

    /// Markdown a session wrote, made safe to copy into the narrative: it keeps its code blocks,
    /// code spans and formatting, but
    /// - raw HTML outside code is escaped (`<` as `&lt;`): no comment can hide the rest of the
    ///   narrative or forge `<!-- rationale:… -->` markers and placeholders, no tag can render;
    /// - a code fence it leaves open is closed, so it cannot swallow the sections after it;
    /// - a line that reads like the tool's own status (`rationale gate: passed`, `**rationale:**
    ///   could not write…`, `publish: updated…`) is marked as the session's words.
    public static func prose(_ text: String) -> String {
        var lines: [String] = []
        var open: MarkdownFences.Fence?
        for line in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = ArraySlice(Array(line.utf8))
            if let fence = open {
                if MarkdownFences.closes(bytes, fence) { open = nil }
                lines.append(String(line))
            } else if let fence = MarkdownFences.opening(bytes) {
                open = fence
                lines.append(String(line))
            } else {
                let escaped = escapingHTML(String(line))
                lines.append(looksLikeToolStatus(escaped) ? sessionWords + escaped : escaped)
            }
        }
        if let fence = open { lines.append(fence.closingLine) }
        return lines.joined(separator: "\n")
    }

    /// What marks a copied line that reads like the tool's own status.
    public static let sessionWords = "_(from the session)_ "

    /// Whether a line, once its Markdown decoration (blanks, `#`, `>`, `*`, `_`, list markers,
    /// emoji) is set aside, starts the way the tool's own status lines do.
    static func looksLikeToolStatus(_ line: String) -> Bool {
        let visible = line.drop { !($0.isLetter || $0.isNumber) }.lowercased()
        let words = visible.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).prefix(2)
        guard let first = words.first else { return false }
        let rest = visible.dropFirst(first.count).drop { $0 == "*" || $0 == "_" || $0 == " " }
        switch first {
        case "rationale":
            return rest.hasPrefix(":") || ["gate", "check", "publish", "narrate"].contains(words.dropFirst().first.map(String.init) ?? "")
        case "publish":
            return rest.hasPrefix(":")
        default:
            return false
        }
    }

    /// `<` written `&lt;` outside code spans (matched backtick runs on the line), so raw HTML and
    /// HTML comments show as text.
    static func escapingHTML(_ text: String) -> String {
        guard text.contains("<") else { return text }
        let characters = Array(text)
        var result = ""
        var index = 0
        while index < characters.count {
            if characters[index] == "`" {
                var run = index
                while run < characters.count, characters[run] == "`" { run += 1 }
                let length = run - index
                // The span closes at the next run of exactly the same length.
                var search = run
                var close: Int?
                while search < characters.count {
                    if characters[search] == "`" {
                        var end = search
                        while end < characters.count, characters[end] == "`" { end += 1 }
                        if end - search == length { close = end; break }
                        search = end
                    } else {
                        search += 1
                    }
                }
                if let close {
                    result += String(characters[index..<close])
                    index = close
                } else {
                    result += String(characters[index..<run])
                    index = run
                }
            } else {
                result += characters[index] == "<" ? "&lt;" : String(characters[index])
                index += 1
            }
        }
        return result
    }

    /// `@name` and `#123` would notify people or link issues when they come from generated
    /// parts: a word joiner after `@` keeps the text and drops the mention.
    public static func defuseMentions(_ text: String) -> String {
        var result = ""
        var previous: Character = " "
        var iterator = text.makeIterator()
        var next = iterator.next()
        while let character = next {
            let following = iterator.next()
            result.append(character)
            if character == "@", !(previous.isLetter || previous.isNumber), let following, following.isLetter || following.isNumber || following == "-" {
                result.append("\u{2060}")
            }
            previous = character
            next = following
        }
        return result
    }

    /// Text as one inline code span, whatever backticks it holds: fenced by a run of backticks
    /// longer than any inside it (and padded with a space, which Markdown strips).
    public static func inlineCode(_ text: String) -> String {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        guard longest > 0 else { return "`" + text.replacingOccurrences(of: "\n", with: " ") + "`" }
        let fence = String(repeating: "`", count: longest + 1)
        return fence + " " + text.replacingOccurrences(of: "\n", with: " ") + " " + fence
    }

    /// A Mermaid node id: letters, digits and `_` only, never empty.
    public static func mermaidID(_ text: String) -> String {
        let id = String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        return id.isEmpty ? "n" : "n_" + id
    }

    /// A Mermaid label: quoted, with quotes and brackets written as entities.
    public static func mermaidLabel(_ text: String) -> String {
        "\""
            + text.replacingOccurrences(of: "\"", with: "#quot;").replacingOccurrences(of: "<", with: "#lt;")
            .replacingOccurrences(of: ">", with: "#gt;").replacingOccurrences(of: "\n", with: " ") + "\""
    }

    /// How a todo placeholder opens; the gate looks for it in PR bodies.
    public static let todoOpen = "<!-- rationale:todo"

    /// The todo placeholder the gate refuses while it is still in a PR body.
    public static func todo(_ what: String) -> String {
        "\(todoOpen) \(what.replacingOccurrences(of: "--", with: "–")) -->"
    }
}

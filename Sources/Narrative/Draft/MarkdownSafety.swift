/// Making names and copied text safe to put into generated Markdown and Mermaid.
public enum MarkdownSafety {
    /// A name in backticks, safe inside a table cell (`|` escaped, backticks dropped).
    public static func code(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "\n", with: " ")
        return "`" + clean.replacingOccurrences(of: "|", with: "\\|") + "`"
    }

    /// Prose copied into a table cell or a list item: one line, `|` escaped, mentions defused.
    public static func cell(_ text: String) -> String {
        defuseMentions(text.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "|", with: "\\|"))
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

    /// A Mermaid node id: letters, digits and `_` only, never empty.
    public static func mermaidID(_ text: String) -> String {
        let id = String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        return id.isEmpty ? "n" : "n_" + id
    }

    /// A Mermaid label: quoted, with quotes and brackets written as entities.
    public static func mermaidLabel(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "#quot;").replacingOccurrences(of: "<", with: "#lt;")
            .replacingOccurrences(of: ">", with: "#gt;").replacingOccurrences(of: "\n", with: " ") + "\""
    }

    /// How a todo placeholder opens; the gate looks for it in PR bodies.
    public static let todoOpen = "<!-- rationale:todo"

    /// The todo placeholder the gate refuses while it is still in a PR body.
    public static func todo(_ what: String) -> String {
        "\(todoOpen) \(what.replacingOccurrences(of: "--", with: "–")) -->"
    }
}

/// The trailing `[key: value]` attributes of a one-line list item (an attempt, a context
/// decision), read from the end of the line: `text [why: …] [by: claude]`.
public enum ItemAttributes {
    /// `text` split into what comes before its trailing attributes and the attributes, in order.
    /// Keys are lowercased; a group whose key is not a word (letters, digits, `-`, `_`) ends the
    /// attributes, and so does one whose key is not in `keys` when given (so a `[[fill: …]]`
    /// placeholder or a bracket in prose stays text).
    public static func split(_ text: Substring, keys: Set<String>? = nil) -> (rest: Substring, attributes: [(key: String, value: String)]) {
        var rest = text.trimmingSpaces
        var attributes: [(key: String, value: String)] = []
        while rest.hasSuffix("]"), let open = rest.lastIndex(of: "[") {
            let inner = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
            guard let colon = inner.firstIndex(of: ":") else { break }
            let key = String(inner[..<colon].trimmingSpaces).lowercased()
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { break }
            if let keys, !keys.contains(key) { break }
            attributes.insert((key, String(inner[inner.index(after: colon)...].trimmingSpaces)), at: 0)
            rest = rest[..<open].trimmingSpaces
        }
        return (rest, attributes)
    }
}

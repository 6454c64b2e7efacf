/// A fast reader for the block-style YAML that dbt property files are written in.
///
/// It handles block mappings and sequences, plain, single- and double-quoted scalars on one
/// line, one-line flow collections, comments, and `|`/`>` block scalars. On anything else —
/// anchors, aliases, tags, multi-line plain or quoted scalars, merge keys, duplicate keys, a
/// second document — it returns nil and the caller asks the full YAML parser (Yams), so the
/// answer is always what Yams gives; the tests hold the two to the same values.
enum BlockYAMLReader {
    /// The document's value, or nil when this reader does not handle something in it.
    static func parse(_ text: String) -> Value? {
        var lines: [Line] = []
        var sawDocumentStart = false
        // Scanned as UTF-8 bytes: every YAML indicator is ASCII, and a multi-byte character
        // never contains an ASCII byte (Character-wise scanning was most of a cold run).
        let whole = Substring(text)
        var lineStart = whole.startIndex
        var index = -1
        var finished = false
        while !finished {
            index += 1
            let utf8 = whole.utf8
            let tail = utf8[lineStart...]
            let lineEnd: String.Index
            if let offset = tail.withContiguousStorageIfAvailable({ $0.firstIndex(of: UInt8(ascii: "\n")) }) {
                lineEnd = offset.map { tail.index(tail.startIndex, offsetBy: $0) } ?? whole.endIndex
            } else {
                lineEnd = tail.firstIndex(of: UInt8(ascii: "\n")) ?? whole.endIndex
            }
            var line = whole[lineStart..<lineEnd]
            if lineEnd == whole.endIndex { finished = true } else { lineStart = utf8.index(after: lineEnd) }
            if line.utf8.last == UInt8(ascii: "\r") { line = Substring(line.utf8.dropLast()) }
            var indent = 0
            for c in line.utf8 {
                if c == UInt8(ascii: " ") { indent += 1 } else { break }
            }
            let rest = Substring(line.utf8.dropFirst(indent))
            if rest.utf8.first == UInt8(ascii: "\t") { return nil }
            guard let content = stripComment(rest) else { return nil }
            if indent == 0, content.utf8.first == UInt8(ascii: "%") { return nil }
            if indent == 0, content == "---" || content.hasPrefix("--- ") {
                if sawDocumentStart || !lines.allSatisfy(\.isBlank) { return nil }
                sawDocumentStart = true
                if content != "---" { return nil }
                continue
            }
            if indent == 0, content == "..." { return nil }
            lines.append(Line(number: index, indent: indent, content: content, raw: line, endsWithBreak: !finished))
        }
        var reader = Reader(lines: lines)
        reader.skipBlank()
        guard reader.position < lines.count else { return .null }
        guard let value = reader.node(minIndent: 0) else { return nil }
        reader.skipBlank()
        return reader.position == lines.count ? value : nil
    }

    struct Line {
        var number: Int
        var indent: Int
        /// The text after the indentation, without a trailing comment or trailing spaces.
        var content: Substring
        /// The whole line (for block scalars, which keep their text as written).
        var raw: Substring
        /// Whether a line break follows it (the last line of a file may have none).
        var endsWithBreak = true
        var isBlank: Bool { content.isEmpty }
    }

    /// `text` without a `#` comment (one that starts the text or follows a space, outside
    /// quotes) and without trailing spaces; nil when a quote is left open.
    static func stripComment(_ text: Substring) -> Substring? {
        // On the contiguous bytes (always there for native strings), by offset.
        if let end = text.utf8.withContiguousStorageIfAvailable({ commentFreeEnd($0) }) {
            guard let end else { return nil }
            let utf8 = text.utf8
            return Substring(utf8[utf8.startIndex..<utf8.index(utf8.startIndex, offsetBy: end)])
        }
        return stripCommentByIndex(text)
    }

    /// Where `bytes` end once a comment and trailing spaces are cut (see `stripComment`); nil
    /// when a quote is left open.
    static func commentFreeEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var quote: UInt8 = 0
        var previous = UInt8(ascii: " ")
        var end = bytes.count
        var index = 0
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), single = UInt8(ascii: "'"), double = UInt8(ascii: "\"")
        while index < bytes.count {
            let c = bytes[index]
            if quote != 0 {
                if c == quote {
                    if quote == single, index + 1 < bytes.count, bytes[index + 1] == single {
                        index += 2
                        previous = single
                        continue
                    }
                    quote = 0
                } else if quote == double, c == UInt8(ascii: "\\") {
                    index += 1
                    if index < bytes.count { index += 1 }
                    continue
                }
            } else if c == UInt8(ascii: "#"), previous == space || previous == tab {
                end = index
                break
            } else if (c == single || c == double),
                index == 0 || previous == space || previous == UInt8(ascii: "[") || previous == UInt8(ascii: "{")
                    || previous == UInt8(ascii: ",") || previous == UInt8(ascii: ":")
            {
                quote = c
            }
            previous = c
            index += 1
        }
        if quote != 0 { return nil }
        while end > 0, bytes[end - 1] == space || bytes[end - 1] == tab { end -= 1 }
        return end
    }

    /// `stripComment` by string index, for text without contiguous bytes.
    static func stripCommentByIndex(_ text: Substring) -> Substring? {
        let bytes = text.utf8
        var quote: UInt8 = 0
        var previous = UInt8(ascii: " ")
        var end = bytes.endIndex
        var index = bytes.startIndex
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), single = UInt8(ascii: "'"), double = UInt8(ascii: "\"")
        while index < bytes.endIndex {
            let c = bytes[index]
            if quote != 0 {
                if c == quote {
                    let next = bytes.index(after: index)
                    if quote == single, next < bytes.endIndex, bytes[next] == single {
                        index = bytes.index(after: next)
                        previous = single
                        continue
                    }
                    quote = 0
                } else if quote == double, c == UInt8(ascii: "\\") {
                    index = bytes.index(after: index)
                    if index < bytes.endIndex { index = bytes.index(after: index) }
                    continue
                }
            } else if c == UInt8(ascii: "#"), previous == space || previous == tab {
                end = index
                break
            } else if (c == single || c == double),
                index == bytes.startIndex || previous == space || previous == UInt8(ascii: "[") || previous == UInt8(ascii: "{")
                    || previous == UInt8(ascii: ",") || previous == UInt8(ascii: ":")
            {
                quote = c
            }
            previous = c
            index = bytes.index(after: index)
        }
        if quote != 0 { return nil }
        var last = end
        while last > bytes.startIndex {
            let before = bytes.index(before: last)
            guard bytes[before] == space || bytes[before] == tab else { break }
            last = before
        }
        return Substring(bytes[bytes.startIndex..<last])
    }

    /// Splits `key: rest` (the key plain or quoted); nil when the line is not a mapping pair.
    static func splitKey(_ content: Substring) -> (String, Substring)? {
        let bytes = content.utf8
        guard let first = bytes.first else { return nil }
        let colon = UInt8(ascii: ":"), space = UInt8(ascii: " ")
        if first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") {
            guard let (key, after) = quoted(content), after.utf8.first == colon else { return nil }
            let rest = after.utf8.dropFirst()
            guard rest.isEmpty || rest.first == space else { return nil }
            return (key, Substring(rest.drop(while: { $0 == space })))
        }
        if indicatorBytes.contains(first) { return nil }
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == colon {
                let next = bytes.index(after: index)
                if next == bytes.endIndex || bytes[next] == space {
                    var keyEnd = index
                    while keyEnd > bytes.startIndex, bytes[bytes.index(before: keyEnd)] == space { keyEnd = bytes.index(before: keyEnd) }
                    guard keyEnd > bytes.startIndex else { return nil }
                    return (String(Substring(bytes[bytes.startIndex..<keyEnd])), Substring(bytes[next...].drop(while: { $0 == space })))
                }
            }
            index = bytes.index(after: index)
        }
        return nil
    }

    /// Bytes that may not start a plain key or scalar here.
    static let indicatorBytes: Set<UInt8> = Set("[{&*!|>%@`?#".utf8)

    /// True when `text` contains `needle` (ASCII), scanned as bytes.
    static func contains(_ text: Substring, _ needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        func search(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard bytes.count >= pattern.count else { return false }
            for start in 0...(bytes.count - pattern.count) {
                var match = true
                for k in 0..<pattern.count where bytes[start + k] != pattern[k] {
                    match = false
                    break
                }
                if match { return true }
            }
            return false
        }
        // In place when the text is contiguous (always, for native strings): no copy.
        return text.utf8.withContiguousStorageIfAvailable(search) ?? Array(text.utf8).withUnsafeBufferPointer(search)
    }

    /// A scalar or flow collection that makes up the whole of `text`.
    static func inlineScalar(_ text: Substring) -> Value? {
        guard let first = text.first else { return .null }
        if first == "'" || first == "\"" {
            guard let (value, after) = quoted(text), after.isEmpty else { return nil }
            return .string(value)
        }
        if first == "[" || first == "{" {
            var index = text.startIndex
            guard let value = flow(text, &index), index == text.endIndex else { return nil }
            return value
        }
        // `first` is one whole Character: after a "-" the next Character starts at the next byte.
        if "&*!|>%@`?-".contains(first) && !(first == "-" && text.utf8.count > 1 && text.dropFirst().first != " ") { return nil }
        if contains(text, ": ") || text.utf8.last == UInt8(ascii: ":") || contains(text, " #") { return nil }
        return Value.plain(String(text))
    }

    /// A quoted scalar at the start of `text`, and what follows it.
    static func quoted(_ text: Substring) -> (String, Substring)? {
        // Fast path: no escape before the closing quote, so the text is a plain slice.
        let bytes = text.utf8
        if let q = bytes.first, q == UInt8(ascii: "'") || q == UInt8(ascii: "\"") {
            let body = bytes.index(after: bytes.startIndex)
            if let close = bytes[body...].firstIndex(where: { $0 == q || $0 == UInt8(ascii: "\\") }), bytes[close] == q {
                let next = bytes.index(after: close)
                if !(q == UInt8(ascii: "'") && next < bytes.endIndex && bytes[next] == q) {
                    return (String(Substring(bytes[body..<close])), Substring(bytes[next...]))
                }
            }
        }
        guard let quote = text.first else { return nil }
        var out = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let c = text[index]
            if c == quote {
                let next = text.index(after: index)
                if quote == "'", next < text.endIndex, text[next] == "'" {
                    out.append("'")
                    index = text.index(after: next)
                    continue
                }
                return (out, text[next...])
            }
            if quote == "\"", c == "\\" {
                let next = text.index(after: index)
                guard next < text.endIndex else { return nil }
                switch text[next] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\\": out.append("\\")
                case "\"": out.append("\"")
                case "/": out.append("/")
                case "r": out.append("\r")
                case "0": out.append("\0")
                case " ": out.append(" ")
                default: return nil
                }
                index = text.index(after: next)
                continue
            }
            out.append(c)
            index = text.index(after: index)
        }
        return nil
    }

    /// A one-line flow sequence or mapping starting at `index`.
    static func flow(_ text: Substring, _ index: inout Substring.Index, depth: Int = 0) -> Value? {
        guard depth < YAMLComposer.depthLimit else { return nil }
        func skipSpaces() { while index < text.endIndex, text[index] == " " { index = text.index(after: index) } }
        guard index < text.endIndex else { return nil }
        let open = text[index]
        let close: Character = open == "[" ? "]" : "}"
        index = text.index(after: index)
        var items: [Value] = []
        var pairs: [(key: String, value: Value)] = []
        var keys: Set<String> = []
        skipSpaces()
        if index < text.endIndex, text[index] == close {
            index = text.index(after: index)
            return open == "[" ? .list([]) : .map([])
        }
        while index < text.endIndex {
            skipSpaces()
            if open == "{" {
                guard let key = flowScalar(text, &index, stopAtColon: true)?.scalarText else { return nil }
                skipSpaces()
                guard index < text.endIndex, text[index] == ":" else { return nil }
                index = text.index(after: index)
                skipSpaces()
                guard let value = flowItem(text, &index, depth: depth + 1), keys.insert(key).inserted else { return nil }
                pairs.append((key, value))
            } else {
                guard let value = flowItem(text, &index, depth: depth + 1) else { return nil }
                items.append(value)
            }
            skipSpaces()
            guard index < text.endIndex else { return nil }
            if text[index] == "," {
                index = text.index(after: index)
                skipSpaces()
                if index < text.endIndex, text[index] == close { return nil }
                continue
            }
            if text[index] == close {
                index = text.index(after: index)
                return open == "[" ? .list(items) : .map(pairs)
            }
            return nil
        }
        return nil
    }

    static func flowItem(_ text: Substring, _ index: inout Substring.Index, depth: Int) -> Value? {
        guard index < text.endIndex else { return nil }
        if text[index] == "[" || text[index] == "{" { return flow(text, &index, depth: depth) }
        return flowScalar(text, &index, stopAtColon: false)
    }

    static func flowScalar(_ text: Substring, _ index: inout Substring.Index, stopAtColon: Bool) -> Value? {
        guard index < text.endIndex else { return nil }
        let first = text[index]
        if first == "'" || first == "\"" {
            guard let (value, after) = quoted(text[index...]) else { return nil }
            index = after.startIndex
            return .string(value)
        }
        if "&*!|>%@`?[]{},#".contains(first) { return nil }
        let start = index
        while index < text.endIndex {
            let c = text[index]
            if c == "," || c == "]" || c == "}" { break }
            if c == ":" {
                let next = text.index(after: index)
                if stopAtColon || next == text.endIndex || text[next] == " " || text[next] == "," { break }
            }
            if c == "#" || c == "[" || c == "{" { return nil }
            index = text.index(after: index)
        }
        var plain = text[start..<index]
        while plain.last == " " { plain = plain.dropLast() }
        guard !plain.isEmpty else { return nil }
        return Value.plain(String(plain))
    }
}

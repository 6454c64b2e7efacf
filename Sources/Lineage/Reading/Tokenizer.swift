/// A token of a Jinja expression or of Python source.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier
        case string
        case number
        case punctuation(UInt8)
        case operatorText // ==, !=, <=, >=, **, //
    }

    var kind: Kind
    /// Byte range in the scanned text (for strings, the quotes included).
    var start: Int
    var end: Int
}

/// Splits bytes into tokens, the way Jinja's and Python's lexers do for the constructs we read.
///
/// It knows strings (single, double, triple-quoted, with backslash escapes), identifiers,
/// numbers and punctuation. In Python mode `#` starts a comment to the end of the line.
struct Tokenizer {
    static func tokens(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, python: Bool) -> [Token] {
        var result: [Token] = []
        var i = start
        while i < end {
            let c = bytes[i]
            if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D {
                i += 1
                continue
            }
            if python && c == UInt8(ascii: "#") {
                while i < end && bytes[i] != 0x0A { i += 1 }
                continue
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                let s = i
                i = skipString(bytes, at: i, end: end)
                result.append(Token(kind: .string, start: s, end: i))
                continue
            }
            if isIdentifierStart(c) {
                let s = i
                while i < end && isIdentifierPart(bytes[i]) { i += 1 }
                // Python string prefixes: r'', f'', b''
                if python, i < end, i - s <= 2, bytes[i] == UInt8(ascii: "'") || bytes[i] == UInt8(ascii: "\"") {
                    i = skipString(bytes, at: i, end: end)
                    result.append(Token(kind: .string, start: s, end: i))
                    continue
                }
                result.append(Token(kind: .identifier, start: s, end: i))
                continue
            }
            if isDigit(c) {
                let s = i
                while i < end && (isIdentifierPart(bytes[i]) || bytes[i] == UInt8(ascii: ".")) { i += 1 }
                result.append(Token(kind: .number, start: s, end: i))
                continue
            }
            if i + 1 < end {
                let n = bytes[i + 1]
                if (c == UInt8(ascii: "=") || c == UInt8(ascii: "!") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">")) && n == UInt8(ascii: "=")
                    || (c == UInt8(ascii: "*") && n == UInt8(ascii: "*"))
                    || (c == UInt8(ascii: "/") && n == UInt8(ascii: "/"))
                {
                    result.append(Token(kind: .operatorText, start: i, end: i + 2))
                    i += 2
                    continue
                }
            }
            result.append(Token(kind: .punctuation(c), start: i, end: i + 1))
            i += 1
        }
        return result
    }

    /// The index just past the string literal that starts at `at`.
    static func skipString(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, end: Int) -> Int {
        var i = at
        let quote = bytes[i]
        let triple = i + 2 < end && bytes[i + 1] == quote && bytes[i + 2] == quote
        i += triple ? 3 : 1
        while i < end {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if c == quote {
                if !triple { return i + 1 }
                if i + 2 < end && bytes[i + 1] == quote && bytes[i + 2] == quote { return i + 3 }
            }
            i += 1
        }
        return end
    }

    static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c >= 0x80
    }

    static func isIdentifierPart(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || isDigit(c)
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}

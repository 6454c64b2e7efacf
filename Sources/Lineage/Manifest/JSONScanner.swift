import Foundation

/// A forward-only reader over UTF-8 JSON that decodes only what its caller asks for and skips the
/// rest without building it.
///
/// A dbt manifest is mostly text the lineage engine never looks at (compiled SQL of built-in
/// macros, parent and child maps, docs): skipping a string is one `memchr` for its closing quote,
/// so most of the file is passed over at memory speed. Values that are read are validated;
/// skipped containers are only balanced (dbt wrote the file; a truncated one still fails).
package struct JSONScanner {
    /// Why the bytes are not the JSON the caller expected.
    package struct Failure: Error, Sendable {
        /// The byte offset where reading stopped.
        package var offset: Int
        /// What was expected there.
        package var expected: String

        package init(offset: Int, expected: String) {
            self.offset = offset
            self.expected = expected
        }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    /// The current byte offset.
    package private(set) var offset = 0

    /// A scanner over `bytes`, which must outlive it.
    package init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    func failure(_ expected: String) -> Failure { Failure(offset: offset, expected: expected) }

    /// Skips JSON whitespace.
    mutating func skipSpace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    /// The next significant byte (0 at the end), not consumed.
    package mutating func peek() -> UInt8 {
        skipSpace()
        return offset < bytes.count ? bytes[offset] : 0
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard peek() == byte else { throw failure(what) }
        offset += 1
    }

    /// True (and consumed) when the next value is `null`.
    package mutating func skipNull() -> Bool {
        guard peek() == UInt8(ascii: "n"), offset + 4 <= bytes.count,
            bytes[offset + 1] == UInt8(ascii: "u"), bytes[offset + 2] == UInt8(ascii: "l"), bytes[offset + 3] == UInt8(ascii: "l")
        else { return false }
        offset += 4
        return true
    }

    /// Reads an object, calling `body` with each key; `body` must read or skip the value.
    package mutating func object(_ body: (inout JSONScanner, Key) throws -> Void) throws {
        try expect(UInt8(ascii: "{"), "an object")
        if peek() == UInt8(ascii: "}") { offset += 1; return }
        while true {
            let key = try rawKey()
            try expect(UInt8(ascii: ":"), "':' after an object key")
            try body(&self, key)
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"): offset += 1; return
            default: throw failure("',' or '}' in an object")
            }
        }
    }

    /// Reads an array, calling `body` once per element; `body` must read or skip it.
    package mutating func array(_ body: (inout JSONScanner) throws -> Void) throws {
        try expect(UInt8(ascii: "["), "an array")
        if peek() == UInt8(ascii: "]") { offset += 1; return }
        while true {
            try body(&self)
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"): offset += 1; return
            default: throw failure("',' or ']' in an array")
            }
        }
    }

    /// The offset of the quote that closes the string whose body starts at `start`, and whether the
    /// body holds escapes.
    private func closingQuote(from start: Int) throws -> (end: Int, escaped: Bool) {
        guard let base = bytes.baseAddress else { throw failure("a closing quote") }
        var from = start
        var escaped = false
        while from < bytes.count {
            guard let hit = memchr(base + from, Int32(Self.quote), bytes.count - from) else { break }
            let end = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            var slashes = 0
            while end - slashes - 1 >= start, bytes[end - slashes - 1] == Self.backslash { slashes += 1 }
            if slashes > 0 { escaped = true }
            if slashes % 2 == 0 {
                if !escaped, memchr(base + start, Int32(Self.backslash), end - start) != nil { escaped = true }
                return (end, escaped)
            }
            from = end + 1
        }
        throw Failure(offset: start, expected: "a closing quote")
    }

    /// An object key, undecoded: most keys are only compared, and a `String` for each of the
    /// millions of keys in a manifest would cost an allocation for every one over 15 bytes.
    package struct Key {
        /// The bytes between the quotes.
        let raw: UnsafeBufferPointer<UInt8>
        /// The decoded key, when it holds escapes.
        fileprivate let decoded: String?

        /// The key as text (made on each use).
        package var string: String { decoded ?? String(decoding: raw, as: UTF8.self) }

        /// True when the key is exactly `name` (ASCII).
        package func `is`(_ name: StaticString) -> Bool {
            guard raw.count == name.utf8CodeUnitCount else { return false }
            guard let base = raw.baseAddress, raw.count > 0 else { return true }
            return memcmp(base, name.utf8Start, raw.count) == 0
        }
    }

    private mutating func rawKey() throws -> Key {
        try expect(Self.quote, "a string")
        let (end, escaped) = try closingQuote(from: offset)
        let body = UnsafeBufferPointer(rebasing: bytes[offset..<end])
        offset = end + 1
        return Key(raw: body, decoded: escaped ? try unescape(body) : nil)
    }

    /// Reads a string.
    package mutating func string() throws -> String {
        try expect(Self.quote, "a string")
        let (end, escaped) = try closingQuote(from: offset)
        let body = UnsafeBufferPointer(rebasing: bytes[offset..<end])
        let text = escaped ? try unescape(body) : String(decoding: body, as: UTF8.self)
        offset = end + 1
        return text
    }

    /// Reads a string, or nil for `null`.
    package mutating func optionalString() throws -> String? {
        if skipNull() { return nil }
        return try string()
    }

    /// A scalar as text (strings, numbers, booleans), nil for `null`; containers are skipped.
    package mutating func scalarText() throws -> String? {
        switch peek() {
        case Self.quote: return try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["): try skipValue(); return nil
        default:
            if skipNull() { return nil }
            let start = offset
            try skipValue()
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        }
    }

    /// Reads an array of strings (`null` is empty; non-strings are skipped).
    mutating func strings() throws -> [String] {
        if skipNull() { return [] }
        var out: [String] = []
        try array { scanner in
            if scanner.peek() == Self.quote { out.append(try scanner.string()) } else { try scanner.skipValue() }
        }
        return out
    }

    /// Skips one value of any kind.
    package mutating func skipValue() throws {
        switch peek() {
        case Self.quote:
            offset = try closingQuote(from: offset + 1).end + 1
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while offset < bytes.count {
                switch bytes[offset] {
                case Self.quote:
                    offset = try closingQuote(from: offset + 1).end
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { offset += 1; return }
                default: break
                }
                offset += 1
            }
            throw failure("the end of a container")
        case 0:
            throw failure("a value")
        default:
            let start = offset
            while offset < bytes.count {
                switch bytes[offset] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09:
                    if offset == start { throw failure("a value") }
                    return
                default: offset += 1
                }
            }
            if offset == start { throw failure("a value") }
        }
    }

    /// Containers nested deeper than this are refused by `value()` (it recurses, and so does
    /// every later reader of a `Value`); dbt writes configs a few levels deep.
    static let depthLimit = 256

    /// Reads any value in full.
    mutating func value(depth: Int = 0) throws -> Value {
        switch peek() {
        case Self.quote: return .string(try string())
        case UInt8(ascii: "{"):
            guard depth < Self.depthLimit else { throw failure("at most \(Self.depthLimit) nested containers") }
            var pairs: [(key: String, value: Value)] = []
            try object { scanner, key in pairs.append((key.string, try scanner.value(depth: depth + 1))) }
            return .map(pairs)
        case UInt8(ascii: "["):
            guard depth < Self.depthLimit else { throw failure("at most \(Self.depthLimit) nested containers") }
            var items: [Value] = []
            try array { scanner in items.append(try scanner.value(depth: depth + 1)) }
            return .list(items)
        default:
            let start = offset
            try skipValue()
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
            switch text {
            case "null": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default:
                if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let int = Int(text) { return .int(int) }
                if let double = Double(text) { return .double(double) }
                offset = start
                throw failure("a JSON value")
            }
        }
    }

    /// Decodes a string body that holds backslash escapes.
    private func unescape(_ body: UnsafeBufferPointer<UInt8>) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = 0
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= body.count else { throw failure("four hex digits after \\u") }
            var value: UInt32 = 0
            for k in at..<(at + 4) {
                let c = body[k]
                let digit: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
                default: throw failure("four hex digits after \\u")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while i < body.count {
            // Copy the run up to the next backslash in one go (SQL has long runs between `\n`s).
            var next = i
            while next < body.count, body[next] != Self.backslash { next += 1 }
            if next > i { out.append(contentsOf: UnsafeBufferPointer(rebasing: body[i..<next])) }
            i = next
            guard i + 1 < body.count else { if i < body.count { out.append(body[i]) }; break }
            let e = body[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try hex4(i)
                i += 4
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= body.count, body[i] == Self.backslash, body[i + 1] == UInt8(ascii: "u") {
                    let low = try hex4(i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
            default: out.append(e) // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The keys a reader knows, each with a value of its own, matched on a key's raw bytes (by
/// length, then bytes) without making a `String` of it.
struct JSONKeyTable<Field: Sendable>: Sendable {
    private var byLength: [[(name: [UInt8], field: Field)]] = []

    /// A table of `entries` (ASCII keys).
    init(_ entries: KeyValuePairs<String, Field>) {
        for (name, field) in entries {
            let bytes = Array(name.utf8)
            while byLength.count <= bytes.count { byLength.append([]) }
            byLength[bytes.count].append((bytes, field))
        }
    }

    /// The value of `key`, if the table knows it.
    subscript(_ key: JSONScanner.Key) -> Field? {
        if let decoded = key.decoded { // escapes in a key: rare, compared as text
            let bytes = Array(decoded.utf8)
            return bytes.count < byLength.count ? byLength[bytes.count].first(where: { $0.name == bytes })?.field : nil
        }
        guard key.raw.count < byLength.count, let base = key.raw.baseAddress else { return nil }
        for entry in byLength[key.raw.count]
        where entry.name.withUnsafeBufferPointer({ name in
            name.baseAddress.map { memcmp($0, base, key.raw.count) == 0 } ?? true
        }) {
            return entry.field
        }
        return nil
    }
}

/// SQL as a tight pack shows it.
enum SQLText {
    /// The text without `--` line comments, `/* */` blocks and Jinja `{# #}` comments (outside
    /// quoted strings), trailing spaces and runs of blank lines.
    static func withoutComments(_ sql: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(sql.utf8)
        var index = 0
        var quote: UInt8? = nil
        func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                out.append(byte)
                if byte == open { quote = nil }
                index += 1
                continue
            }
            switch (byte, at(1)) {
            case (UInt8(ascii: "'"), _), (UInt8(ascii: "\""), _):
                quote = byte
                out.append(byte)
                index += 1
            case (UInt8(ascii: "-"), UInt8(ascii: "-")):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case (UInt8(ascii: "/"), UInt8(ascii: "*")):
                index += 2
                while index < bytes.count, !(bytes[index] == UInt8(ascii: "*") && at(1) == UInt8(ascii: "/")) { index += 1 }
                index = min(bytes.count, index + 2)
            case (UInt8(ascii: "{"), UInt8(ascii: "#")):
                index += 2
                while index < bytes.count, !(bytes[index] == UInt8(ascii: "#") && at(1) == UInt8(ascii: "}")) { index += 1 }
                index = min(bytes.count, index + 2)
            default:
                out.append(byte)
                index += 1
            }
        }
        var lines: [Substring] = []
        for line in String(decoding: out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            var trimmed = line
            while let last = trimmed.last, last == " " || last == "\t" || last == "\r" { trimmed = trimmed.dropLast() }
            if trimmed.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(trimmed)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}

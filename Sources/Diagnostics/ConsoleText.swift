import Foundation

/// Making text that came from a repository or a forge safe to print: a value meant for one line
/// stays on one line.
public enum ConsoleText {
    /// A value that must stay on one line (a path, a name, a message): when it holds a line
    /// break, `%`, CR and LF are written as GitHub's workflow commands escape data (`%25`, `%0D`,
    /// `%0A`), so a file named `a\n::add-mask::x` cannot start a line of its own.
    ///
    /// Values without a line break are returned as they are (a `%` in ordinary text stays).
    public static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isLineBreak($0) }) else { return text }
        var flat = ""
        flat.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": flat += " "
            default: flat.unicodeScalars.append(scalar)
            }
        }
        return workflowData(flat)
    }

    /// `%`, CR and LF written the way GitHub's workflow commands escape data (`%25`, `%0D`, `%0A`).
    public static func workflowData(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": result += "%25"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Text made safe for a terminal: control characters a terminal or a log viewer would act on
    /// are written visibly instead — ESC and the other C0 controls as `\x1B`, DEL and the C1
    /// controls alike, a CR that does not end a line as `\x0D`, and the bidirectional overrides
    /// that reorder what a reader sees as `\u{202E}`. Tab, LF and CRLF stay.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0) }) else { return text }
        var result = ""
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                result.unicodeScalars.append(scalar)
            } else if needsEscape(scalar) {
                result += scalar.value <= 0xFF ? "\\x" + hex(scalar.value, digits: 2) : "\\u{" + hex(scalar.value, digits: 4) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether a scalar is written escaped by ``printable(_:)`` (a CR counts; CRLF is kept there).
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// The shortest text treated as a secret: shorter ones would blank out ordinary words.
    public static let shortestSecret = 4

    /// Text with every occurrence of each secret (a token a forge may echo back) replaced by
    /// `***`; secrets shorter than ``shortestSecret`` are left alone.
    public static func redacting(_ secrets: [String], in text: String) -> String {
        var result = text
        for secret in secrets.filter({ $0.count >= shortestSecret }).sorted(by: { $0.count > $1.count }) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }

    /// Whether a scalar breaks a line for a terminal, a log reader or a CI runner.
    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": return true
        default: return false
        }
    }
}

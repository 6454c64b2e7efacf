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
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": result += "%25"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            case "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": result += " "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
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

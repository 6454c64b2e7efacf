import Foundation

/// A word for a POSIX shell command line that the shell passes on exactly as written.
public enum ShellWord {
    /// Characters no POSIX shell treats specially anywhere in a word (`~` and `#` only do at its
    /// start, `=` only before a command name; none of those are kept bare).
    private static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-:/@%,")

    /// The text as is when every character is plain, else in single quotes, each `'` written
    /// `'\''`: `` a`b+ `` becomes `'a`b+'`, `$(rm -rf ~)` stays inert.
    public static func quoted(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ plain.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

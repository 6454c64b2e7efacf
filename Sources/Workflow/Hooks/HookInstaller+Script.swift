import Foundation
import GitKit
import RationaleResources

/// The hook script: where it names the binary, and the shell quoting it is written with.
extension HookInstaller {
    /// The script for `hook` that runs `binary`: `hooks/<hook>` with ``binaryPlaceholder``
    /// replaced by the shell-quoted path.
    ///
    /// - Throws: ``HookError/unknownHook(_:)`` when the binary carries no such script.
    public static func script(for hook: String, binary: String) throws -> String {
        guard hookNames.contains(hook), let template = EmbeddedFiles.file("hooks/" + hook) else {
            throw HookError.unknownHook(hook)
        }
        return template.replacingOccurrences(of: binaryPlaceholder, with: shellQuoted(binary))
    }

    /// `text` quoted for a POSIX shell: in single quotes, each `'` written as `'\''`.
    public static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// Whether a hook script carries our marker (any version).
    public static func isManaged(_ script: String) -> Bool {
        script.split(separator: "\n", omittingEmptySubsequences: false).contains { $0.hasPrefix(markerPrefix) }
    }

    /// The binary path written into one of our scripts (the `installed=` line), unquoted.
    static func binary(inScript script: String) -> String? {
        for line in script.split(separator: "\n") where line.hasPrefix(binaryLinePrefix) {
            return shellUnquoted(String(line.dropFirst(binaryLinePrefix.count)))
        }
        return nil
    }

    /// Reverses ``shellQuoted(_:)`` (single-quoted runs and backslash escapes); nil for
    /// anything else, such as the unreplaced placeholder's neighbours or an expansion.
    static func shellUnquoted(_ word: String) -> String? {
        var result = ""
        var characters = word.makeIterator()
        while let character = characters.next() {
            switch character {
            case "'":
                var closed = false
                while let inner = characters.next() {
                    if inner == "'" { closed = true; break }
                    result.append(inner)
                }
                if !closed { return nil }
            case "\\":
                guard let escaped = characters.next() else { return nil }
                result.append(escaped)
            case "$", "`", "\"", " ", "\t":
                return nil
            default:
                result.append(character)
            }
        }
        return result
    }
}

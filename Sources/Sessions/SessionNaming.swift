import Foundation

/// Session folder names: `<YYYY-MM-DD>-<slug>`, by date and slug rather than a sequence number,
/// so two branches never collide on a name.
public enum SessionNaming {
    /// The most characters a slug has.
    public static let slugLength = 48
    /// The most UTF-8 bytes a slug has: a folder name must fit a file system's 255 bytes even
    /// when every character is a letter with many combining marks.
    public static let slugBytes = 120

    /// The slug of a title: its letters and digits, of any script, lowercased, words joined by
    /// `-`, at most ``slugLength`` characters (and ``slugBytes`` bytes), cut at a word. Latin
    /// letters lose their accents and full-width forms (`Café` → `cafe`); other scripts are kept
    /// as they are (`заказы`, `注文の修正`).
    ///
    /// - Throws: ``SessionError/emptyTitle`` when the title has no letter or digit.
    public static func slug(_ title: String) throws -> String {
        var words: [String] = []
        var word = ""
        for character in title.precomposedStringWithCanonicalMapping {
            if let kept = slugCharacter(character) {
                word += kept
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        guard !words.isEmpty else { throw SessionError.emptyTitle }
        func fits(_ text: String) -> Bool { text.count <= slugLength && text.utf8.count <= slugBytes }
        var slug = ""
        for word in words {
            let next = slug.isEmpty ? word : slug + "-" + word
            if !fits(next) { break }
            slug = next
        }
        guard slug.isEmpty else { return slug }
        // One word longer than a slug may be: its first characters.
        for character in words[0] where fits(slug + String(character)) {
            slug.append(character)
        }
        return slug.isEmpty ? String(words[0].unicodeScalars.prefix(1)) : slug
    }

    /// What one character of a title adds to a slug: ASCII for a Latin letter or digit
    /// (accents and full width folded away), the lowercased character for a letter or digit of
    /// another script, nil for anything else (a word break).
    static func slugCharacter(_ character: Character) -> String? {
        let folded = String(character).folding(
            options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive],
            locale: Locale(identifier: "en_US_POSIX")
        ).lowercased()
        if !folded.isEmpty, folded.unicodeScalars.allSatisfy({ $0.isASCII && CharacterSet.alphanumerics.contains($0) }) {
            return folded
        }
        // Folding would strip meaning from other scripts (Japanese voiced marks, Cyrillic й).
        guard character.isLetter || character.isNumber, !character.isASCII else { return nil }
        return String(character).lowercased()
    }

    /// A title as the session files carry it: one line (line breaks, tabs and other white space
    /// become single spaces; control characters are dropped), and nothing that could end the
    /// hidden session comment or its quoted value — `"` becomes `'`, and the `--` of `<!--`,
    /// `-->` and `--!>` becomes `—`.
    public static func title(_ text: String) -> String {
        var line = ""
        var space = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                space = !line.isEmpty
                continue
            }
            if scalar.properties.generalCategory == .control { continue }
            if space { line.unicodeScalars.append(" ") }
            space = false
            line.unicodeScalars.append(scalar)
        }
        return line.replacingOccurrences(of: "\"", with: "'")
            .replacingOccurrences(of: "<!--", with: "<!—")
            .replacingOccurrences(of: "--!>", with: "—!>")
            .replacingOccurrences(of: "-->", with: "—>")
    }

    /// A folder name for `date` and `slug` not among `existing`: `-2`, `-3`, … when taken.
    public static func folderName(date: String, slug: String, existing: Set<String>) -> String {
        let base = "\(date)-\(slug)"
        guard existing.contains(base) else { return base }
        var n = 2
        while existing.contains("\(base)-\(n)") { n += 1 }
        return "\(base)-\(n)"
    }

    /// `YYYY-MM-DD` of `date` in a time zone (the local one by default).
    public static func day(_ date: Date, in timeZone: TimeZone = .current) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }
}

import Foundation

/// Session folder names: `<YYYY-MM-DD>-<slug>`, by date and slug rather than a sequence number,
/// so two branches never collide on a name.
public enum SessionNaming {
    /// The slug of a title: lowercase ASCII letters and digits, words joined by `-`, at most 48
    /// characters, cut at a word.
    ///
    /// - Throws: ``SessionError/emptyTitle`` when nothing is left.
    public static func slug(_ title: String) throws -> String {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var words: [String] = []
        var word = ""
        for scalar in folded.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                word.unicodeScalars.append(scalar)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        guard !words.isEmpty else { throw SessionError.emptyTitle }
        var slug = ""
        for word in words {
            let next = slug.isEmpty ? word : slug + "-" + word
            if next.count > 48 { break }
            slug = next
        }
        return slug.isEmpty ? String(words[0].prefix(48)) : slug
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

import Foundation

/// The hidden HTML comments that mark what `rationale` owns on a pull request: its comment, or
/// its block in the body. Everything else on the pull request is the author's.
///
/// The body work is done on UTF-8 bytes, not on `String` (whose equality folds canonically
/// equivalent text and whose `\r\n` is one character), so that not one byte outside the markers
/// changes.
public enum NarrativeMarkers {
    /// The first line of the narrative comment.
    public static let comment = "<!-- rationale:narrative -->"
    /// The line that opens the narrative block in a pull request body.
    public static let begin = "<!-- rationale:begin -->"
    /// The line that closes the narrative block in a pull request body.
    public static let end = "<!-- rationale:end -->"

    /// The narrative without any of the three markers (so the text can never open, close or
    /// claim a second block or comment), without blank lines around it, and with a code fence it
    /// leaves open closed (so the end marker after it is not swallowed into code).
    public static func sanitized(_ narrative: String) -> String {
        var text = narrative
        for marker in [comment, begin, end] { text = text.replacingOccurrences(of: marker, with: "") }
        while let first = text.first, first.isNewline { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return MarkdownFences.closingUnclosed(text)
    }

    /// The whole text of the narrative comment: the marker line, then the narrative.
    public static func commentText(for narrative: String) -> String {
        comment + "\n" + sanitized(narrative)
    }

    /// Whether a comment is the narrative comment: its first line is the marker (a reply that
    /// quotes it starts with `>` and is not).
    public static func isNarrativeComment(_ body: String) -> Bool {
        body.drop { $0.isWhitespace }.hasPrefix(comment)
    }

    /// Whether two comment texts say the same, ignoring line-ending style and trailing blanks
    /// (which forges may add or drop on their own).
    public static func sameComment(_ a: String, _ b: String) -> Bool {
        normalized(a) == normalized(b)
    }

    private static func normalized(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
            .joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The body with the narrative between the block markers: the inside of an existing block
    /// replaced (markers kept), or a new block appended after a blank line. Not one byte outside
    /// the block changes; the block's lines end as the body's lines do (`\r\n` or `\n`).
    ///
    /// - Throws: ``ForgeError/unbalancedMarkers(found:missing:)`` when one marker is there
    ///   without the other after it: a new block would swallow the author's text on the next run.
    public static func replacingBlock(in body: String, with narrative: String) throws -> String {
        let bytes = Array(body.utf8)
        let newline: [UInt8] = firstRange(of: Array("\r\n".utf8), in: bytes) != nil ? [13, 10] : [10]
        let text = Array(sanitized(narrative).replacingOccurrences(of: "\r\n", with: "\n").utf8)
            .split(separator: 10, omittingEmptySubsequences: false)
            .map(Array.init)
            .joined(separator: newline)
        let inside = newline + text + newline
        if let span = try blockRange(in: bytes) {
            return String(decoding: bytes[..<span.inside.lowerBound] + inside + bytes[span.inside.upperBound...], as: UTF8.self)
        }
        var result = bytes
        if !result.isEmpty {
            if !result.ends(with: newline) && result.last != 10 { result += newline }
            // A fence the author left open would hold the new block as code, and the next run
            // would not see its markers: close it first.
            if let fence = MarkdownFences.unclosed(in: bytes) { result += Array(fence.closingLine.utf8) + newline }
            result += newline
        }
        result += Array(begin.utf8) + inside + Array(end.utf8)
        return String(decoding: result, as: UTF8.self)
    }

    /// The text between the block markers, or nil when the body has no block.
    public static func blockContents(of body: String) -> String? {
        let bytes = Array(body.utf8)
        guard let span = try? blockRange(in: bytes) else { return nil }
        return String(decoding: bytes[span.inside], as: UTF8.self)
    }

    /// The body without the narrative block (markers included): the text only people wrote,
    /// which is what may feed the next draft.
    public static func humanText(of body: String) -> String {
        let bytes = Array(body.utf8)
        guard let span = try? blockRange(in: bytes) else { return body }
        return String(decoding: bytes[..<span.whole.lowerBound] + bytes[span.whole.upperBound...], as: UTF8.self)
    }

    /// Where the block lies: `whole` from the begin marker through the end marker, `inside`
    /// between them; nil when the body has neither marker. Markers inside a fenced code block are
    /// text (someone showing the markers), not the block.
    static func blockRange(in bytes: [UInt8]) throws -> (whole: Range<Int>, inside: Range<Int>)? {
        let open = Array(begin.utf8), close = Array(end.utf8)
        let code = MarkdownFences.ranges(in: bytes)
        guard let start = firstRange(of: open, in: bytes, outside: code) else {
            if firstRange(of: close, in: bytes, outside: code) != nil { throw ForgeError.unbalancedMarkers(found: "`\(end)`", missing: "`\(begin)` before it") }
            return nil
        }
        guard let stop = firstRange(of: close, in: bytes, from: start.upperBound, outside: code) else {
            throw ForgeError.unbalancedMarkers(found: "`\(begin)`", missing: "`\(end)`")
        }
        return (start.lowerBound..<stop.upperBound, start.upperBound..<stop.lowerBound)
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0, outside code: [Range<Int>] = []) -> Range<Int>? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if haystack[index..<(index + needle.count)].elementsEqual(needle), !code.contains(where: { $0.contains(index) }) {
                return index..<(index + needle.count)
            }
        }
        return nil
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}

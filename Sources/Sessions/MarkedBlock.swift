import Foundation

/// A block of lines between two marker comments that the tool owns and rewrites; everything
/// outside the markers is the author's and stays as it is.
public struct MarkedBlock: Sendable {
    /// The opening marker line.
    public var begin: String
    /// The closing marker line.
    public var end: String

    /// SUMMARY.md's loops block.
    public static let summaryLoops = MarkedBlock(begin: "<!-- rationale:loops:begin -->", end: "<!-- rationale:loops:end -->")
    /// STATE.md's block.
    public static let state = MarkedBlock(begin: "<!-- rationale:state:begin -->", end: "<!-- rationale:state:end -->")

    /// Creates a block.
    public init(begin: String, end: String) {
        self.begin = begin
        self.end = end
    }

    /// `text` with the block's inside replaced by `lines` (written with the text's own line
    /// ending); nil when the markers are not both there.
    public func replacing(in text: String, with lines: [String]) -> String? {
        let split = TextLines(text)
        var all = split.lines
        guard let start = all.firstIndex(where: { $0.trimmingSpacesString == begin }),
            let stop = all[(start + 1)...].firstIndex(where: { $0.trimmingSpacesString == end })
        else { return nil }
        all.replaceSubrange((start + 1)..<stop, with: lines)
        return split.with(all).text
    }

    /// `text` with what stands between the marker lines replaced by `lines`, ended as the begin
    /// marker's line is: every byte outside the block stays as it was, whatever its line endings
    /// (``replacing(in:with:)`` writes the whole text with one line ending); nil when the markers
    /// are not both there.
    public func replacingKeepingBytes(in text: String, with lines: [String]) -> String? {
        // Bytes, not characters: "\r\n" is one Character, and the lines must split on "\n".
        let bytes = Array(text.utf8)
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        func line(_ number: Int) -> String {
            let start = starts[number]
            let end = number + 1 < starts.count ? starts[number + 1] : bytes.count
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        func trimmed(_ number: Int) -> String { Self.markerText(line(number)) }
        guard let start = starts.indices.first(where: { trimmed($0) == begin }), start + 1 < starts.count,
            let stop = starts.indices.dropFirst(start + 1).first(where: { trimmed($0) == end })
        else { return nil }
        let ending = line(start).hasSuffix("\r\n") ? "\r\n" : "\n"
        let inside = lines.map { $0 + ending }.joined()
        return String(decoding: bytes[..<starts[start + 1]], as: UTF8.self) + inside + String(decoding: bytes[starts[stop]...], as: UTF8.self)
    }

    /// A line as a marker is compared: without surrounding spaces, its line ending, or a byte
    /// order mark (an editor may put one before a marker on the first line).
    public static func markerText(_ line: String) -> String {
        line.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}")))
    }

    /// The lines inside the block, or nil when the markers are not both there.
    public func contents(of text: String) -> [String]? {
        let all = TextLines(text).lines
        guard let start = all.firstIndex(where: { $0.trimmingSpacesString == begin }),
            let stop = all[(start + 1)...].firstIndex(where: { $0.trimmingSpacesString == end })
        else { return nil }
        return Array(all[(start + 1)..<stop])
    }
}

extension String {
    var trimmingSpacesString: String { String(Substring(self).trimmingSpaces) }
}

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

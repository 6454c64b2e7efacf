import Foundation
import Testing
@testable import Narrative

@Suite("Narrative markers: the comment marker and the body block")
struct NarrativeMarkersTests {
    let begin = NarrativeMarkers.begin
    let end = NarrativeMarkers.end

    /// The bytes before the begin marker and after the end marker.
    func outside(_ body: String) throws -> (before: [UInt8], after: [UInt8]) {
        let bytes = Array(body.utf8)
        let span = try #require(try NarrativeMarkers.blockRange(in: bytes))
        return (Array(bytes[..<span.whole.lowerBound]), Array(bytes[span.whole.upperBound...]))
    }

    @Test func replacingKeepsEveryByteOutsideTheMarkersOfACRLFBodyWithEmojiAndCombiningMarks() throws {
        // "e\u{301}" (e + combining acute) equals "é" as a Swift String, but not as bytes.
        let before = "## Why 🚀\r\nCafe\u{301} numbers were off.  \r\n\r\n"
        let after = "\r\n\r\n– Reviewed by Zoë 👩🏽‍💻\r\n\ttrailing tab\t"
        let body = before + begin + "\r\nold narrative\r\n" + end + after
        let updated = try NarrativeMarkers.replacingBlock(in: body, with: "New narrative\nsecond line\n")
        let parts = try outside(updated)
        #expect(parts.before == Array(before.utf8))
        #expect(parts.after == Array(after.utf8))
        #expect(NarrativeMarkers.blockContents(of: updated) == "\r\nNew narrative\r\nsecond line\r\n")
    }

    @Test func replacingTheSameNarrativeGivesTheSameBytes() throws {
        let body = "text\n\n" + begin + "\nSame\n" + end + "\nafter"
        #expect(Array(try NarrativeMarkers.replacingBlock(in: body, with: "Same").utf8) == Array(body.utf8))
    }

    @Test(arguments: [
        ("", "<!-- rationale:begin -->\nN\n<!-- rationale:end -->"),
        ("Author text", "Author text\n\n<!-- rationale:begin -->\nN\n<!-- rationale:end -->"),
        ("Author text\n", "Author text\n\n<!-- rationale:begin -->\nN\n<!-- rationale:end -->"),
        ("Author\r\ntext\r\n", "Author\r\ntext\r\n\r\n<!-- rationale:begin -->\r\nN\r\n<!-- rationale:end -->"),
    ])
    func aBodyWithoutABlockGetsOneAppendedAfterABlankLine(body: String, expected: String) throws {
        let updated = try NarrativeMarkers.replacingBlock(in: body, with: "N")
        #expect(Array(updated.utf8) == Array(expected.utf8))
        #expect(Array(updated.utf8).starts(with: Array(body.utf8)))
    }

    @Test(arguments: [
        "text\n<!-- rationale:begin -->\nno end",
        "text\n<!-- rationale:end -->\nno begin",
    ])
    func oneMarkerWithoutTheOtherIsAnErrorNotANewBlock(body: String) {
        #expect(throws: ForgeError.self) { try NarrativeMarkers.replacingBlock(in: body, with: "N") }
    }

    @Test(arguments: [
        "```\n<!-- rationale:begin -->\nexample\n<!-- rationale:end -->\n```",
        "  ~~~~ markdown\n<!-- rationale:begin -->\nexample\n<!-- rationale:end -->\n  ~~~~~",
        "```\r\n<!-- rationale:begin -->\r\nexample\r\n<!-- rationale:end -->\r\n```\r\n",
    ])
    func markersInsideAFencedCodeBlockAreNotTheBlock(example: String) throws {
        let body = "How to mark a block:\n\n" + example + "\n\nMy own text."
        #expect(try NarrativeMarkers.blockRange(in: Array(body.utf8)) == nil)
        #expect(NarrativeMarkers.blockContents(of: body) == nil)
        let updated = try NarrativeMarkers.replacingBlock(in: body, with: "N")
        // The example is untouched; a real block is appended after the author's text.
        #expect(updated.hasPrefix(body))
        #expect(NarrativeMarkers.blockContents(of: updated)?.replacingOccurrences(of: "\r\n", with: "\n") == "\nN\n")
        // The next run replaces that block, not the example.
        let again = try NarrativeMarkers.replacingBlock(in: updated, with: "M")
        #expect(again.hasPrefix(body))
        #expect(NarrativeMarkers.blockContents(of: again)?.replacingOccurrences(of: "\r\n", with: "\n") == "\nM\n")
    }

    @Test func aRealBlockAfterAFencedExampleIsTheOneReplaced() throws {
        let example = "```\n\(begin)\nexample\n\(end)\n```\n"
        let body = example + "\n" + begin + "\nold\n" + end + "\n"
        let updated = try NarrativeMarkers.replacingBlock(in: body, with: "new")
        #expect(updated == example + "\n" + begin + "\nnew\n" + end + "\n")
        // A lone marker inside code is no unbalanced block either.
        let lone = "```\n\(begin)\n```\nText"
        #expect(try NarrativeMarkers.replacingBlock(in: lone, with: "N") == lone + "\n\n\(begin)\nN\n\(end)")
    }

    @Test func aFenceLeftOpenIsClosedSoTheBlockStaysFindable() throws {
        // The author's body leaves a fence open: the block is appended after a closing fence.
        let body = "Log:\n```\nerror at line 3"
        let updated = try NarrativeMarkers.replacingBlock(in: body, with: "N")
        #expect(updated == body + "\n```\n\n\(begin)\nN\n\(end)")
        #expect(try NarrativeMarkers.replacingBlock(in: updated, with: "N") == updated)
        // The narrative leaves a fence open: it is closed before the end marker.
        let narrative = "Query:\n~~~~sql\nselect 1"
        #expect(NarrativeMarkers.sanitized(narrative) == narrative + "\n~~~~")
        let written = try NarrativeMarkers.replacingBlock(in: "A", with: narrative)
        #expect(NarrativeMarkers.blockContents(of: written) == "\n" + narrative + "\n~~~~\n")
        #expect(try NarrativeMarkers.replacingBlock(in: written, with: narrative) == written)
    }

    @Test func markersInTheNarrativeAreStrippedSoTheyCannotBeDuplicated() throws {
        let narrative = "See \(begin) and \(end) and \(NarrativeMarkers.comment) here\n\n"
        #expect(NarrativeMarkers.sanitized(narrative) == "See  and  and  here")
        let body = try NarrativeMarkers.replacingBlock(in: "A", with: narrative)
        #expect(body.components(separatedBy: begin).count == 2)
        #expect(body.components(separatedBy: end).count == 2)
        let comment = NarrativeMarkers.commentText(for: narrative)
        #expect(comment.components(separatedBy: NarrativeMarkers.comment).count == 2)
        #expect(comment.hasPrefix(NarrativeMarkers.comment + "\n"))
    }

    @Test func onlyACommentThatStartsWithTheMarkerIsTheNarrative() {
        #expect(NarrativeMarkers.isNarrativeComment("<!-- rationale:narrative -->\nText"))
        #expect(NarrativeMarkers.isNarrativeComment("\n  <!-- rationale:narrative -->\nText"))
        #expect(!NarrativeMarkers.isNarrativeComment("> <!-- rationale:narrative -->\n> Text\n\nI disagree"))
        #expect(!NarrativeMarkers.isNarrativeComment("LGTM"))
    }

    @Test func commentsThatDifferOnlyInLineEndingsOrTrailingBlanksAreTheSame() {
        #expect(NarrativeMarkers.sameComment("a\r\nb  \r\n", "a\nb"))
        #expect(!NarrativeMarkers.sameComment("a\nb", "a\nc"))
    }

    @Test func humanTextIsTheBodyWithoutTheBlock() {
        let body = "Mine\n\n" + begin + "\ngenerated\n" + end + "\nAlso mine"
        #expect(NarrativeMarkers.humanText(of: body) == "Mine\n\n\nAlso mine")
        #expect(NarrativeMarkers.humanText(of: "no block") == "no block")
    }
}

@Suite("Link header")
struct LinkHeaderTests {
    @Test func findsTheNextPageAmongOtherRelations() {
        let header =
            #"<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=3>; rel="last""#
        #expect(LinkHeader.target(of: header, rel: "next") == "https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2")
        #expect(LinkHeader.target(of: header, rel: "last") == "https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=3")
    }

    @Test func theLastPageHasNoNext() {
        let header = #"<https://x/c?page=1>; rel="prev", <https://x/c?page=1>; rel="first""#
        #expect(LinkHeader.target(of: header, rel: "next") == nil)
        #expect(LinkHeader.target(of: "", rel: "next") == nil)
    }

    @Test func toleratesCommasInURLsUnquotedValuesCaseAndSeveralRelations() {
        #expect(LinkHeader.target(of: "<https://x/c?q=a,b&page=2>; rel=next", rel: "next") == "https://x/c?q=a,b&page=2")
        #expect(LinkHeader.target(of: #"<https://x/2>;REL="Next Last""#, rel: "next") == "https://x/2")
        #expect(LinkHeader.target(of: #"<https://x/2>; title="next"; rel="prev""#, rel: "next") == nil)
    }
}

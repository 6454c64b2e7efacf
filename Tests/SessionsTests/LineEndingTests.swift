import Diagnostics
import Sessions
import Testing

/// Files saved on Windows (CRLF) or by an old Mac editor (lone CR) read like LF files: the same
/// sections, loops and findings, on the same line numbers.
struct LineEndingTests {
    static let endings = ["\r\n", "\r"]

    static func converted(_ text: String, _ ending: String) -> String {
        text.replacingOccurrences(of: "\n", with: ending)
    }

    @Test(arguments: endings)
    func sectionsAndLineNumbersAreTheSameAsWithLF(_ ending: String) throws {
        let text = "# Title\nintro\n## A\na text\n## B\n```\n# not a heading\n```\nb text\n"
        let lf = MarkdownDocument(text)
        let other = MarkdownDocument(Self.converted(text, ending))
        #expect(other.sections.map(\.title) == ["Title", "A", "B"])
        #expect(other.sections.map(\.line) == lf.sections.map(\.line))
        #expect(other.lines == lf.lines)
        let b = try #require(other.section("B"))
        #expect(b.body.last?.number == 9)
        #expect(b.body.last?.text == "b text")
    }

    @Test(arguments: endings)
    func aCompleteSummaryValidatesWithFindingsOnTheirLines(_ ending: String) {
        var files = SessionSamples.files.mapValues { Self.converted($0, ending) }
        let context = RuleContext(modified: SessionSamples.modified, closing: true)
        let session = SessionInput(folder: SessionSamples.folder, files: files)
        #expect(session.metadata?.title == SessionInput(folder: SessionSamples.folder, files: SessionSamples.files).metadata?.title)
        #expect(SessionValidator.validate(session, context).isEmpty, "\(SessionValidator.validate(session, context).map(\.textLine))")
        #expect(session.loops?.loops == SessionInput(folder: SessionSamples.folder, files: SessionSamples.files).loops?.loops)

        // A placeholder is reported on the line it sits on, as with LF.
        let marked = SessionSamples.summary.replacingOccurrences(
            of: "Aggregated payments per order in a CTE before the join.",
            with: "Aggregated payments per order in a CTE before the join. [[fill: tests added]]")
        files[SessionInput.File.summary] = marked
        let lfLines = SessionValidator.validate(SessionInput(folder: SessionSamples.folder, files: files), context).compactMap(\.location?.line)
        files[SessionInput.File.summary] = Self.converted(marked, ending)
        let findings = SessionValidator.validate(SessionInput(folder: SessionSamples.folder, files: files), context)
        #expect(findings.map(\.ruleID) == ["placeholder_left"])
        #expect(findings.compactMap(\.location?.line) == lfLines)
    }

    @Test(arguments: endings)
    func editsKeepTheFilesLineEndings(_ ending: String) throws {
        let summary = Self.converted(SessionSamples.summary, ending)
        var metadata = try #require(SessionMetadata.find(in: summary).metadata)
        metadata.status = .closed
        let closed = metadata.applied(to: summary)
        #expect(closed.hasPrefix(metadata.line + ending))
        #expect(closed == Self.converted(metadata.applied(to: SessionSamples.summary), ending))

        let refreshed = Handoff.refreshingLoops(summary: summary, loops: [Loop(number: 9, status: .approved, text: "Is it daily?")])
        #expect(refreshed.contains("- L-9 (approved) Is it daily?" + ending))
        #expect(MarkdownDocument(refreshed).section("Reasoning") != nil)

        var loops = LoopsDocument(Self.converted(SessionSamples.loops, ending))
        #expect(!loops.loops.isEmpty)
        loops.append(Loop(number: 40, status: .proposed, text: "New one"))
        #expect(loops.text.contains(ending + "- L-40 (proposed) New one" + ending))
        #expect(loops.text == Self.converted(loops.text.replacingOccurrences(of: ending, with: "\n"), ending))
    }
}

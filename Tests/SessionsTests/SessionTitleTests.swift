import Sessions
import Testing

/// Titles come from a command line or an agent: any text. What reaches the files must leave the
/// session readable, and any script must name a folder.
struct SessionTitleTests {
    @Test(arguments: [
        ("заказы", "заказы"),
        ("Исправить заказы: дубли", "исправить-заказы-дубли"),
        ("注文の修正", "注文の修正"),
        ("データ修正", "データ修正"), // no folding of Japanese voiced marks
        ("Café déjà vu", "cafe-deja-vu"), // Latin keeps its ASCII folding
        ("ＦＵＬＬ width", "full-width"),
        ("stg_orders → ordini più veloci", "stg-orders-ordini-piu-veloci"),
    ])
    func slugsKeepLettersOfEveryScript(_ title: String, _ slug: String) throws {
        #expect(try SessionNaming.slug(title) == slug)
    }

    @Test func slugsAreNeverEmptyAndFitAFolderName() throws {
        #expect(throws: SessionError.emptyTitle) { try SessionNaming.slug("🚀 → !!") }
        #expect(throws: SessionError.emptyTitle) { try SessionNaming.slug("\n\t") }
        // Letters heavy with combining marks: the slug stays within a file name's bytes.
        let heavy = String(repeating: "a\u{0301}\u{0302}\u{0303}\u{0304}\u{0305}\u{0306}\u{0307}", count: 60)
        let slug = try SessionNaming.slug("ж" + heavy)
        #expect(!slug.isEmpty)
        #expect(slug.utf8.count <= SessionNaming.slugBytes)
        #expect(try SessionNaming.slug(String(repeating: "заказ ", count: 30)).count <= 48)
    }

    @Test(arguments: [
        ("Fix orders\n## Problem, in my words\nforged", "Fix orders ## Problem, in my words forged"),
        ("close --> the comment", "close —> the comment"),
        ("open <!-- a comment", "open <!— a comment"),
        ("bang --!> too", "bang —!> too"),
        ("say \"why\"", "say 'why'"),
        ("  tabs\tand\r\nCRLF\u{2028}separators  ", "tabs and CRLF separators"),
        ("bell\u{07} and nul\u{0}", "bell and nul"),
    ])
    func titlesAreOneLineThatCannotEndTheSessionComment(_ given: String, _ cleaned: String) throws {
        #expect(SessionNaming.title(given) == cleaned)
        let metadata = SessionMetadata(title: given, kind: "general", started: "2026-11-28")
        let summary = metadata.line + "\n# Heading\n\n## Problem, in my words\nText.\n"
        let found = try #require(SessionMetadata.find(in: summary).metadata)
        #expect(found.title == cleaned)
        #expect(found.status == .open)
        #expect(MarkdownDocument(summary).sections.map(\.title) == ["Heading", "Problem, in my words"])
    }

    @Test func aScaffoldWritesTheCleanTitleEverywhere() throws {
        let templates = TemplateSet(builtIn: [
            SessionInput.File.summary:
                "<!-- rationale:session title=\"{{{title}}}\" kind={{{kind}}} started={{{date}}} status=open -->\n# {{{title}}}\n\n## Problem, in my words\n",
            SessionInput.File.loops: "# Loops — {{{title}}}\n",
            SessionInput.File.context: "# Context — {{{title}}}\n",
        ])
        let request = SessionScaffold.Request(
            title: "Fix --> \"it\"\n## Reasoning", kind: .general, date: "2026-11-28", author: "", budget: 4000,
            scope: nil, carriedLoops: [], previousSession: "", sessionsFolder: ".project/sessions")
        let made = try SessionScaffold(templates: templates).files(for: request, existingFolders: [])
        let summary = try #require(made.files[SessionInput.File.summary])
        #expect(SessionMetadata.find(in: summary).metadata?.title == "Fix —> 'it' ## Reasoning")
        #expect(MarkdownDocument(summary).sections.map(\.title) == ["Fix —> 'it' ## Reasoning", "Problem, in my words"])
        #expect(made.folder == "2026-11-28-fix-it-reasoning")
    }
}

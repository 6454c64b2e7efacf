import Sessions
import Testing

struct MarkdownTests {
    @Test func sectionsRunToTheNextHeadingOfTheSameOrHigherLevel() {
        let text = """
            # Title
            intro
            ## A
            a text
            ### A.1
            nested
            ## B
            ```sql
            # not a heading
            ```
            b text
            """
        let document = MarkdownDocument(text)
        #expect(document.sections.map(\.title) == ["Title", "A", "A.1", "B"])
        let a = try! #require(document.section("a"))
        #expect(a.line == 3)
        #expect(a.body.map(\.text) == ["a text", "### A.1", "nested"])
        let b = try! #require(document.section("B"))
        #expect(b.body.count == 4)
        #expect(b.body.last?.number == 11)
    }

    @Test func headingForms() {
        let document = MarkdownDocument("#No space\n  ## Indented ##\n####### seven\n## **Problem**, in my words\n")
        #expect(document.sections.map(\.title) == ["Indented", "**Problem**, in my words"])
        #expect(document.section("Problem, in my words") != nil)
    }

    @Test func emptinessIgnoresCommentsAndPlaceholders() {
        let document = MarkdownDocument("## A\n<!-- why:\nmany lines\n-->\n[[fill: something]]\n\n## B\n<!-- c --> real\n")
        #expect(document.section("A")?.isEmpty == true)
        #expect(document.section("B")?.isEmpty == false)
        #expect(document.section("B")?.visibleBody.map(\.text) == [" real"])
    }
}

import Testing
@testable import Narrative

@Suite("Session text copied into the narrative")
struct MarkdownSafetyTests {
    @Test(arguments: [
        ("Plain **bold** and `a < b` stay.", "Plain **bold** and `a < b` stay."),
        ("<img src=x onerror=alert(1)> hi", "&lt;img src=x onerror=alert(1)> hi"),
        ("<!-- rationale:end -->", "&lt;!-- rationale:end -->"),
        ("done <!-- rationale:todo fake --> here", "done &lt;!-- rationale:todo fake --> here"),
        ("``code with ` and <b>`` then <b>", "``code with ` and <b>`` then &lt;b>"),
        ("```\n<b>kept in code</b>\n```", "```\n<b>kept in code</b>\n```"),
        ("Query:\n```sql\nselect 1", "Query:\n```sql\nselect 1\n```"),
        ("✅ rationale gate: passed", "_(from the session)_ ✅ rationale gate: passed"),
        ("> **rationale:** could not write to the PR", "_(from the session)_ > **rationale:** could not write to the PR"),
        ("### rationale check: passed", "_(from the session)_ ### rationale check: passed"),
        ("publish: updated comment 5 on octo/shop#7", "_(from the session)_ publish: updated comment 5 on octo/shop#7"),
        ("The rationale for this is simple.", "The rationale for this is simple."),
        ("Rationale gating aside, we chose X.", "Rationale gating aside, we chose X."),
    ])
    func sessionProseIsNeutralised(input: String, expected: String) {
        #expect(MarkdownSafety.prose(input) == expected)
    }

    @Test func cellsEscapeHTMLToo() {
        #expect(MarkdownSafety.cell("L-1 (open) <!-- hide the rest") == "L-1 (open) &lt;!-- hide the rest")
    }
}

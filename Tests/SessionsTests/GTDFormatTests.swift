import Foundation
import Sessions
import Testing

/// Loops as they leave: one with a model, one with quotes, commas and a note.
let exportSample = GTDExport(
    project: "shop", date: "2026-11-25",
    items: [
        GTDExport.Item(
            loop: Loop(
                number: 7, status: .approved, text: "Does orders need a full refresh?",
                attributes: [("model", "orders"), ("by", "claude"), ("approved-by", "Ada Lovelace")]),
            session: ".project/sessions/2026-11-25-refactor", created: "2026-11-25"),
        GTDExport.Item(
            loop: Loop(
                number: 8, status: .clarified, text: "Is \"void\", or \"cancelled\", the status?",
                attributes: [("note", "cancelled, per the source contract")]),
            session: ".project/sessions/2026-11-25-refactor", created: "2026-11-24"),
    ])

/// The 7.1 header, as TickTick writes it.
let header71 =
    #""Folder Name","List Name","Title","Kind","Tags","Content","Is Check list","Start Date","Due Date","Reminder","Repeat","Priority","Status","Created Time","Completed Time","Order","Timezone","Is All Day","Is Floating","Column Name","Column Order","View Mode","taskId","parentId""#

/// A TickTick preamble for a version.
func preamble(_ version: String) -> String {
    "\"Date: 2026-11-25+0000\"\n\"Version: \(version)\"\n\"Status: \n0 Normal\n1 Completed\n2 Archived\"\n"
}

@Suite("TickTick backup CSV")
struct TickTickBackupTests {
    @Test func writesThePreambleThe24ColumnsAndOneQuotedRowPerLoop() throws {
        let text = try TickTickBackup.render(exportSample)
        #expect(text.hasPrefix(preamble("7.1") + header71 + "\n"))
        #expect(TickTickBackup.columns.count == 24)
        #expect(TickTickBackup.columns.first == "Folder Name" && TickTickBackup.columns.last == "parentId")
        let rows = text.dropFirst((preamble("7.1") + header71 + "\n").count)
        #expect(
            rows.hasPrefix(
                """
                "rationale","shop","L-7 Does orders need a full refresh?","TEXT","dbt-loop, orders","Session: .project/sessions/2026-11-25-refactor
                Model: orders
                Proposed by: claude
                Approved by: Ada Lovelace","N","","","","","5","0","2026-11-25T00:00:00+0000","","0","UTC","","false","","","list","",""
                """))
        // Quotes doubled, the note after a blank line in Content.
        #expect(rows.contains(#""L-8 Is ""void"", or ""cancelled"", the status?""#))
        #expect(rows.contains("Session: .project/sessions/2026-11-25-refactor\n\ncancelled, per the source contract\""))
        #expect(text.hasSuffix("\"\"\n"))
    }

    @Test func roundTripsItsOwnExport() throws {
        let items = try TickTickBackup.read(try TickTickBackup.render(exportSample), file: "out.csv")
        #expect(items.map(\.id) == ["L-7", "L-8"])
        #expect(items.map(\.done) == [false, false])
        #expect(items[0].text == "Does orders need a full refresh?")
        #expect(items[0].note == "", "what rationale wrote is not a clarification")
        #expect(items[1].text == "Is \"void\", or \"cancelled\", the status?")
        #expect(items[1].note == "cancelled, per the source contract")
        // Lines: 6 preamble + header = 7; L-7's row starts on line 8 and spans 4 lines.
        #expect(items.map(\.line) == [8, 12])
        // Nothing new came back, so importing it changes nothing.
        let located = GTDImport.locate([(".project/sessions/2026-11-25-refactor", exportSample.items.map(\.loop))])
        let outcome = GTDImport.plan(items, loops: located, source: "ticktick", date: "2026-11-26")
        #expect(outcome.changes.isEmpty)
        #expect(outcome.unchanged == ["L-7", "L-8"])
    }

    @Test(arguments: ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
    func fieldsThatASpreadsheetWouldRunAsAFormulaAreQuotedWithAnApostrophe(_ field: String) {
        #expect(TickTickBackup.neutralised(field) == "'" + field)
        #expect(TickTickBackup.restored("'" + field) == field)
    }

    @Test func ordinaryFieldsAndOurOwnApostrophesAreLeftAlone() {
        for field in ["L-1 text", "shop", "", "'quoted by the author", "1+2", "Session: x"] {
            #expect(TickTickBackup.neutralised(field) == field)
            #expect(TickTickBackup.restored(field) == field)
        }
    }

    @Test func aHostileListNameTitleOrContentCannotRunInASpreadsheetAndStillRoundTrips() throws {
        let hostile = GTDExport(
            project: "=HYPERLINK(\"http://x\",\"y\")", date: "2026-11-25",
            items: [
                GTDExport.Item(
                    loop: Loop(number: 1, status: .approved, text: "-2 rows?", attributes: [("model", "@orders"), ("note", "=cmd|' /C calc'!A0")]),
                    session: ".project/sessions/2026-11-25-x", created: "2026-11-25")
            ])
        let text = try TickTickBackup.render(hostile)
        let rows = try TickTickBackupTests.records(text).dropFirst(4)
        for row in rows {
            for field in row {
                #expect(!["=", "+", "-", "@", "\t", "\r"].contains(field.first.map(String.init) ?? ""), "field \(field) would run as a formula")
            }
        }
        #expect(rows.first?[1] == "'=HYPERLINK(\"http://x\",\"y\")")
        let items = try TickTickBackup.read(text, file: "out.csv")
        #expect(items.map(\.text) == ["-2 rows?"])
        #expect(items.map(\.note) == ["=cmd|' /C calc'!A0"])
    }

    /// The records of a CSV text, fields unquoted (quotes doubled inside, newlines kept).
    static func records(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" { field.unicodeScalars.append(c); characters.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\n" {
                record.append(field); records.append(record); record = []; field = ""
            } else {
                field.unicodeScalars.append(c)
            }
        }
        return records
    }

    @Test func readsVersion70WithoutKind() throws {
        let text =
            preamble("7.0") + """
                "Folder Name","List Name","Title","Tags","Content","Is Check list","Start Date","Due Date","Reminder","Repeat","Priority","Status","Created Time","Completed Time","Order","Timezone","Is All Day","Is Floating","Column Name","Column Order","View Mode","taskId","parentId"
                "rationale","shop","L-3 Is currency always USD?","dbt-loop","answered: yes, per contract","N","","","","","5","1","2026-11-25T00:00:00+0000","2026-11-26T09:00:00+0000","0","UTC","","false","","","list","6543","",""
                "","Inbox","Buy milk","","","N","","","","","0","0","2026-11-25T00:00:00+0000","","0","UTC","","false","","","list","6544",""
                """
        let items = try TickTickBackup.read(text, file: "backup.csv")
        #expect(items == [GTDItem(id: "L-3", done: true, text: "Is currency always USD?", note: "answered: yes, per contract", line: 8)])
    }

    @Test func readsVersion72WithProjectKindAndABOM() throws {
        let header = header71.replacingOccurrences(of: #""taskId""#, with: #""projectKind","taskId""#)
        let text =
            "\u{FEFF}" + preamble("7.2") + header + "\n" + """
                "rationale","shop","L-4 Which dashboard reads order_id?","TEXT","dbt-loop","","N","","","","","5","0","2026-11-25T00:00:00+0000","","0","UTC","","false","","","list","TASK","77",""
                """
        let items = try TickTickBackup.read(text, file: "backup.csv")
        #expect(items == [GTDItem(id: "L-4", done: false, text: "Which dashboard reads order_id?", note: "", line: 8)])
        #expect(GTDFormat.detect(text) == .ticktick)
    }

    @Test func keepsQuotesAndNewlinesInsideContentAndDropsOnlyOurLines() throws {
        let text =
            preamble("7.1") + header71 + "\r\n" + """
                "rationale","shop","L-5 Full refresh?","TEXT","dbt-loop","Session: .project/sessions/x\r\nModel: orders\r\n\r\nYes: the grain changed,\r\nsay ""full refresh"" in the PR.","N","","","","","5","0","2026-11-25T00:00:00+0000","","0","UTC","","false","","","list","",""\r\n
                """
        let items = try TickTickBackup.read(text, file: "backup.csv")
        #expect(items.first?.note == "Yes: the grain changed, say \"full refresh\" in the PR.")
        #expect(items.first?.done == false)
    }

    @Test(arguments: [("0", false), ("1", true), ("2", true), ("-1", true), (" 2 ", true)])
    func anyStatusButZeroIsDone(status: String, done: Bool) throws {
        let text =
            preamble("7.1") + header71 + "\n" + """
                "rationale","shop","L-6 Q","TEXT","","","N","","","","","5","\(status)","","","0","UTC","","false","","","list","",""
                """
        #expect(try TickTickBackup.read(text, file: "b.csv").first?.done == done)
    }

    @Test func mapsColumnsByNameInAnyOrderWithoutAPreamble() throws {
        let text = """
            "Status","Content","Title","List Name"
            "2","done: merged","L-9: Check the join","shop"
            "0","","L-10 — Second","shop"
            """
        let items = try TickTickBackup.read(text, file: "b.csv")
        #expect(
            items == [
                GTDItem(id: "L-9", done: true, text: "Check the join", note: "done: merged", line: 2),
                GTDItem(id: "L-10", done: false, text: "Second", note: "", line: 3),
            ])
    }

    @Test func aFileWithoutTheHeaderRowOrWithABadStatusNamesTheLine() throws {
        #expect(
            throws: SessionError.unreadableImport(
                file: "b.csv", line: 1,
                expected:
                    "a TickTick backup: its header row (\"Folder Name\",\"List Name\",\"Title\",…,\"Status\",…) after the preamble; no row names both Title and Status"
            )
        ) {
            try TickTickBackup.read("\"Date: 2026-11-25+0000\"\n\"a\",\"b\"\n", file: "b.csv")
        }
        let badStatus =
            preamble("7.1") + header71 + "\n" + """
                "rationale","shop","L-1 ok","TEXT","","multi
                line","N","","","","","5","0","","","0","UTC","","false","","","list","",""
                "rationale","shop","L-2 bad","TEXT","","","N","","","","","5","done","","","0","UTC","","false","","","list","",""
                """
        do {
            _ = try TickTickBackup.read(badStatus, file: "b.csv")
            Issue.record("a non-numeric Status must be refused")
        } catch let error as SessionError {
            let message = error.errorDescription ?? ""
            #expect(message.hasPrefix("b.csv:10: expected L-2's Status must be a number"), "\(message)")
        }
    }
}

@Suite("todo.txt")
struct TodoTxtTests {
    @Test func writesOneLinePerLoop() {
        #expect(
            TodoTxt.render(exportSample) == """
                (A) 2026-11-25 Does orders need a full refresh? +shop @dbt loop:L-7 model:orders
                (A) 2026-11-24 Is "void", or "cancelled", the status? — cancelled, per the source contract +shop @dbt loop:L-8

                """)
        let unnamed = GTDExport(project: "", date: "2026-11-25", items: [exportSample.items[0]])
        #expect(TodoTxt.render(unnamed).contains("+dbt-loops @dbt"))
    }

    @Test func roundTripsItsOwnExport() {
        let items = TodoTxt.read(TodoTxt.render(exportSample))
        #expect(items.map(\.id) == ["L-7", "L-8"])
        #expect(items[0].text == "Does orders need a full refresh?")
        let located = GTDImport.locate([("s", exportSample.items.map(\.loop))])
        #expect(GTDImport.plan(items, loops: located, source: "todotxt", date: "2026-11-26").changes.isEmpty)
    }

    @Test func readsDoneLinesAndIgnoresLinesWithoutALoop() {
        let text = """
            x 2026-11-27 2026-11-25 Does orders need a full refresh? yes, after merge +shop @dbt loop:L-7 model:orders
            (B) 2026-11-25 Call the bank +home
            (A) Which join? status:void stays text +shop loop:l-12

            """
        let items = TodoTxt.read(text)
        #expect(
            items == [
                GTDItem(id: "L-7", done: true, text: "Does orders need a full refresh? yes, after merge", line: 1),
                GTDItem(id: "L-12", done: false, text: "Which join? status:void stays text", line: 3),
            ])
        #expect(GTDFormat.detect(text) == .todotxt)
    }
}

@Suite("loops as JSON")
struct LoopsJSONTests {
    @Test func roundTripsAndReadsClosedAsDone() throws {
        let text = try LoopsJSON.render(exportSample)
        #expect(text.contains("\"id\" : \"L-7\""))
        #expect(text.contains("\"session\" : \".project/sessions/2026-11-25-refactor\""))
        #expect(GTDFormat.detect(text) == .json)
        let items = try LoopsJSON.read(text, file: "l.json")
        #expect(items.map(\.id) == ["L-7", "L-8"])
        #expect(items[1].note == "cancelled, per the source contract")
        let answered = try LoopsJSON.read(
            #"[{"id": "L-7", "status": "closed", "note": "yes"}, {"id": "l-8", "status": "Done"}, {"id": "L-9"}]"#, file: "l.json")
        #expect(answered.map(\.done) == [true, true, false])
        #expect(answered.map(\.id) == ["L-7", "L-8", "L-9"])
    }

    @Test func refusesWhatIsNotAnArrayOfLoops() {
        #expect(throws: SessionError.self) { try LoopsJSON.read("{\"id\": \"L-1\"}", file: "l.json") }
        #expect(throws: SessionError.unreadableImport(file: "l.json", line: 1, expected: "`id` in every item (item 2 has none), e.g. \"id\": \"L-7\"")) {
            try LoopsJSON.read(#"[{"id": "L-1"}, {"text": "x"}]"#, file: "l.json")
        }
        #expect(throws: SessionError.self) { try LoopsJSON.read(#"[{"id": "seven"}]"#, file: "l.json") }
    }
}

@Suite("what an import does to the loops")
struct GTDImportTests {
    let loops = GTDImport.locate([
        ("old", [Loop(number: 1, status: .closed, text: "a", attributes: [("note", "old")]), Loop(number: 2, status: .open, text: "b")]),
        (
            "new",
            [
                Loop(number: 2, status: .exported, text: "Is void used?", attributes: [("model", "orders")]),
                Loop(number: 3, status: .exported, text: "c"), Loop(number: 4, status: .closed, text: "d"),
            ]
        ),
    ])

    @Test func theNewestSessionHoldsADuplicatedId() {
        #expect(loops["L-2"]?.session == "new")
        #expect(loops["L-1"]?.session == "old")
    }

    @Test func doneClosesAnsweredClarifiesUnknownIsReportedClosedIsLeftAlone() {
        let items = [
            GTDItem(id: "L-2", done: false, text: "Is void used? — no, only in tests"),
            GTDItem(id: "L-3", done: true, text: "c", note: "answered: yes"),
            GTDItem(id: "L-4", done: true, text: "d", note: "again"),
            GTDItem(id: "L-9", done: false, text: "x"),
        ]
        let outcome = GTDImport.plan(items, loops: loops, source: "ticktick", date: "2026-11-26")
        #expect(
            outcome.changes.map(\.after.line) == [
                "- L-2 (clarified) Is void used? [model: orders] [note: no, only in tests] [gtd: ticktick 2026-11-26]",
                "- L-3 (closed) c [note: answered: yes] [gtd: ticktick 2026-11-26]",
            ])
        #expect(outcome.changes.map(\.session) == ["new", "new"])
        #expect(outcome.notFound == ["L-9"])
        #expect(outcome.alreadyClosed == ["L-4"])
    }

    @Test func aDoneItemWithoutAnAnswerStillClosesAndBracketsCannotBreakTheLine() {
        let outcome = GTDImport.plan(
            [GTDItem(id: "L-3", done: true, text: "c"), GTDItem(id: "L-2", done: false, text: "b", note: "see [ticket]\nsoon")],
            loops: loops, source: "json", date: "2026-11-26")
        #expect(
            outcome.changes.map(\.after.line) == [
                "- L-3 (closed) c [note: done in GTD] [gtd: json 2026-11-26]",
                "- L-2 (clarified) Is void used? [model: orders] [note: see (ticket) soon] [gtd: json 2026-11-26]",
            ])
        // The line reads back as the same loop.
        #expect(outcome.changes.map { Loop.parse($0.after.line) } == outcome.changes.map { .loop($0.after) })
    }

    @Test(arguments: [
        ("Is void used?", "", ""),
        ("Is void used? yes", "", "yes"),
        ("Is void used?: yes", "", "yes"),
        ("Void is not used", "", "Void is not used"),
        ("Is void used? yes", "from the note", "from the note"),
    ])
    func theClarificationIsTheNoteElseWhatTheTextAdds(text: String, note: String, expected: String) {
        let loop = Loop(number: 2, status: .exported, text: "Is void used?")
        #expect(GTDImport.clarification(of: GTDItem(id: "L-2", done: false, text: text, note: note), for: loop) == expected)
    }

    @Test func whatCameBackGoesToTheHandoffAndClarifiedLoopsAreCarried() {
        let loops = [
            Loop(number: 1, status: .clarified, text: "a", attributes: [("note", "yes"), ("gtd", "ticktick 2026-11-26")]),
            Loop(number: 2, status: .closed, text: "b", attributes: [("note", "done"), ("gtd", "ticktick 2026-11-26")]),
            Loop(number: 3, status: .closed, text: "c", attributes: [("note", "by hand")]),
            Loop(number: 4, status: .exported, text: "d"),
        ]
        #expect(Handoff.cameBackFromGTD(loops) == ["L-1 clarified: a — yes", "L-2 closed: b — done"])
        #expect(
            Handoff.carriedLoops(from: loops, session: "s").map(\.line) == [
                "- L-1 (clarified) a [note: yes] [gtd: ticktick 2026-11-26] [from: s]",
                "- L-4 (exported) d [from: s]",
            ])
    }

    @Test func exportTakesAcceptedOpenLoopsAndMarksOnlyTheNewOnes() {
        #expect(Loop.Status.allCases.filter { GTDExport.isExportable(Loop(number: 1, status: $0, text: "x")) } == [.approved, .open, .exported, .clarified])
        #expect(Loop.Status.allCases.map(GTDExport.markedStatus) == [.proposed, .exported, .exported, .exported, .clarified, .closed])
    }
}

@Suite("the GTD formats as documented")
struct GTDDocumentationTests {
    let doc: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/SESSIONS.md"), encoding: .utf8)) ?? ""
    }()

    @Test func docsSessionsShowsTheColumnsLabelsAndKeysTheCodeUses() throws {
        let section = try #require(doc.components(separatedBy: "## GTD exchange").dropFirst().first?.components(separatedBy: "\n## ").first)
        #expect(section.contains(TickTickBackup.columns.map { "\"\($0)\"" }.joined(separator: ",")))
        #expect(section.contains(TickTickBackup.preamble(date: "2026-11-28").map { "\"\($0)\"" }.joined(separator: "\n")))
        for label in TickTickBackup.contentLabels { #expect(section.contains("`\(label)`"), "\(label)") }
        for key in TodoTxt.ownKeys { #expect(section.contains("`\(key):`"), "\(key)") }
        for status in LoopsJSON.doneStatuses { #expect(section.contains("`\(status)`"), "\(status)") }
        #expect(section.contains("`\(GTDImport.doneWithoutNote)`"))
        #expect(section.contains("priority\n`\(TickTickBackup.priority)`") || section.contains("priority `\(TickTickBackup.priority)`"))
    }
}

import Foundation
import Testing
import _TestSupport

@Suite("rationale loops export and import, end to end")
struct GTDCommandTests {
    /// A session on the shop repository with two approved loops; returns the session folder.
    func sessionWithTwoLoops(_ repo: ScratchRepository) throws -> String {
        try repo.git("checkout", "-q", "-b", "feature")
        repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders where status != 'cancelled'\n")
        repo.stage("dbt/models/staging/stg_orders.sql")
        let start = try rationale(["session", "start", "Drop cancelled orders"], in: repo)
        #expect(start.status == 0, "\(start.stderr)")
        let folder = try #require(sessionFolders(repo).first)
        #expect(try rationale(["loops", "propose", "Does revenue need a full refresh?", "--model", "revenue", "--by", "claude"], in: repo).status == 0)
        #expect(try rationale(["loops", "propose", "Is void a status, too?"], in: repo).status == 0)
        #expect(try rationale(["loops", "approve", "L-1"], in: repo).status == 0)
        #expect(try rationale(["loops", "approve", "L-2"], in: repo).status == 0)
        return folder
    }

    @Test func aTickTickRoundTripClosesAndClarifiesLoopsAndTheHandoffSaysWhatCameBack() throws {
        let repo = try shopRepository()
        let folder = try sessionWithTwoLoops(repo)
        let loopsPath = ".project/sessions/\(folder)/LOOPS.md"
        repo.write(loopsPath, try #require(repo.read(loopsPath)) + "\n## Notes\nMy notes stay here.\n")
        let before = try #require(repo.read(loopsPath))

        // Out: the preamble, the 24 columns, one row per loop; the loops are marked exported.
        let export = try rationale(["loops", "export", "--format", "ticktick", "--output", "loops.csv"], in: repo)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("wrote 2 loops to loops.csv (ticktick)"))
        #expect(export.stdout.contains("\(loopsPath): L-1, L-2 marked exported"))
        let csv = try #require(repo.read("loops.csv"))
        let day = try #require(csv.split(separator: "\n").first).dropFirst("\"Date: ".count).prefix(10)
        #expect(
            csv.hasPrefix("\"Date: \(day)+0000\"\n\"Version: 7.1\"\n\"Status: \n0 Normal\n1 Completed\n2 Archived\"\n\"Folder Name\",\"List Name\",\"Title\","))
        let header = try #require(csv.split(separator: "\n").first { $0.hasPrefix("\"Folder Name\"") })
        #expect(header.split(separator: ",").count == 24)
        #expect(header.hasSuffix("\"taskId\",\"parentId\""))
        #expect(
            csv.contains(
                "\"rationale\",\"repo\",\"L-1 Does revenue need a full refresh?\",\"TEXT\",\"dbt-loop, revenue\",\"Session: .project/sessions/\(folder)\nModel: revenue\nProposed by: claude\nApproved by: Scratch Tester\",\"N\""
            ))
        #expect(csv.contains("\"L-2 Is void a status, too?\""))

        let exported = try #require(repo.read(loopsPath))
        let changed = zip(before.split(separator: "\n", omittingEmptySubsequences: false), exported.split(separator: "\n", omittingEmptySubsequences: false))
            .filter { $0 != $1 }
        #expect(
            changed.map(\.1) == [
                "- L-1 (exported) Does revenue need a full refresh? [model: revenue] [by: claude] [approved-by: Scratch Tester]",
                "- L-2 (exported) Is void a status, too? [by: agent] [approved-by: Scratch Tester]",
            ])
        #expect(
            before.split(separator: "\n", omittingEmptySubsequences: false).count == exported.split(separator: "\n", omittingEmptySubsequences: false).count)
        #expect(exported.hasSuffix("My notes stay here.\n"))

        // The user answers in TickTick: L-1 done ("answered: yes"), L-2 gains a note.
        var edited = csv
        let firstRowEnd = try #require(edited.range(of: "Approved by: Scratch Tester\",\"N\",\"\",\"\",\"\",\"\",\"5\",\"0\""))
        edited.replaceSubrange(firstRowEnd, with: "Approved by: Scratch Tester\nanswered: yes\",\"N\",\"\",\"\",\"\",\"\",\"5\",\"2\"")
        let secondRow = try #require(edited.range(of: "\"L-2 Is void a status, too?\""))
        let secondContentEnd = try #require(edited.range(of: "Approved by: Scratch Tester\"", range: secondRow.upperBound..<edited.endIndex))
        edited.replaceSubrange(secondContentEnd, with: "Approved by: Scratch Tester\n\nNo: \"\"void\"\" rows are test data.\"")
        repo.write("loops.csv", "\u{FEFF}" + edited)

        let dry = try rationale(["loops", "import", "loops.csv", "--dry-run"], in: repo)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("dry run: nothing written"))
        #expect(repo.read(loopsPath) == exported)

        let imported = try rationale(["loops", "import", "loops.csv"], in: repo)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("loops.csv (ticktick)"))
        #expect(imported.stdout.contains("L-1 closed: answered: yes"))
        #expect(imported.stdout.contains("L-2 clarified: No: \"void\" rows are test data."))
        let after = try #require(repo.read(loopsPath))
        #expect(
            after.contains(
                "- L-1 (closed) Does revenue need a full refresh? [model: revenue] [by: claude] [approved-by: Scratch Tester] [note: answered: yes] [gtd: ticktick "
            ))
        #expect(
            after.contains(
                "- L-2 (clarified) Is void a status, too? [by: agent] [approved-by: Scratch Tester] [note: No: \"void\" rows are test data.] [gtd: ticktick "))
        #expect(after.hasSuffix("My notes stay here.\n"))
        #expect(repo.read(".project/sessions/\(folder)/SUMMARY.md")?.contains("- L-2 (clarified)") == true)

        // Importing the same file again changes nothing.
        let again = try rationale(["loops", "import", "loops.csv"], in: repo)
        #expect(again.stdout.contains("L-1 already closed, left as it is"))
        #expect(again.stdout.contains("unchanged (still open, nothing new): L-2"))
        #expect(repo.read(loopsPath) == after)

        // The handoff says what came back; the next session carries the clarified loop.
        try fillSession(repo, folder, loaded: ["stg_orders"])
        let closed = try rationale(["session", "close"], in: repo)
        #expect(closed.status == 0, "\(closed.stdout)\(closed.stderr)")
        let bootloader = try #require(repo.read(".project/sessions/\(folder)/BOOTLOADER.md"))
        #expect(
            bootloader.contains(
                """
                ## Came back from GTD
                """))
        #expect(bootloader.contains("- L-1 closed: Does revenue need a full refresh? — answered: yes"))
        #expect(bootloader.contains("- L-2 clarified: Is void a status, too? — No: \"void\" rows are test data."))
        #expect(bootloader.contains("- L-2 (clarified) Is void a status, too?"), "still an open loop")
        #expect(!bootloader.contains("{{"))

        let next = try rationale(["session", "start", "Backfill revenue"], in: repo)
        #expect(next.stdout.contains("1 open loop carried from \(folder)"))
        let nextFolder = try #require(sessionFolders(repo).first { $0 != folder })
        let nextLoops = try #require(repo.read(".project/sessions/\(nextFolder)/LOOPS.md"))
        #expect(
            nextLoops.contains(
                "- L-2 (clarified) Is void a status, too? [by: agent] [approved-by: Scratch Tester] [note: No: \"void\" rows are test data.] [gtd: ticktick "))
        #expect(nextLoops.contains("[from: \(folder)]"))
        #expect(!nextLoops.contains("L-1"))
    }

    @Test func todoTxtAndJSONGoToStandardOutputAndComeBack() throws {
        let repo = try shopRepository()
        let folder = try sessionWithTwoLoops(repo)
        let loopsPath = ".project/sessions/\(folder)/LOOPS.md"
        _ = try rationale(["loops", "propose", "Who owns the backfill?"], in: repo)
        let before = try #require(repo.read(loopsPath))

        let todo = try rationale(["loops", "export", "--format", "todotxt", "--no-mark"], in: repo)
        #expect(todo.status == 0, "\(todo.stderr)")
        let created = String(folder.prefix(10))
        #expect(
            todo.stdout == """
                (A) \(created) Does revenue need a full refresh? +repo @dbt loop:L-1 model:revenue
                (A) \(created) Is void a status, too? +repo @dbt loop:L-2

                """)
        #expect(todo.stderr.contains("left out, still proposed: L-3"))
        #expect(repo.read(loopsPath) == before, "--no-mark leaves LOOPS.md alone")

        repo.write(
            "todo.txt",
            """
            x 2026-12-01 \(created) Does revenue need a full refresh? yes, after merge +repo @dbt loop:L-1 model:revenue
            (B) 2026-11-30 Unrelated errand +home
            (A) \(created) Something else +repo @dbt loop:L-9

            """)
        let imported = try rationale(["loops", "import", "todo.txt"], in: repo)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("todo.txt (todotxt)"))
        #expect(imported.stdout.contains("L-1 closed: yes, after merge"))
        #expect(imported.stdout.contains("L-9 not found in any session's LOOPS.md"))
        #expect(
            repo.read(loopsPath)?.contains(
                "- L-1 (closed) Does revenue need a full refresh? [model: revenue] [by: claude] [approved-by: Scratch Tester] [note: yes, after merge] [gtd: todotxt "
            ) == true)

        let json = try rationale(["loops", "export", "--format", "json", "--all"], in: repo)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.contains("\"id\" : \"L-2\""))
        #expect(!json.stdout.contains("\"id\" : \"L-1\""), "closed loops are not exported")
        #expect(repo.read(loopsPath)?.contains("- L-2 (exported)") == false, "to standard output nothing is marked unless --mark")
        let marked = try rationale(["loops", "export", "--format", "json", "--all", "--mark"], in: repo)
        #expect(marked.status == 0, "\(marked.stderr)")
        #expect(repo.read(loopsPath)?.contains("- L-2 (exported)") == true)
        repo.write("answers.json", #"[{"id": "L-2", "status": "exported", "text": "Is void a status, too?", "note": "no"}]"#)
        let fromJSON = try rationale(["loops", "import", "answers.json"], in: repo)
        #expect(fromJSON.stdout.contains("L-2 clarified: no"), "\(fromJSON.stdout)\(fromJSON.stderr)")
    }

    @Test func importRefusesTheWrongFormatAndNeverApprovesAProposedLoop() throws {
        let repo = try shopRepository()
        let folder = try sessionWithTwoLoops(repo)
        let loopsPath = ".project/sessions/\(folder)/LOOPS.md"
        #expect(try rationale(["loops", "propose", "Should orders keep voided rows?"], in: repo).status == 0)
        repo.write("answers.json", #"[{"id": "L-3", "status": "exported", "text": "Should orders keep voided rows?", "note": "yes"}]"#)
        let wrong = try rationale(["loops", "import", "answers.json", "--format", "todotxt"], in: repo)
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("answers.json looks like json, not todotxt"), "\(wrong.stderr)")
        repo.write("notes.txt", "buy milk\ncall the bank\n")
        let none = try rationale(["loops", "import", "notes.txt"], in: repo)
        #expect(none.status == 2)
        #expect(none.stderr.contains("holds no loop of rationale's"), "\(none.stderr)")
        let proposed = try rationale(["loops", "import", "answers.json"], in: repo)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        #expect(proposed.stdout.contains("L-3 is still proposed: left as it is"), "\(proposed.stdout)")
        #expect(repo.read(loopsPath)?.contains("- L-3 (proposed) Should orders keep voided rows?") == true, "\(repo.read(loopsPath) ?? "")")
    }

    @Test func anUnreadableFileNamesItsLineAndWhatWasExpected() throws {
        let repo = try shopRepository()
        _ = try sessionWithTwoLoops(repo)
        repo.write("broken.csv", "\"Date: 2026-11-25+0000\"\n\"Version: 7.1\"\n\"Title\",\"Status\"\n\"L-1 a\",\"done\"\n")
        let csv = try rationale(["loops", "import", "broken.csv"], in: repo)
        #expect(csv.status == 2)
        #expect(csv.stderr.contains("broken.csv:4: expected L-1's Status must be a number (0 open; 1, 2 or -1 done)"), "\(csv.stderr)")
        repo.write("broken.json", "[{\"id\": \"L-1\"}, {\"text\": 3}]")
        let json = try rationale(["loops", "import", "broken.json"], in: repo)
        #expect(json.status == 2)
        #expect(json.stderr.contains("broken.json:1: expected"))
        let missing = try rationale(["loops", "import", "nowhere.csv"], in: repo)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read nowhere.csv"))
        let usage = try rationale(["loops", "export", "--format", "csv"], in: repo)
        #expect(usage.status == 64)
        let both = try rationale(["loops", "export", "--format", "json", "--all", "--session", "x"], in: repo)
        #expect(both.status == 64)
    }
}

import Foundation
import Testing
import _TestSupport

@Suite("rationale attempts, end to end")
struct AttemptsCommandTests {
    @Test func addAndListRoundTripWithIdsAcrossSessions() throws {
        let (repo, folder) = try startedShop()
        let path = ".project/sessions/\(folder)/ATTEMPTS.md"
        let empty = try rationale(["attempts", "list"], in: repo)
        #expect(empty.status == 0)
        #expect(empty.stdout.contains("no attempts yet"))

        let first = try rationale(
            [
                "attempts", "add", "dedupe with distinct in orders", "--result", "failed", "--why",
                "hid the fan-out; row count still 1,204 vs 1,187", "--by", "claude",
            ], in: repo)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("created \(path)"))
        let created = try #require(repo.read(path))
        #expect(created.hasPrefix("# Attempts — Drop cancelled orders\n"))
        #expect(created.contains("<!-- why:"))
        let line = try #require(created.split(separator: "\n").first { $0.hasPrefix("- A-1") })
        #expect(line.hasPrefix("- A-1 (failed) dedupe with distinct in orders [why: hid the fan-out; row count still 1,204 vs 1,187] [by: claude] [at: "))
        // A text that ends like an attribute keeps its words; its brackets become parentheses.
        let second = try rationale(["attempts", "add", "aggregate first [by: me]", "--result", "Worked"], in: repo)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("- A-2 (worked) aggregate first (by: me) [at: "), "\(second.stdout)")
        #expect(!second.stdout.contains("created"))

        let listed = try rationale(["attempts", "list"], in: repo)
        #expect(listed.stdout.contains("\(path):"))
        #expect(listed.stdout.contains(": - A-1 (failed) dedupe with distinct in orders"))
        #expect(listed.stdout.contains(": - A-2 (worked) aggregate first (by: me)"))
        let json = try rationale(["attempts", "list", "--format", "json"], in: repo)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == ["A-1", "A-2"])
        #expect(items.map { $0["result"] as? String } == ["failed", "worked"])
        #expect((items.first?["attributes"] as? [String: String])?["by"] == "claude")

        // A later session continues the numbering: an id names one attempt across sessions.
        _ = try rationale(["session", "start", "Backfill revenue"], in: repo)
        let later = try rationale(["attempts", "add", "backfill in one run", "--result", "partial", "--session", "Backfill revenue"], in: repo)
        #expect(later.status == 2, "an unknown session is named")
        let next = try #require(sessionFolders(repo).first { $0 != folder })
        let third = try rationale(["attempts", "add", "backfill in one run", "--result", "partial", "--session", next], in: repo)
        #expect(third.stdout.contains("- A-3 (partial) backfill in one run"), "\(third.stdout)\(third.stderr)")
    }

    @Test func anAddKeepsEveryOtherByteOfTheFile() throws {
        let (repo, folder) = try startedShop()
        let path = ".project/sessions/\(folder)/ATTEMPTS.md"
        let before =
            "# Our attempts\r\n\r\nSome words of mine.\r\n\r\n## Attempts\r\n- A-1 (failed) first try\r\n  with a note under it\r\n\r\n## Afterwards\r\nkeep this, and no final newline"
        repo.write(path, before)
        let run = try rationale(["attempts", "add", "second try", "--result", "partial", "--why", "1,190 rows"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        let after = try #require(repo.read(path))
        let added = try #require(run.stdout.split(separator: "\n").first.map { String($0.dropFirst("\(path): ".count)) })
        #expect(added.hasPrefix("- A-2 (partial) second try [why: 1,190 rows] [at: "))
        #expect(after == before.replacingOccurrences(of: "  with a note under it\r\n", with: "  with a note under it\r\n\(added)\r\n"))
    }

    @Test func badInputStopsWithExitTwoAndWritesNothing() throws {
        let (repo, folder) = try startedShop()
        let path = ".project/sessions/\(folder)/ATTEMPTS.md"
        // No file yet: a refused add does not create one.
        let empty = try rationale(["attempts", "add", "  \n ", "--result", "failed"], in: repo)
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("\(path): an attempt needs text: say what was tried"))
        let unknown = try rationale(["attempts", "add", "distinct", "--result", "maybe"], in: repo)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("`maybe` is not a result: use --result failed, partial or worked; nothing was written"))
        #expect(repo.read(path) == nil)

        let broken = "## Attempts\n- A-1 (failed) distinct\n- A-2 (sorta) a window\n"
        repo.write(path, broken)
        let malformed = try rationale(["attempts", "add", "aggregate first", "--result", "worked"], in: repo)
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("\(path):3: A-2 has the result `sorta`; use one of failed, partial, worked; fix that line"), "\(malformed.stderr)")
        #expect(repo.read(path) == broken)
        let listed = try rationale(["attempts", "list"], in: repo)
        #expect(listed.status == 0)
        #expect(listed.stderr.contains("\(path):3: warning: A-2 has the result `sorta`"))
        #expect(listed.stderr.contains("[attempt_syntax]"))
        let status = try rationale(["session", "status"], in: repo)
        #expect(status.stdout.contains("\(path):3: error: A-2 has the result `sorta`"))

        // A link in place of the file is refused, and nothing is written through it.
        repo.remove(path)
        repo.write("outside.md", "not a session file\n")
        repo.symlink(path, to: repo.absolute("outside.md"))
        let linked = try rationale(["attempts", "add", "aggregate first", "--result", "worked"], in: repo)
        #expect(linked.status == 2)
        #expect(linked.stderr.contains("is a symbolic link"))
        #expect(repo.read("outside.md") == "not a session file\n")
    }

    @Test func threeFailuresInARowStopTheCloseUntilALoopNamesThem() throws {
        let (repo, folder) = try startedShop()
        try fillSession(repo, folder, loaded: ["stg_orders"])
        _ = try rationale(["attempts", "add", "filter in orders", "--result", "worked", "--why", "1,187 rows"], in: repo)
        for (text, why) in [
            ("filter cancelled in revenue", "other marts still count them"), ("filter in a macro", "void too"), ("exclude by id", "ids reused"),
        ] {
            _ = try rationale(["attempts", "add", text, "--result", "failed", "--why", why], in: repo)
        }
        let refused = try rationale(["session", "close"], in: repo)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("ATTEMPTS.md:"))
        #expect(refused.stdout.contains("A-2, A-3, A-4 failed and no attempt worked since: escalate"), "\(refused.stdout)")
        #expect(refused.stdout.contains("[attempts_escalate]"))
        #expect(repo.read(".project/sessions/\(folder)/BOOTLOADER.md") == nil)
        // While the session is open, status does not hold it against the author.
        #expect(!(try rationale(["session", "status"], in: repo)).stdout.contains("attempts_escalate"))

        let proposed = try rationale(
            [
                "loops", "propose", "A-2, A-3, A-4 failed at the cancelled rows: which way now?", "--option", "A: filter in staging, every mart follows",
                "--option", "B: ask finance which statuses count", "--by", "claude",
            ], in: repo)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        #expect(try rationale(["loops", "approve", "L-1"], in: repo).status == 0)
        let closed = try rationale(["session", "close"], in: repo)
        #expect(closed.status == 0, "\(closed.stdout)\(closed.stderr)")
        let bootloader = try #require(repo.read(".project/sessions/\(folder)/BOOTLOADER.md"))
        let section = try #require(bootloader.components(separatedBy: "## Attempts").last?.components(separatedBy: "## Open loops").first)
        let items = section.split(separator: "\n").filter { $0.hasPrefix("- ") }
        #expect(
            items == [
                "- A-2 (failed) filter cancelled in revenue — other marts still count them", "- A-3 (failed) filter in a macro — void too",
                "- A-4 (failed) exclude by id — ids reused", "- A-1 (worked) filter in orders — 1,187 rows",
            ])
        #expect(bootloader.contains("rationale attempts add"))
    }
}

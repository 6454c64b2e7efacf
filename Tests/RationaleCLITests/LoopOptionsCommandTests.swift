import Foundation
import Testing
import _TestSupport

@Suite("questions with options, end to end")
struct LoopOptionsCommandTests {
    @Test func aQuestionOffersOptionsAndTheChoiceMustBeOneOfThem() throws {
        let (repo, folder) = try startedShop()
        let loopsPath = ".project/sessions/\(folder)/LOOPS.md"
        let untouched = try #require(repo.read(loopsPath))
        let one = try rationale(["loops", "propose", "How fresh must revenue be?", "--option", "A: hourly"], in: repo)
        #expect(one.status == 2)
        #expect(one.stderr.contains("needs at least two"))
        #expect(repo.read(loopsPath) == untouched)

        let proposed = try rationale(
            ["loops", "propose", "How fresh must revenue be?", "--option", "A: hourly; 24 runs a day", "--option", "B: daily [a day late]"], in: repo)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        #expect(proposed.stdout.contains("- L-1 (proposed) How fresh must revenue be? [options: A: hourly, 24 runs a day; B: daily (a day late)] [by: agent]"))
        _ = try rationale(["loops", "propose", "Is void a status?"], in: repo)
        #expect(try rationale(["loops", "approve", "L-1"], in: repo).status == 0)
        let before = try #require(repo.read(loopsPath))

        let wrong = try rationale(["loops", "close", "L-1", "--chose", "C"], in: repo)
        #expect(wrong.status == 2)
        #expect(
            wrong.stderr.contains("L-1 has no option `C`: choose one of A (hourly, 24 runs a day), B (daily (a day late)) with --chose LABEL"),
            "\(wrong.stderr)")
        let none = try rationale(["loops", "close", "L-2", "--chose", "A"], in: repo)
        #expect(none.status == 2)
        #expect(none.stderr.contains("L-2 offers no options to choose from"))
        #expect(repo.read(loopsPath) == before)
        #expect(try rationale(["loops", "close", "L-1"], in: repo).status == 64, "a close says how it was settled")

        let chosen = try rationale(["loops", "close", "L-1", "--chose", "b", "--note", "finance reads it each morning"], in: repo)
        #expect(chosen.status == 0, "\(chosen.stderr)")
        let after = try #require(repo.read(loopsPath))
        #expect(after.contains("[chose: B] [note: B: daily (a day late) — finance reads it each morning]"))
        #expect(zip(before.split(separator: "\n"), after.split(separator: "\n")).filter { $0 != $1 }.count == 1)
    }
}

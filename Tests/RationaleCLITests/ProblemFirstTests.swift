import Foundation
import Testing
import _TestSupport

/// Articulate first: `session start --problem` writes the problem in the author's words and
/// records it; a rewrite after the work began is allowed and shows, in `session status` and in
/// the narrative beside the first statement.
@Suite("the problem stated first, end to end")
struct ProblemFirstTests {
    static let problem = "Revenue counts cancelled orders because stg_orders keeps every status; May is 3 % above the ledger."

    func editedShop() throws -> ScratchRepository {
        let repo = try shopRepository()
        try repo.git("checkout", "-q", "-b", "feature")
        repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders where status != 'cancelled'\n")
        return repo
    }

    @Test func theProblemIsWrittenAndRecordedWithTheCommitTheWorkStartedFrom() throws {
        let repo = try editedShop()
        let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let start = try rationale(["session", "start", "Drop cancelled orders", "--problem", Self.problem], in: repo)
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.stdout.contains("SUMMARY.md: the problem in your words, recorded"))
        let folder = try #require(sessionFolders(repo).first)
        let summary = try #require(repo.read(".project/sessions/\(folder)/SUMMARY.md"))
        let firstLine = try #require(summary.split(separator: "\n").first)
        #expect(firstLine.contains(" problem="), "\(firstLine)")
        #expect(firstLine.contains(" base=\(head.prefix(12))"), "\(firstLine)")
        let section = try #require(summary.components(separatedBy: "## Problem, in my words").last?.components(separatedBy: "## What was done").first)
        #expect(section.contains(Self.problem))
        #expect(!section.contains("[[fill:"), "the placeholder gave way to the statement")
    }

    @Test(arguments: [
        ("fix orders", "--problem has 2 words"),
        ("The agent said orders needs a comment so I am adding one now ok", "--problem credits the agent (`agent … said`)"),
    ])
    func aHollowProblemIsRefusedAndNothingIsWritten(problem: String, message: String) throws {
        let repo = try editedShop()
        let start = try rationale(["session", "start", "Drop cancelled orders", "--problem", problem], in: repo)
        #expect(start.status == 2)
        #expect(start.stderr.contains(message), "\(start.stderr)")
        #expect(start.stderr.contains("nothing was written"))
        #expect(sessionFolders(repo).isEmpty)
        #expect(repo.read(".project/STATE.md") == nil)
    }

    @Test func onATerminalItAsksForTheProblem() throws {
        let repo = try editedShop()
        // `script` gives the command a terminal; the answer comes on its standard input.
        let command = "printf '%s\\n\\n' \"$PROBLEM\" | script -qec \"$RATIONALE session start 'Drop cancelled orders'\" /dev/null"
        var env = repo.environment
        env["PROBLEM"] = Self.problem
        env["RATIONALE"] = rationaleBinary
        let run = try runProcess("/bin/sh", ["-c", command], cwd: repo.path, env: env)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("Problem, in your words: what is wrong"), "\(run.stdout)")
        let folder = try #require(sessionFolders(repo).first)
        let summary = try #require(repo.read(".project/sessions/\(folder)/SUMMARY.md"))
        #expect(summary.contains(Self.problem))
        #expect(summary.split(separator: "\n").first?.contains(" problem=") == true)
        // Not a terminal: nothing is asked, the placeholder stays for the author.
        let other = try editedShop()
        let piped = try rationale(["session", "start", "Drop cancelled orders"], in: other)
        #expect(piped.status == 0)
        #expect(!piped.stdout.contains("Problem, in your words:"))
        #expect(piped.stdout.contains("next: write `Problem, in my words` in SUMMARY.md yourself"))
    }

    @Test func aRevisedProblemShowsInStatusAndBesideTheFirstInTheNarrative() throws {
        let repo = try editedShop()
        _ = try rationale(["session", "start", "Drop cancelled orders", "--problem", Self.problem], in: repo)
        let folder = try #require(sessionFolders(repo).first)
        try fillSession(repo, folder, loaded: ["stg_orders"])
        let path = ".project/sessions/\(folder)/SUMMARY.md"
        // fillSession writes its own statement: put the recorded one back, as the author had it.
        let filled = try #require(repo.read(path))
        repo.write(
            path, filled.replacingOccurrences(of: "Orders count cancelled orders as revenue because the staging model keeps every status.", with: Self.problem))
        repo.stage(".")
        _ = try repo.commit("Drop cancelled orders")
        let unchanged = try rationale(["session", "status"], in: repo)
        #expect(!unchanged.stdout.contains("problem_revised"), "\(unchanged.stdout)")

        let revised = "Revenue counts cancelled and voided orders since stg_orders keeps every status; May is 3 % high."
        let text = try #require(repo.read(path))
        repo.write(path, text.replacingOccurrences(of: Self.problem, with: revised))
        _ = try repo.commit("Revise the problem")
        let status = try rationale(["session", "status"], in: repo)
        #expect(status.status == 0, "a revision is allowed: \(status.stdout)")
        #expect(status.stdout.contains("warning: the problem statement was revised after the work began"), "\(status.stdout)")
        #expect(status.stdout.contains("[problem_revised]"))

        let narrative = try rationale(["narrate", "--base", "main"], in: repo)
        #expect(narrative.status == 0, "\(narrative.stderr)")
        #expect(narrative.stdout.contains("**As first stated:** \(Self.problem)"), "\(narrative.stdout)")
        #expect(narrative.stdout.contains("**Revised after the work began:** \(revised)"))
    }
}

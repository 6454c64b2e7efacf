import Foundation
import Testing
import _TestSupport

/// Every line a run printed, split where a terminal or GitHub's runner splits (LF and CR).
func printedLines(_ run: (status: Int32, stdout: String, stderr: String)) -> [String] {
    (run.stdout + "\n" + run.stderr).split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }.map(String.init)
}

/// The lines GitHub's runner would take for a workflow command, other than our own annotations:
/// `::` after leading blanks (any command), or the legacy `##[` anywhere. (The runner reads a
/// line as `::command` first, so an annotation of ours is that annotation whatever its message.)
func foreignWorkflowCommands(_ run: (status: Int32, stdout: String, stderr: String)) -> [String] {
    printedLines(run).filter { line in
        let trimmed = line.drop { $0.isWhitespace }
        let ours = ["::error ", "::warning ", "::notice "].contains { trimmed.hasPrefix($0) }
            && trimmed.range(of: #"^::[a-z]+ (file=[^:,]*,)?(line=[0-9]+,)?title=rationale [a-z_ ]+::"#, options: .regularExpression) != nil
        if ours { return false }
        return trimmed.hasPrefix("::") || line.contains("##[")
    }
}

@Suite("Printed repository and forge text cannot steer the CI runner or the terminal")
struct OutputSafetyTests {
    /// A model whose file name holds a line break and a workflow command, and one holding the
    /// legacy `##[` form, changed on `feature` without a session: the gate names both.
    func hostileRepository() throws -> ScratchRepository {
        let repo = try narrativeRepository(session: false)
        repo.write("dbt/models/marts/evil\n::add-mask::hunter2.sql", "select 1 as id\n")
        repo.write("dbt/models/marts/legacy ##[add-mask]hunter3.sql", "select 2 as id\n")
        _ = try repo.commit("hostile names")
        return repo
    }

    @Test func aFileNameWithALineBreakCannotStartAWorkflowCommandInTheGatesOutput() throws {
        let repo = try hostileRepository()
        repo.write("event.json", #"{"pull_request": {"number": 7, "body": null}}"#)
        let run = try rationale(["gate", "--base", "main"], in: repo, extra: [
            "GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": repo.absolute("event.json"),
        ])
        #expect(run.status == 1, "\(run.stderr)")
        // The findings are there, each on one line, the break written as the runner's %0A.
        #expect(run.stdout.contains("modifies model `evil%0A::add-mask::hunter2`"))
        #expect(run.stdout.contains("::error file=dbt/models/marts/evil%0A%3A%3Aadd-mask%3A%3Ahunter2.sql,title=rationale session_required::"))
        #expect(foreignWorkflowCommands(run) == [])
    }

    @Test func theSameNamesStayInertInCheckOutsideAndInsideActions() throws {
        let repo = try hostileRepository()
        repo.write("dbt/models/marts/evil\n::add-mask::hunter2.sql", "select 3 as id\n")
        repo.stage("dbt/models/marts/evil\n::add-mask::hunter2.sql")
        for env in [[:], ["GITHUB_ACTIONS": "true"]] {
            let run = try rationale(["check"], in: repo, extra: env)
            #expect(run.status == 1, "\(run.stderr)")
            #expect(run.stdout.contains("evil%0A::add-mask::hunter2"))
            #expect(foreignWorkflowCommands(run) == [])
        }
    }
}

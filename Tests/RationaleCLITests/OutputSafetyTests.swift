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
        let ours =
            ["::error ", "::warning ", "::notice "].contains { trimmed.hasPrefix($0) }
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
        let run = try rationale(
            ["gate", "--base", "main"], in: repo,
            extra: [
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

    @Test func aForgeEchoingTheTokenWithTerminalEscapesGetsNeitherPrinted() throws {
        let message = "Validation failed: test-token is not allowed \u{1B}]0;owned\u{07}\u{1B}[2J\u{9B}31m here"
        let forge = try FakeForge(seed: ["fail_next": [["method": "POST", "path_regex": "/comments$", "status": 422, "message": message]]])
        try forge.write("event.json", #"{"number": 7, "pull_request": {"number": 7, "body": "", "head": {"repo": {"full_name": "octo/shop"}}}}"#)
        try forge.write("narrative.md", "N\n")
        let env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": forge.root,
            "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "octo/shop", "GITHUB_API_URL": forge.gitHubAPI,
            "GITHUB_TOKEN": "test-token", "GITHUB_EVENT_PATH": forge.root + "/event.json",
        ]
        let run = try rationale(["publish", "--github", "--file", "narrative.md"], in: forge.root, env: env)
        #expect(run.status == 2)
        #expect(
            run.stderr.contains(
                "POST /repos/octo/shop/issues/7/comments answered 422: Validation failed: *** is not allowed \\x1B]0;owned\\x07\\x1B[2J\\x9B31m here"))
        #expect(!(run.stdout + run.stderr).contains("test-token"))
        #expect(!(run.stdout + run.stderr).unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
    }

    @Test func sessionTitlesAndLoopTextReachTheTerminalWithoutTheirEscapes() throws {
        let repo = try shopRepository()
        let folder = ".project/sessions/2026-11-20-evil"
        repo.write(
            "\(folder)/SUMMARY.md",
            """
            <!-- rationale:session title="Clear \u{1B}[2J\u{1B}]0;owned\u{07} \u{202E}txt.exe" kind=refactor started=2026-11-20 status=open -->
            # Evil

            """)
        repo.write("\(folder)/LOOPS.md", "# Loops\n\n## Loops\n- L-1 (open) Why is this \u{1B}[31mred\u{1B}[0m and \r hidden?\n")
        for arguments in [["session", "list"], ["loops", "list", "--session", "2026-11-20-evil"]] {
            let run = try rationale(arguments, in: repo)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            #expect(!run.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(arguments): \(run.stdout.debugDescription)")
            #expect(!run.stdout.unicodeScalars.contains { $0.value == 0x202E })
        }
        let loops = try rationale(["loops", "list", "--session", "2026-11-20-evil"], in: repo)
        // A lone CR ends a line in Markdown (CommonMark; Sessions' TextLines): the loop text stops
        // there, and no raw control character reaches the terminal.
        #expect(loops.stdout.contains("Why is this \\x1B[31mred\\x1B[0m and"))
        let sessions = try rationale(["session", "list"], in: repo)
        #expect(sessions.stdout.contains("Clear \\x1B[2J\\x1B]0;owned\\x07 \\u{202E}txt.exe"))
    }
}

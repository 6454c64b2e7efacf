import Foundation
import Testing
import _TestSupport

/// Whatever a user passes, a message repeats at most 200 characters of it; and a file that is
/// not text says why.
@Suite("echoed input and binary files, end to end")
struct EchoedInputTests {
    static let huge = String(repeating: "a1", count: 50_000)

    /// `HUGE` in the arguments stands for a 100,000-character argument (kept out of the test's name).
    @Test(arguments: [
        (["impact", "--base", "HUGE"], Int32(2), "Unknown revision 'a1a1"),
        (["narrate", "--base", "main", "--head", "HUGE"], Int32(2), "Unknown revision 'a1a1"),
        (["session", "status", "--session", "HUGE"], Int32(2), "no session `a1a1"),
        (["context", "--expand", "HUGE"], Int32(2), "--expand a1a1"),
        (["impact", "--format", "HUGE"], Int32(64), "The value 'a1a1"),
    ])
    func aHundredKilobyteArgumentIsEchoedShortened(_ arguments: [String], _ status: Int32, _ opening: String) throws {
        let repo = try shopRepository()
        repo.write("dbt/models/staging/stg_orders.sql", "select 2\n")
        let run = try rationale(arguments.map { $0 == "HUGE" ? Self.huge : $0 }, in: repo)
        #expect(run.status == status, "\(run.stderr.prefix(300))")
        #expect(run.stderr.contains(opening), "\(run.stderr.prefix(300))")
        #expect(run.stderr.contains("… (1000"), "\(run.stderr.prefix(600))")
        #expect(run.stderr.utf8.count < 2_000, "\(run.stderr.utf8.count) bytes of error")
    }

    @Test func aLineBreakInAnEchoedArgumentCannotForgeALine() throws {
        let repo = try shopRepository()
        let run = try rationale(["impact", "--base", "nope\nrationale: passed"], in: repo)
        #expect(run.status == 2)
        #expect(run.stderr.contains("Unknown revision 'nope\\nrationale: passed'"), "\(run.stderr)")
    }

    @Test func sessionAndConfigurationFilesWithNULBytesSaySoAndWhere() throws {
        let repo = try shopRepository()
        #expect(try rationale(["session", "start", "Binary"], in: repo).status == 0)
        let folder = try #require(sessionFolders(repo).first)
        let summary = ".project/sessions/\(folder)/SUMMARY.md"
        repo.write(summary, bytes: Array((repo.read(summary) ?? "").utf8) + [0, 0, 65])
        let status = try rationale(["session", "status"], in: repo)
        #expect(status.status == 2)
        #expect(status.stderr.contains("\(summary):"), "\(status.stderr)")
        #expect(status.stderr.contains("holds a NUL byte, so it is not a text file"))
        #expect(!status.stderr.contains("not UTF-8"))

        repo.write(".rationale.yml", bytes: Array("budget: 10\nadapter: duck".utf8) + [0] + Array("db\n".utf8))
        let config = try rationale(["session", "list"], in: repo)
        #expect(config.status == 2)
        #expect(config.stderr.contains(".rationale.yml:2: holds a NUL byte"), "\(config.stderr)")

        repo.remove(".rationale.yml")
        repo.write("answers.txt", bytes: [0xFF, 0xFE, 0x4C, 0x00])
        let utf16 = try rationale(["loops", "import", "answers.txt"], in: repo)
        #expect(utf16.status == 2)
        #expect(utf16.stderr.contains("answers.txt:1: holds a NUL byte"), "\(utf16.stderr)")
    }
}

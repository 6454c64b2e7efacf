import Foundation
import Testing
import _TestSupport
@testable import RationaleCLI
@testable import Workflow

/// `session close` writes three files; killed after any of them, running it again finishes the
/// close, and the temporary files a kill leaves are cleared.
@Suite("session close, interrupted and run again")
struct SessionCloseTests {
    struct Killed: Error {}

    /// A filled-in, staged session on the shop's feature branch, ready to close.
    func readyToClose() throws -> (repo: ScratchRepository, folder: String) {
        try filledShopSession()
    }

    /// The id of a process that has exited.
    func deadProcess() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["true"]
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test(arguments: [0, 1, 2])
    func killedAfterAnyWriteTheCloseFinishesWhenRunAgain(_ killedAfter: Int) throws {
        let (repo, folder) = try readyToClose()
        let summary = ".project/sessions/\(folder)/SUMMARY.md"
        var count = 0
        #expect(throws: Killed.self) {
            _ = try SessionFrontend.close(try Workspace.open(repo.path), session: nil, date: "2026-11-28") { _ in
                if count == killedAfter { throw Killed() }
                count += 1
            }
        }
        let dead = try deadProcess()
        repo.write(".project/sessions/\(folder)/.SUMMARY.md.rationale-\(dead)-7.tmp", "half a file")
        repo.write(".project/.STATE.md.rationale-\(dead)-8.tmp", "half a file")
        if killedAfter < 2 {
            // SUMMARY.md is written last: until then the session is open, and a plain close finishes it.
            #expect(repo.read(summary)?.contains("status=open") == true)
            let again = try rationale(["session", "close"], in: repo)
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        } else {
            #expect(repo.read(summary)?.contains("status=closed") == true)
        }
        #expect(repo.read(summary)?.contains("status=closed closed=") == true)
        #expect(repo.read(".project/sessions/\(folder)/BOOTLOADER.md")?.contains("Drop cancelled orders") == true)
        #expect(repo.read(".project/STATE.md")?.contains("`.project/sessions/\(folder)`, closed") == true, "\(repo.read(".project/STATE.md") ?? "")")
        let leftovers =
            try FileManager.default.contentsOfDirectory(atPath: repo.absolute(".project/sessions/\(folder)")).filter { $0.hasSuffix(".tmp") }
            + FileManager.default.contentsOfDirectory(atPath: repo.absolute(".project")).filter { $0.hasSuffix(".tmp") }
        #expect(killedAfter == 2 || leftovers.isEmpty, "\(leftovers)")
    }

    @Test func aCloseInterruptedByAnOlderVersionIsFinishedByNamingTheSession() throws {
        let (repo, folder) = try readyToClose()
        // What an older version left when killed: SUMMARY.md closed, STATE.md still saying open.
        let summary = ".project/sessions/\(folder)/SUMMARY.md"
        repo.write(summary, try #require(repo.read(summary)).replacingOccurrences(of: "status=open", with: "status=closed closed=2026-11-28"))
        let plain = try rationale(["session", "close"], in: repo)
        #expect(plain.status == 2)
        #expect(plain.stderr.contains("to finish a close that was interrupted"))
        let named = try rationale(["session", "close", "--session", folder], in: repo)
        #expect(named.status == 0, "\(named.stdout)\(named.stderr)")
        #expect(repo.read(".project/STATE.md")?.contains("`.project/sessions/\(folder)`, closed") == true)
    }
}

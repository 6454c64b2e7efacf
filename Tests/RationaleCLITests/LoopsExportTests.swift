import Foundation
import Testing
import _TestSupport
@testable import RationaleCLI
@testable import Workflow

/// `loops export` marks loops `exported` in LOOPS.md and writes a file: killed at any point, no
/// file holds loops that LOOPS.md does not mark, and running it again completes the export.
@Suite("loops export: order of the writes and size")
struct LoopsExportTests {
    struct Killed: Error {}

    /// A repository with one open session whose LOOPS.md holds `count` approved loops.
    func session(loops count: Int) throws -> (repo: ScratchRepository, loops: String) {
        let repo = ScratchRepository()
        repo.write("README.md", "notes\n")
        _ = try repo.commit("base")
        let start = try rationale(["session", "start", "Many loops"], in: repo)
        #expect(start.status == 0, "\(start.stderr)")
        let folder = try #require(sessionFolders(repo).first)
        let path = ".project/sessions/\(folder)/LOOPS.md"
        let lines = (1...count).map { "- L-\($0) (approved) Question \($0) about orders? [model: orders] [approved-by: Ada]" }
        repo.write(path, (repo.read(path) ?? "") + lines.joined(separator: "\n") + "\n")
        return (repo, path)
    }

    @Test func killedAfterMarkingLeavesNoFileAndARunAgainWritesIt() throws {
        let (repo, loops) = try session(loops: 3)
        let workspace = try Workspace.open(repo.path)
        var staged = false
        #expect(throws: Killed.self) {
            try GTDFrontend.export(
                workspace, format: .todotxt, session: nil, all: false, mark: true, date: "2026-11-28",
                stage: { _ in staged = true }, publish: { throw Killed() })
        }
        // The text was staged before anything was marked; the marks are done; no file was published.
        #expect(staged)
        #expect(repo.read(loops)?.contains("(approved)") == false)
        #expect(repo.read(loops)?.components(separatedBy: "(exported)").count == 4)

        // Marked loops are still exported: the run again writes every one of them.
        var published: String?
        var text = ""
        let done = try GTDFrontend.export(
            workspace, format: .todotxt, session: nil, all: false, mark: true, date: "2026-11-28",
            stage: { text = $0 }, publish: { published = text })
        #expect(done.items.map(\.loop.id) == ["L-1", "L-2", "L-3"])
        #expect(published?.contains("loop:L-3") == true)
    }

    @Test func aFileThatCannotBeStagedMarksNothing() throws {
        let (repo, loops) = try session(loops: 2)
        let before = repo.read(loops)
        let run = try rationale(["loops", "export", "--format", "json", "--output", repo.root + "/missing/folder/loops.json"], in: repo)
        #expect(run.status == 2)
        #expect(run.stderr.contains("cannot write"), "\(run.stderr)")
        #expect(repo.read(loops) == before)
    }

    @Test(.timeLimit(.minutes(3)))
    func fourThousandLoopsExportAndMarkInOneRun() throws {
        let (repo, loops) = try session(loops: 4_000)
        let run = try rationale(["loops", "export", "--format", "ticktick", "--output", "loops.csv"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("wrote 4000 loops to loops.csv"))
        let csv = try #require(repo.read("loops.csv"))
        #expect(csv.contains("\"L-1 Question 1 about orders?\""))
        #expect(csv.contains("\"L-4000 Question 4000 about orders?\""))
        let marked = try #require(repo.read(loops))
        #expect(!marked.contains("(approved)"))
        #expect(marked.components(separatedBy: "(exported)").count == 4_001)
        // Nothing left behind beside the export or LOOPS.md.
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.path).filter { $0.hasSuffix(".tmp") }.isEmpty)
    }
}

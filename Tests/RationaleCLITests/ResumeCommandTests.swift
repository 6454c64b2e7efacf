import Foundation
import Testing
import _TestSupport

/// `session resume`, `session prompt`, `agents` and `templates export` on the demo's repository.
@Suite("the agents' door: resume, prompt, AGENTS.md, templates export")
struct ResumeCommandTests {
    /// The demo's repository (simulated data steps): one closed session with a handoff.
    func demo(_ scratch: ScratchRepository) throws -> String {
        let folder = scratch.root + "/sample"
        let run = try rationale(["demo", "--into", folder, "--no-dbt"], in: scratch.root, env: scratch.environment)
        #expect(run.status == 0, "\(run.stderr)")
        return folder
    }

    func read(_ folder: String, _ path: String) -> String {
        (try? String(contentsOfFile: folder + "/" + path, encoding: .utf8)) ?? ""
    }

    @Test func resumeCarriesTheProblemLoopsAttemptsAndNextStepsWithAPackWithinBudget() throws {
        let scratch = ScratchRepository()
        let folder = try demo(scratch)
        let run = try rationale(["session", "resume", "--budget", "3000"], in: folder, env: scratch.environment)
        #expect(run.status == 0, "\(run.stderr)")
        let sessions = try FileManager.default.contentsOfDirectory(atPath: folder + "/.project/sessions").sorted()
        #expect(sessions.count == 2)
        let new = ".project/sessions/" + sessions[1]
        #expect(run.stderr.contains("resumed .project/sessions/\(sessions[0])/ as \(new)/"), "\(run.stderr)")
        // The problem, in the author's words, carried as written and recorded.
        let summary = read(folder, new + "/SUMMARY.md")
        #expect(summary.contains("Payment amounts drop their half cents (cents_to_dollars floors them)"))
        #expect(summary.contains("Carried from `\(sessions[0])` (still true? edit or delete):\n\nHistorical snapshots are not rebuilt"))
        #expect(read(folder, new + "/LOOPS.md").contains("L-1 (open) Does the revenue dashboard need a note about rounding?"))
        #expect(read(folder, new + "/ATTEMPTS.md").contains("A-1 (failed) round in the marts instead of the macro"))
        #expect(read(folder, new + "/ATTEMPTS.md").contains("[from: \(sessions[0])]"))
        let task = read(folder, new + "/TASK.md")
        #expect(task.contains("## Next steps, from the handoff\n\n- [ ] Compare daily revenue with the provider's report for last month."))
        #expect(!task.contains("[[fill:"), "only steps the author can act on are carried: \(task)")
        // The restart: the handoff (with the problem, the exclusions, the progress), then the pack.
        #expect(run.stdout.hasPrefix("≈"))
        for heading in ["## The problem, in the author's words", "## Task progress", "## Kept out of scope", "## Attempts", "## Load first"] {
            #expect(run.stdout.contains(heading), "\(heading)")
        }
        #expect(run.stdout.contains("- Transformation: Rounding in `cents_to_dollars`"), "a step's heading goes with its line")
        #expect(run.stdout.contains("cents_to_dollars"))
        let pack = try #require(run.stdout.components(separatedBy: "\n---\n").last)
        #expect(pack.contains("stg_payments"))
        let figures = try #require(run.stderr.firstMatch(of: /(\d+) of 3000 tokens/))
        #expect(Int(figures.1)! <= 3000)
        #expect(
            read(folder, new + "/CONTEXT.md").contains("<!-- rationale:context-pack:begin -->")
                || read(folder, new + "/CONTEXT.md").contains("Budget: 3000 tokens"))
        let restart = try #require(run.stderr.firstMatch(of: /restart: ≈(\d+) tokens \(handoff and pack\) instead of ≈(\d+)/))
        #expect(Int(restart.1)! < Int(restart.2)!, "the restart is smaller than the previous session's files")
        // A session is open now: resume refuses and writes nothing.
        let again = try rationale(["session", "resume"], in: folder, env: scratch.environment)
        #expect(again.status == 2)
        #expect(again.stderr.contains("\(new) is still open: resume starts from a handoff"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/.project/sessions").count == 2)
    }

    @Test func resumeWithoutAHandoffIsRefused() throws {
        let repo = ScratchRepository()
        repo.write("README.md", "x\n")
        _ = try repo.commit("first")
        let run = try rationale(["session", "resume"], in: repo)
        #expect(run.status == 2)
        #expect(run.stderr.contains("no closed session with a handoff in .project/sessions/"), "\(run.stderr)")
    }

    @Test func promptHoldsTheProtocolTheSessionAndAPack() throws {
        let scratch = ScratchRepository()
        let folder = try demo(scratch)
        _ = try rationale(["session", "resume"], in: folder, env: scratch.environment)
        let run = try rationale(["session", "prompt", "--budget", "4000"], in: folder, env: scratch.environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("## Working with rationale (for agents)"))
        #expect(run.stdout.contains("**You may not:** approve, close or choose an option of a loop"))
        #expect(run.stdout.contains("## The problem, in the author's words\n\nPayment amounts drop their half cents"))
        #expect(run.stdout.contains("- L-1 (open) Does the revenue dashboard need a note about rounding?"))
        #expect(run.stdout.contains("stg_payments"))
        let bare = try rationale(["session", "prompt", "--no-pack"], in: folder, env: scratch.environment)
        #expect(bare.status == 0 && bare.stdout.count < run.stdout.count)
    }

    @Test func agentsWritesItsBlockAndNeverTouchesTheUsersLines() throws {
        let repo = ScratchRepository()
        repo.write("README.md", "x\n")
        _ = try repo.commit("first")
        let created = try rationale(["agents"], in: repo)
        #expect(created.status == 0 && created.stdout.contains("created AGENTS.md"), "\(created.stderr)")
        let first = try #require(repo.read("AGENTS.md"))
        #expect(first.hasPrefix("<!-- rationale:agents:begin -->\n## Working with rationale (for agents)"))
        let again = try rationale(["agents"], in: repo)
        #expect(again.stdout.contains("already current; nothing written") && repo.read("AGENTS.md") == first)
        // The user's own lines, before and after the block, stay byte for byte.
        let mine = "# Our agents\r\nUse 4 spaces.\r\n\r\n"
        let after = "\nMore of mine.\n"
        let stale = first.replacingOccurrences(of: "## Working with rationale (for agents)", with: "## An older protocol")
        repo.write("AGENTS.md", mine + stale + after)
        let updated = try rationale(["agents"], in: repo)
        #expect(updated.stdout.contains("updated between its markers"))
        let text = try #require(repo.read("AGENTS.md"))
        #expect(text.hasPrefix(mine) && text.hasSuffix(after) && text.contains("## Working with rationale (for agents)"))
        #expect(!text.contains("An older protocol"))
        // A byte order mark an editor put before the first marker: still rationale's block.
        repo.write("AGENTS.md", "\u{FEFF}" + first)
        let marked = try rationale(["agents"], in: repo)
        #expect(marked.status == 0 && marked.stdout.contains("already current"), "\(marked.stdout)\(marked.stderr)")
        repo.write("AGENTS.md", mine + stale + after)
        // A file without the block gets it at the end.
        repo.write("CLAUDE.md", "Be brief.\n")
        let added = try rationale(["agents", "--file", "CLAUDE.md"], in: repo)
        #expect(added.stdout.contains("added at the end"))
        #expect(try #require(repo.read("CLAUDE.md")).hasPrefix("Be brief.\n\n<!-- rationale:agents:begin -->"))
        // A lone marker: refused, nothing written.
        repo.write("AGENTS.md", "mine\n<!-- rationale:agents:begin -->\nhalf\n")
        let broken = try rationale(["agents"], in: repo)
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("AGENTS.md:2: rationale's markers"), "\(broken.stderr)")
        #expect(repo.read("AGENTS.md") == "mine\n<!-- rationale:agents:begin -->\nhalf\n")
        // Outside the repository, or through a link: refused.
        let outside = try rationale(["agents", "--file", "../AGENTS.md"], in: repo)
        #expect(outside.status == 2 && outside.stderr.contains("is not a path inside the repository"))
        try FileManager.default.removeItem(atPath: repo.path + "/CLAUDE.md")
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/CLAUDE.md", withDestinationPath: repo.root + "/elsewhere.md")
        let linked = try rationale(["agents", "--file", "CLAUDE.md"], in: repo)
        #expect(linked.status == 2 && !FileManager.default.fileExists(atPath: repo.root + "/elsewhere.md"), "\(linked.stderr)")
        let printed = try rationale(["agents", "--print"], in: repo)
        #expect(printed.stdout.hasPrefix("<!-- rationale:agents:begin -->") && printed.stdout.hasSuffix("<!-- rationale:agents:end -->\n"))
    }

    @Test func templatesExportAsPlainMarkdownAnywhere() throws {
        let scratch = ScratchRepository()
        let target = scratch.root + "/exported"
        // Outside a repository: the built-in templates.
        let run = try rationale(["templates", "export", target], in: scratch.root, env: scratch.environment)
        #expect(run.status == 0, "\(run.stderr)")
        let files = try #require(FileManager.default.subpaths(atPath: target)).filter { $0.hasSuffix(".md") }.sorted()
        for expected in [
            "AGENTS.md", "BOOTLOADER.md", "README.md", "STATE.md", "session/ATTEMPTS.md", "session/CONTEXT.md", "session/LOOPS.md",
            "session/SUMMARY.md", "session/TASK-refactor.md", "session/TASK-test-failure.md",
        ] {
            #expect(files.contains(expected), "\(expected) in \(files)")
        }
        for file in files {
            let text = read(target, file)
            #expect(!text.contains("{{"), "\(file) holds Mustache")
            #expect(!text.isEmpty)
        }
        #expect(read(target, "session/SUMMARY.md").contains("## Problem, in my words"))
        let again = try rationale(["templates", "export", target], in: scratch.root, env: scratch.environment)
        #expect(again.status == 2 && again.stderr.contains("is not an empty folder"))
    }
}

import Foundation
import Testing
import _TestSupport

@Suite("rationale demo, end to end")
struct DemoCommandTests {
    @Test func theDemoWalksTheWholeLoop() throws {
        let scratch = ScratchRepository()
        let folder = scratch.root + "/sample"
        // The simulated data steps (the real ones, with dbt-duckdb: Tests/prove/run_demo.py).
        let run = try rationale(["demo", "--into", folder, "--no-dbt"], in: scratch.root, env: scratch.environment)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let out = run.stdout
        func position(_ text: String) throws -> String.Index {
            try #require(out.range(of: text), "missing: \(text)").lowerBound
        }
        // The steps, in order, each with its outcome.
        let install = try position("$ rationale install\ninstalled pre-commit: .git/hooks/pre-commit")
        let impact = try position("$ rationale impact\ndbt project sample_shop: staged changes")
        let refused = try position("but no session explains it")
        let refusedExit = try position("(exit 1)")
        let start = try position("$ rationale session start \"Round payments to cents\" --kind refactor --problem")
        let complete = try position("complete: every required section filled")
        let accepted = try position("rationale check: passed — 1 modified model explained by .project/sessions/")
        let closed = try position("$ rationale session close\nclosed .project/sessions/")
        let narrative = try position("## Round payments to cents")
        let gateRefused = try position("[pr_todo]")
        let gatePassed = try position("rationale gate: passed — 1 modified model explained by")
        let dataFailed = try position("error: test `unique_stg_payments_payment_id` on `stg_payments` failed (2 failing rows)")
        let dataPassed = try #require(out.range(of: "rationale gate: passed", options: .backwards)).lowerBound
        let steps = [install, impact, refused, refusedExit, start, complete, accepted, closed, narrative, gateRefused, gatePassed, dataFailed, dataPassed]
        #expect(steps == steps.sorted())
        #expect(out.contains("--problem \"Payment amounts drop their half cents"), "the session starts with the problem in the author's words")
        #expect(out.hasPrefix("# data steps: simulated (--no-dbt); for real ones: pip install"))
        #expect(out.contains("**Transformation**\nRounding in `cents_to_dollars`"), "the narrative carries the reasoning's steps")
        #expect(out.contains("### What we tried"), "the narrative shows the attempt the demo logged")
        #expect(out.contains("round in the marts instead of the macro"))
        for heading in [
            "### Problem & reasoning", "### What changed", "### Affected lineage", "### Excluded scope",
            "### Proof of correctness", "### Risks & rollout", "### Open loops",
        ] {
            #expect(out.contains(heading))
        }
        #expect(out.contains("The sample repository stays at \(folder)"))
        // What it leaves behind: the branch with its three commits, the handoff, the hooks.
        let log = try scratch.git(in: folder, "log", "--format=%s", "main..round-payments")
        #expect(log == "Close the session\nRound payments to cents")
        let sessions = try FileManager.default.contentsOfDirectory(atPath: folder + "/.project/sessions")
        #expect(sessions.count == 1)
        #expect(FileManager.default.fileExists(atPath: folder + "/.project/sessions/\(sessions[0])/BOOTLOADER.md"))
        #expect(FileManager.default.isExecutableFile(atPath: folder + "/.git/hooks/pre-commit"))
    }

    @Test func aRequestedDbtThatCannotRunTheDataStepsIsRefused() throws {
        let scratch = ScratchRepository()
        let missing = try rationale(["demo", "--into", scratch.root + "/a", "--dbt", "/nonexistent/dbt"], in: scratch.root, env: scratch.environment)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot run the data steps with /nonexistent/dbt: it is not an executable file"), "\(missing.stderr)")
        // A dbt without the duckdb adapter: a script that answers `--version` as dbt-core alone would.
        let fake = scratch.root + "/dbt"
        try "#!/bin/sh\necho 'Core:'\necho '  - installed: 1.11.0'\n".write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        let noAdapter = try rationale(["demo", "--into", scratch.root + "/b", "--dbt", fake], in: scratch.root, env: scratch.environment)
        #expect(noAdapter.status == 2)
        #expect(noAdapter.stderr.contains("`dbt --version` lists no duckdb adapter"), "\(noAdapter.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.root + "/a") && !FileManager.default.fileExists(atPath: scratch.root + "/b"))
        let both = try rationale(["demo", "--dbt", fake, "--no-dbt"], in: scratch.root, env: scratch.environment)
        #expect(both.status != 0 && both.stderr.contains("--dbt and --no-dbt exclude each other"))
    }

    @Test func aFolderThatIsNotEmptyIsRefused() throws {
        let scratch = ScratchRepository()
        let run = try rationale(["demo", "--into", scratch.path, "--no-dbt"], in: scratch.root, env: scratch.environment)
        #expect(run.status == 2)
        #expect(run.stderr.contains("is not empty: the demo never writes over files"))
    }
}

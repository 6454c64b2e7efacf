import Foundation
import Testing
import _TestSupport
@testable import RationaleCLI
@testable import Workflow
import RationaleResources

/// A stand-in for the real `rationale check` (built elsewhere): appends `rationale <arguments>`
/// to `<root>/calls.log` and exits with the number in `<root>/check-status` (0 when absent).
/// Returns its absolute path.
@discardableResult
private func standIn(_ repo: ScratchRepository, at folder: String = "bin") -> String {
    let path = repo.root + "/" + folder + "/rationale"
    let log = HookInstaller.shellQuoted(repo.root + "/calls.log")
    let status = HookInstaller.shellQuoted(repo.root + "/check-status")
    repo.write(
        path,
        """
        #!/bin/sh
        echo "rationale $*" >> \(log)
        if [ -f \(status) ]; then exit "$(cat \(status))"; fi
        exit 0

        """)
    repo.setExecutable(path)
    return path
}

/// A hook that appends its name to `<root>/calls.log` and exits with `status`.
private func foreignHook(_ repo: ScratchRepository, name: String = "legacy pre-commit", status: Int = 0) -> String {
    "#!/bin/sh\necho \(HookInstaller.shellQuoted(name)) >> \(HookInstaller.shellQuoted(repo.root + "/calls.log"))\nexit \(status)\n"
}

/// What the hooks have run so far, one line each.
private func calls(_ repo: ScratchRepository) -> [String] {
    ((try? String(contentsOfFile: repo.root + "/calls.log", encoding: .utf8)) ?? "")
        .split(separator: "\n").map(String.init)
}

/// Runs the built binary with the repository's hermetic environment.
private func run(
    _ arguments: [String], _ repo: ScratchRepository, in directory: String? = nil,
    env: [String: String]? = nil
) throws -> (status: Int32, stdout: String, stderr: String) {
    try rationale(arguments, in: directory ?? repo.path, env: env ?? repo.environment)
}

/// Every file in `folder` with its bytes and permissions (a snapshot to compare).
private func snapshot(_ folder: String) throws -> [String: (bytes: Data, mode: Int)] {
    var files: [String: (bytes: Data, mode: Int)] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
        let path = folder + "/" + name
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
        files[name] = (FileManager.default.contents(atPath: path) ?? Data(), mode)
    }
    return files
}

private func mode(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
}

/// A repository with one commit, so later commits have a parent.
private func committedRepository() throws -> ScratchRepository {
    let repo = ScratchRepository()
    repo.write("README.md", "hello\n")
    try repo.commit("base")
    return repo
}

/// Commits a new file through git itself, hooks and all; returns git's result.
private func commitThroughHooks(
    _ repo: ScratchRepository, in directory: String? = nil, file: String = "change.txt",
    env: [String: String]? = nil
) throws -> (status: Int32, stdout: String, stderr: String) {
    let folder = directory ?? repo.path
    try Data("\(UUID().uuidString)\n".utf8).write(to: URL(fileURLWithPath: folder + "/" + file))
    _ = try repo.git(in: folder, "add", file)
    return try runProcess("/usr/bin/env", ["git", "commit", "--quiet", "-m", "a change"], cwd: folder, env: env ?? repo.environment)
}

@Suite("rationale install / uninstall, end to end")
struct HookInstallTests {
    @Test func installKeepsAnExistingHookRunningFirst() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        repo.write(".git/hooks/pre-commit", foreignHook(repo))
        repo.setExecutable(".git/hooks/pre-commit")

        let install = try run(["install", "--binary", stub], repo)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stdout.contains("installed pre-commit: .git/hooks/pre-commit; the hook that was there is now pre-commit.legacy and runs first"))
        #expect(install.stdout.contains("installed commit-msg: .git/hooks/commit-msg"))
        #expect(repo.read(".git/hooks/pre-commit.legacy") == foreignHook(repo))

        let commit = try commitThroughHooks(repo)
        #expect(commit.status == 0, "\(commit.stderr)")
        let log = calls(repo)
        #expect(log.count == 3)
        #expect(log.first == "legacy pre-commit")
        #expect(log.dropFirst().first == "rationale check")
        #expect(log.last?.hasPrefix("rationale check --commit-msg ") == true)
        #expect(log.last?.hasSuffix("COMMIT_EDITMSG") == true)
    }

    @Test func legacyHookFailureStopsTheCommit() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        repo.write(".git/hooks/pre-commit", foreignHook(repo, status: 3))
        repo.setExecutable(".git/hooks/pre-commit")
        #expect(try run(["install", "--binary", stub], repo).status == 0)
        let head = try repo.git("rev-parse", "HEAD")

        let commit = try commitThroughHooks(repo)
        #expect(commit.status != 0)
        #expect(calls(repo) == ["legacy pre-commit"], "rationale check must not run after the legacy hook failed")
        #expect(try repo.git("rev-parse", "HEAD") == head)
    }

    @Test func checkFailureStopsTheCommitAndNoVerifySkipsIt() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        repo.write(repo.root + "/check-status", "1\n")
        #expect(try run(["install", "--binary", stub], repo).status == 0)
        let head = try repo.git("rev-parse", "HEAD")
        #expect(try commitThroughHooks(repo).status != 0)
        #expect(try repo.git("rev-parse", "HEAD") == head)
        _ = try repo.git("commit", "--quiet", "--no-verify", "-m", "skipped")
        #expect(try repo.git("rev-parse", "HEAD") != head)
    }

    @Test func repositoryLocalHooksPathIsHonoured() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        try repo.git("config", "core.hooksPath", ".githooks")
        let install = try run(["install", "--binary", stub], repo)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stdout.contains("installed pre-commit: .githooks/pre-commit"))
        #expect(install.stdout.contains("note: .githooks is inside the working tree"))
        #expect(FileManager.default.isExecutableFile(atPath: repo.path + "/.githooks/pre-commit"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit"))
        #expect(try commitThroughHooks(repo).status == 0)
        #expect(calls(repo).first == "rationale check")
    }

    @Test func hooksPathOutsideTheRepositoryIsRefusedWithoutForce() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        let shared = repo.root + "/shared-hooks"
        try repo.git("config", "core.hooksPath", shared)

        let refused = try run(["install", "--binary", stub], repo)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("outside this repository"))
        #expect(refused.stderr.contains("every repository"))
        #expect(refused.stderr.contains("--force"))
        #expect(refused.stderr.contains("git config --local --unset core.hooksPath"))
        #expect(!FileManager.default.fileExists(atPath: shared))

        let forced = try run(["install", "--binary", stub, "--force"], repo)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(FileManager.default.isExecutableFile(atPath: shared + "/pre-commit"))
    }

    @Test func globalHooksPathIsRefusedAndNamedGlobal() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        // libgit2 reads the global config from $HOME, which is the scratch folder here.
        repo.write(repo.root + "/.gitconfig", "[core]\n\thooksPath = ~/.githooks\n")
        let refused = try run(["install", "--binary", stub], repo)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("from the global git config"))
        #expect(refused.stderr.contains("git config --global --unset core.hooksPath"))
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/.githooks"))

        let doctor = try run(["doctor"], repo)
        #expect(doctor.status == 1)
        #expect(
            doctor.stdout.contains(
                "problem  hooks folder: \(repo.root)/.githooks (core.hooksPath = ~/.githooks, from the global git config) lies outside this repository"))
        // The per-hook fix does not send the user to an install that is refused.
        #expect(doctor.stdout.contains("fix: first fix the hooks folder (above), then run `rationale install`"))
    }

    @Test func huskyFolderIsRefusedWithASnippet() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        try repo.git("config", "core.hooksPath", ".husky/_")
        let refused = try run(["install", "--binary", stub], repo)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("husky"))
        #expect(refused.stderr.contains("echo 'rationale check' >> .husky/pre-commit"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.husky/_/pre-commit"))

        let doctor = try run(["doctor"], repo)
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("pre-commit: husky does not run rationale"))
        repo.write(".husky/pre-commit", "rationale check\n")
        repo.write(".husky/commit-msg", "rationale check --commit-msg \"$1\"\n")
        let notInstalled = try run(["doctor"], repo)
        #expect(
            notInstalled.stdout.contains("problem  pre-commit: husky's configuration mentions rationale, but no pre-commit hook is installed"),
            "\(notInstalled.stdout)")
        // What husky's prepare script writes into .husky/_.
        for hook in HookInstaller.hookNames {
            repo.write(".husky/_/" + hook, ". \"$(dirname \"$0\")/h\"\n")
            repo.setExecutable(".husky/_/" + hook)
        }
        let configured = try run(["doctor"], repo)
        #expect(configured.stdout.contains("ok       pre-commit: run by husky, whose configuration mentions rationale"), "\(configured.stdout)")
        #expect(configured.stdout.contains("ok       commit-msg: run by husky"))
    }

    @Test func linkedWorktreeInstallsIntoTheCommonDirectory() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        let worktree = repo.root + "/wt"
        try repo.git("worktree", "add", "--quiet", "-b", "feature", worktree)

        let install = try run(["install", "--binary", stub], repo, in: worktree)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(FileManager.default.isExecutableFile(atPath: repo.path + "/.git/hooks/pre-commit"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/worktrees/wt/hooks"))

        let commit = try commitThroughHooks(repo, in: worktree)
        #expect(commit.status == 0, "\(commit.stderr)")
        #expect(calls(repo).first == "rationale check")
        #expect(calls(repo).count == 2)

        let doctor = try run(["doctor", "-C", worktree], repo, in: repo.root)
        #expect(doctor.stdout.contains("a linked worktree of \(repo.path)/.git"))
    }

    @Test func installingTwiceChangesNothing() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        repo.write(".git/hooks/pre-commit", foreignHook(repo))
        repo.setExecutable(".git/hooks/pre-commit")
        #expect(try run(["install", "--binary", stub], repo).status == 0)
        let hooks = repo.path + "/.git/hooks"
        let first = try snapshot(hooks)

        let again = try run(["install", "--binary", stub], repo)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("unchanged pre-commit: .git/hooks/pre-commit (already installed); pre-commit.legacy runs first"))
        let second = try snapshot(hooks)
        #expect(Set(first.keys) == Set(second.keys))
        for (name, file) in first {
            #expect(second[name]?.bytes == file.bytes, "\(name) changed")
            #expect(second[name]?.mode == file.mode, "\(name) changed mode")
        }

        // Only the binary moved: ours is rewritten, the chained hook stays where it is.
        let moved = standIn(repo, at: "elsewhere")
        let update = try run(["install", "--binary", moved], repo)
        #expect(update.status == 0, "\(update.stderr)")
        #expect(update.stdout.contains("updated pre-commit"))
        #expect(repo.read(".git/hooks/pre-commit")?.contains(HookInstaller.shellQuoted(moved)) == true)
        #expect(repo.read(".git/hooks/pre-commit.legacy") == foreignHook(repo))
        #expect(!FileManager.default.fileExists(atPath: hooks + "/pre-commit.legacy.legacy"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: hooks).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test func uninstallRestoresTheOriginalHookByteForByte() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        // Odd bytes (CRLF, no trailing newline, non-ASCII) and an unusual mode must come back as they were.
        let original = Array("#!/bin/sh\r\n# café ✓\r\nexit 0".utf8)
        repo.write(".git/hooks/pre-commit", bytes: original)
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: repo.path + "/.git/hooks/pre-commit")
        #expect(try run(["install", "--binary", stub], repo).status == 0)
        #expect(try mode(repo.path + "/.git/hooks/pre-commit") == 0o755)

        let uninstall = try run(["uninstall"], repo)
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        #expect(uninstall.stdout.contains("removed pre-commit: .git/hooks/pre-commit; put back the hook that was there before"))
        #expect(uninstall.stdout.contains("removed commit-msg: .git/hooks/commit-msg"))
        let restored = try #require(FileManager.default.contents(atPath: repo.path + "/.git/hooks/pre-commit"))
        #expect(Array(restored) == original)
        #expect(try mode(repo.path + "/.git/hooks/pre-commit") == 0o750)
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit.legacy"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/commit-msg"))

        let again = try run(["uninstall"], repo)
        #expect(again.status == 0)
        #expect(again.stdout.contains("left pre-commit alone: .git/hooks/pre-commit is not rationale's"))
        #expect(again.stdout.contains("commit-msg: not installed; nothing to remove"))
        #expect(Array(try #require(FileManager.default.contents(atPath: repo.path + "/.git/hooks/pre-commit"))) == original)
    }

    @Test func uninstallNeverDeletesAHookWithoutTheMarker() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        #expect(try run(["install", "--binary", stub], repo).status == 0)
        // Another tool replaced our commit-msg hook afterwards.
        repo.write(".git/hooks/commit-msg", foreignHook(repo, name: "someone else's"))
        let uninstall = try run(["uninstall"], repo)
        #expect(uninstall.status == 0)
        #expect(repo.read(".git/hooks/commit-msg") == foreignHook(repo, name: "someone else's"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit"))
    }

    @Test func uninstallPutsBackALegacyHookWhoseReplacementIsGone() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        repo.write(".git/hooks/commit-msg", foreignHook(repo, name: "message linter"))
        repo.setExecutable(".git/hooks/commit-msg")
        #expect(try run(["install", "--binary", stub, "--hook", "commit-msg", "--hook", "commit-msg"], repo).status == 0)
        try FileManager.default.removeItem(atPath: repo.path + "/.git/hooks/commit-msg")
        let uninstall = try run(["uninstall", "--hook", "commit-msg"], repo)
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        #expect(uninstall.stdout.contains("restored commit-msg: .git/hooks/commit-msg (from commit-msg.legacy)"))
        #expect(repo.read(".git/hooks/commit-msg") == foreignHook(repo, name: "message linter"))
    }

    @Test func bareRepositoryIsRefused() throws {
        let repo = try committedRepository()
        let bare = repo.root + "/bare.git"
        try repo.git(in: repo.root, "clone", "--quiet", "--bare", repo.path, bare)
        let refused = try run(["install", "--binary", standIn(repo)], repo, in: bare)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("bare repository"))
        #expect(!FileManager.default.fileExists(atPath: bare + "/hooks/pre-commit"))
    }

    @Test func existingLegacyFileIsRefusedAndNothingChanges() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        repo.write(".git/hooks/pre-commit", foreignHook(repo))
        repo.write(".git/hooks/pre-commit.legacy", foreignHook(repo, name: "older"))
        let before = try snapshot(repo.path + "/.git/hooks")
        let refused = try run(["install", "--binary", stub], repo)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains(".git/hooks/pre-commit.legacy exists too"))
        let after = try snapshot(repo.path + "/.git/hooks")
        #expect(Set(before.keys) == Set(after.keys), "commit-msg must not be installed either")
        #expect(before.allSatisfy { after[$0.key]?.bytes == $0.value.bytes })
    }

    @Test func preCommitFrameworkHookIsRefusedWithTheFrameworkWay() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        repo.write(
            ".git/hooks/pre-commit",
            "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n# ID: 138fd403232d2ddd5efb44317e38bf03\nexec python -mpre_commit hook-impl \"$@\"\n"
        )
        repo.setExecutable(".git/hooks/pre-commit")
        let refused = try run(["install", "--binary", stub], repo)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("pre-commit framework"))
        #expect(refused.stderr.contains(".pre-commit-config.yaml"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit.legacy"))

        // With only commit-msg chosen, the framework's pre-commit hook is not in the way.
        let commitMessageOnly = try run(["install", "--binary", stub, "--hook", "commit-msg"], repo)
        #expect(commitMessageOnly.status == 0, "\(commitMessageOnly.stderr)")
    }

    @Test func missingBinaryFailsTheCommitWithAFix() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        #expect(try run(["install", "--binary", stub], repo).status == 0)
        try FileManager.default.removeItem(atPath: stub)
        // A bare PATH, as GUI git clients have: git itself, and no rationale on it.
        var environment = repo.environment
        let git = try runProcess("/bin/sh", ["-c", "command -v git"], cwd: repo.path, env: nil).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        environment["PATH"] = (git as NSString).deletingLastPathComponent + ":/usr/bin:/bin"
        try #require(
            HookInstaller.locate("rationale", path: environment["PATH"] ?? "", currentDirectory: "/") == nil,
            "a rationale on the bare PATH would hide the failure this test checks")

        let commit = try commitThroughHooks(repo, env: environment)
        #expect(commit.status != 0)
        #expect(commit.stderr.contains("the pre-commit hook cannot find the rationale binary"))
        #expect(commit.stderr.contains("not at \(stub), and not on PATH"))
        #expect(commit.stderr.contains("rationale install"))
        #expect(commit.stderr.contains("git commit --no-verify"))
    }

    @Test func binaryPathWithSpacesAndQuotesIsQuotedSafely() throws {
        let repo = try committedRepository()
        let stub = standIn(repo, at: "my bin's $HOME `x`")
        #expect(try run(["install", "--binary", stub], repo).status == 0)
        #expect(try commitThroughHooks(repo).status == 0)
        #expect(calls(repo).first == "rationale check")
        #expect(HookInstaller.binary(inScript: repo.read(".git/hooks/pre-commit") ?? "") == stub)
    }

    @Test func defaultBinaryIsTheRunningRationale() throws {
        let repo = try committedRepository()
        let install = try run(["install"], repo)
        #expect(install.status == 0, "\(install.stderr)")
        let script = try #require(repo.read(".git/hooks/pre-commit"))
        #expect(HookInstaller.binary(inScript: script) == rationaleBinary)
        #expect(install.stdout.contains("the hooks run \(rationaleBinary)"))
    }

    @Test func aStableSymlinkOnPathIsKeptRatherThanItsTarget() throws {
        // A package manager links bin/rationale to a versioned file; upgrades move the file.
        let repo = try committedRepository()
        try FileManager.default.createDirectory(atPath: repo.root + "/bin", withIntermediateDirectories: true)
        repo.symlink(repo.root + "/bin/rationale", to: rationaleBinary)
        var environment = repo.environment
        environment["PATH"] = repo.root + "/bin:" + (environment["PATH"] ?? "")
        let install = try runProcess("/bin/sh", ["-c", "rationale install"], cwd: repo.path, env: environment)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(HookInstaller.binary(inScript: repo.read(".git/hooks/pre-commit") ?? "") == repo.root + "/bin/rationale")
    }

    @Test func usageAndCouldNotRunExitCodes() throws {
        let repo = try committedRepository()
        let unknown = try run(["install", "--hook", "pre-push"], repo)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("unknown hook `pre-push`"))
        let badBinary = try run(["install", "--binary", repo.root + "/nothing-here"], repo)
        #expect(badBinary.status == 2)
        #expect(badBinary.stderr.contains("--binary"))

        let outside = repo.root + "/not-a-repo"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let notRepo = try run(["install", "--binary", standIn(repo)], repo, in: outside)
        #expect(notRepo.status == 2)
        #expect(notRepo.stderr.contains("not inside a git repository"))
    }

    @Test(arguments: ["install", "uninstall", "doctor"])
    func helpShowsAnExampleAndDashC(command: String) throws {
        let repo = ScratchRepository()
        let help = try run([command, "--help"], repo)
        #expect(help.status == 0)
        #expect(help.stdout.contains("Example"))
        #expect(help.stdout.contains("rationale \(command)"))
        #expect(help.stdout.contains("-C, --directory"))
    }
}

@Suite("rationale doctor, end to end")
struct DoctorCommandTests {
    @Test func reportsAMissingBinaryAndAHookNotInstalled() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        #expect(try run(["install", "--binary", stub, "--hook", "pre-commit"], repo).status == 0)
        try FileManager.default.removeItem(atPath: stub)

        let doctor = try run(["doctor"], repo)
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("problem  pre-commit: .git/hooks/pre-commit runs \(stub), which does not exist or is not executable"))
        #expect(doctor.stdout.contains("problem  commit-msg: not installed (.git/hooks/commit-msg does not exist)"))
        #expect(doctor.stdout.contains("fix: run `rationale install`"))
        #expect(doctor.stdout.contains("2 problems found"))

        let json = try run(["doctor", "--format", "json"], repo)
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["problems"] as? Int == 2)
        #expect(object["ok"] as? Bool == false)
        let checks = try #require(object["checks"] as? [[String: Any]])
        let problems = checks.filter { $0["status"] as? String == "problem" }.compactMap { $0["id"] as? String }
        #expect(problems == ["hook.pre-commit", "hook.commit-msg"])
        #expect(checks.allSatisfy { $0["status"] as? String != "problem" || $0["fix"] is String })
    }

    @Test func healthySetupExitsZero() throws {
        let repo = try committedRepository()
        let stub = standIn(repo)
        repo.write(".git/hooks/pre-commit", foreignHook(repo))
        repo.setExecutable(".git/hooks/pre-commit")
        repo.write(".rationale.yml", "downstream: 2\n")
        repo.write(".project/sessions/2026-11-28-first/SUMMARY.md", "# Summary\n")
        #expect(try run(["install", "--binary", stub], repo).status == 0)

        let doctor = try run(["doctor"], repo)
        #expect(doctor.status == 0, "\(doctor.stdout)")
        #expect(doctor.stdout.contains("ok       repository: \(repo.path)"))
        #expect(doctor.stdout.contains("ok       hooks folder: .git/hooks (the default"))
        #expect(
            doctor.stdout.contains("ok       pre-commit: installed by rationale; runs \(stub); pre-commit.legacy (the hook that was there before) runs first"))
        #expect(doctor.stdout.contains("ok       commit-msg: installed by rationale"))
        #expect(doctor.stdout.contains("ok       .rationale.yml: readable"))
        #expect(doctor.stdout.contains("ok       sessions: .project/sessions (1 session)"))
        #expect(doctor.stdout.contains("ok       history: full clone"))
        #expect(doctor.stdout.contains("no problems found"))

        let json = try run(["doctor", "--format", "json"], repo)
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["ok"] as? Bool == true)
    }

    @Test func reportsAForeignHookABadConfigAndAShallowClone() throws {
        let repo = try committedRepository()
        repo.write("more.txt", "more\n")
        try repo.commit("second")
        let clone = repo.root + "/shallow"
        try repo.git(in: repo.root, "clone", "--quiet", "--depth", "1", "file://" + repo.path, clone)
        try Data(foreignHook(repo).utf8).write(to: URL(fileURLWithPath: clone + "/.git/hooks/pre-commit"))
        try Data("lineage: deep\n".utf8).write(to: URL(fileURLWithPath: clone + "/.rationale.yml"))

        let doctor = try run(["doctor"], repo, in: clone)
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("problem  pre-commit: .git/hooks/pre-commit is not rationale's; it runs instead of rationale"))
        #expect(doctor.stdout.contains("keeps it as pre-commit.legacy and runs it first"))
        #expect(doctor.stdout.contains("problem  .rationale.yml: .rationale.yml:1: unknown key `lineage`"))
        #expect(doctor.stdout.contains("problem  history: shallow clone"))
        #expect(doctor.stdout.contains("fetch-depth: 0"))
    }

    @Test func outsideARepositoryIsAProblem() throws {
        let repo = ScratchRepository()
        let outside = repo.root + "/elsewhere"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let doctor = try run(["doctor"], repo, in: outside)
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("problem  repository: none found"))
    }
}

@Suite("Hook scripts")
struct HookScriptTests {
    @Test(arguments: HookInstaller.hookNames)
    func scriptCarriesTheMarkerAndOnePlaceholder(hook: String) throws {
        let template = try #require(EmbeddedFiles.file("hooks/" + hook))
        #expect(template.hasPrefix("#!/bin/sh\n"))
        #expect(template.split(separator: "\n").contains { $0 == HookInstaller.marker })
        #expect(template.components(separatedBy: HookInstaller.binaryPlaceholder).count == 2)
        #expect(!template.contains("\r"))
        let script = try HookInstaller.script(for: hook, binary: "/opt/it's here/rationale")
        #expect(HookInstaller.binary(inScript: script) == "/opt/it's here/rationale")
        #expect(HookInstaller.isManaged(script))
    }

    @Test(arguments: ["/usr/local/bin/rationale", "/a b/c", "/it's", "/$HOME/`x`/\"q\"", "/back\\slash"])
    func shellQuotingRoundTrips(path: String) {
        #expect(HookInstaller.shellUnquoted(HookInstaller.shellQuoted(path)) == path)
    }

    @Test func placeholderAloneIsNotABinary() {
        #expect(HookInstaller.binary(inScript: "installed=$HOME/rationale\n") == nil)
    }
}

@Suite("Hook manager documentation")
struct HookManagerDocumentationTests {
    /// The `- id:` and `entry:` values of `.pre-commit-hooks.yaml`, in order.
    private func manifest() throws -> [(id: String, entry: String)] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
        var hooks: [(id: String, entry: String)] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("- id: ") {
                hooks.append((String(line.dropFirst(6)), ""))
            } else if line.hasPrefix("  entry: "), let last = hooks.popLast() {
                hooks.append((last.id, String(line.dropFirst(9))))
            }
        }
        return hooks
    }

    @Test func preCommitManifestRunsCheckAndCommitMsg() throws {
        let hooks = try manifest()
        #expect(
            hooks.map(\.id) == [
                "rationale-check", "rationale-commit-msg", "rationale-check-swift", "rationale-commit-msg-swift", "rationale-check-pip",
                "rationale-commit-msg-pip",
            ])
        #expect(hooks.allSatisfy { $0.entry == ($0.id.contains("commit-msg") ? "rationale check --commit-msg" : "rationale check") })
    }

    @Test func readmeShowsEveryManagerSnippet() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("## Hooks with pre-commit, lefthook or husky"))
        for command in HookManager.husky.snippet.components(separatedBy: " && ") {
            #expect(readme.contains(command), "README lacks the husky line \(command)")
        }
        #expect(readme.contains("run: rationale check --commit-msg {1}"))
        for hook in try manifest() where !hook.id.hasSuffix("-swift") {
            #expect(readme.contains("id: \(hook.id)"))
        }
    }
}

@Suite("The hooks judge the commit git makes")
struct CommitAllHookTests {
    /// `git commit -a` and `git commit <paths>` build a temporary index for the commit and name
    /// it to their hooks in GIT_INDEX_FILE; `.git/index` still holds the old staging. The hook
    /// must see the model change that the commit is about to record (it once saw none and let
    /// the commit through without a session).
    @Test(arguments: [["commit", "--quiet", "-a", "-m", "edit"], ["commit", "--quiet", "-m", "edit", "--", "dbt/models/staging/stg_orders.sql"]])
    func aModelChangeCommittedWithoutStagingIsChecked(command: [String]) throws {
        let repo = try shopRepository()
        #expect(try rationale(["install"], in: repo.path, env: repo.environment).status == 0)
        let head = try repo.git("rev-parse", "HEAD")
        repo.write("dbt/models/staging/stg_orders.sql", "select *, 1 as flag from raw.orders\n")
        let commit = try runProcess("/usr/bin/env", ["git"] + command, cwd: repo.path, env: repo.environment)
        #expect(commit.status != 0, "the commit went through: \(commit.stdout)")
        #expect(commit.stdout.contains("session_required") || commit.stderr.contains("session_required") || commit.stderr.contains("no session"))
        #expect(try repo.git("rev-parse", "HEAD") == head)
        // Staged the usual way, the same change is refused the same way.
        repo.stage("dbt/models/staging/stg_orders.sql")
        #expect(try runProcess("/usr/bin/env", ["git", "commit", "--quiet", "-m", "edit"], cwd: repo.path, env: repo.environment).status != 0)
    }
}

import Foundation
import GitKit
import Testing
import _TestSupport

@Suite struct RepositoryOpenTests {
    @Test func discoversFromSubfolder() throws {
        let scratch = ScratchRepository()
        scratch.write("src/deep/file.txt", "hello\n")
        let head = try scratch.commit("first")

        let repository = try Repository.discover(from: scratch.absolute("src/deep"))
        #expect(repository.workdir == scratch.path)
        #expect(repository.gitDirectory == scratch.path + "/.git")
        #expect(repository.commonDirectory == scratch.path + "/.git")
        #expect(!repository.isBare)
        #expect(!repository.isShallow)
        #expect(try repository.headCommit()?.hex == head)
    }

    @Test func discoversInLinkedWorktree() throws {
        let scratch = ScratchRepository()
        scratch.write("a.txt", "a\n")
        try scratch.commit("first")
        let worktree = scratch.root + "/wt"
        try scratch.git("worktree", "add", "--quiet", "-b", "feature", worktree)
        try scratch.git(in: worktree, "commit", "--quiet", "--allow-empty", "-m", "on feature")
        let featureHead = try scratch.git(in: worktree, "rev-parse", "HEAD")
        try FileManager.default.createDirectory(atPath: worktree + "/sub", withIntermediateDirectories: true)

        let repository = try Repository.discover(from: worktree + "/sub")
        #expect(repository.workdir == worktree)
        #expect(repository.gitDirectory == scratch.path + "/.git/worktrees/wt")
        #expect(repository.commonDirectory == scratch.path + "/.git")
        #expect(try repository.headCommit()?.hex == featureHead)
        #expect(try repository.resolveCommit("main").hex == (try scratch.git("rev-parse", "main")))
    }

    @Test func discoverOutsideAnyRepositoryThrows() throws {
        let scratch = ScratchRepository()
        let outside = scratch.root + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        // GIT_CEILING_DIRECTORIES is not consulted, so only assert when no
        // repository encloses the temporary folder.
        if (try? Repository.discover(from: scratch.root)) == nil {
            #expect(throws: GitError.notARepository(path: outside)) {
                try Repository.discover(from: outside)
            }
        }
    }

    @Test func missingPathIsNotARepository() throws {
        let scratch = ScratchRepository()
        let missing = scratch.root + "/does/not/exist"
        #expect(throws: GitError.notARepository(path: missing)) {
            try Repository.discover(from: missing)
        }
        #expect(throws: GitError.notARepository(path: missing)) {
            try Repository.open(at: missing)
        }
    }

    @Test func openIsExact() throws {
        let scratch = ScratchRepository()
        scratch.write("src/file.txt", "x\n")
        try scratch.commit("first")
        #expect(try Repository.open(at: scratch.path).workdir == scratch.path)
        #expect(throws: GitError.notARepository(path: scratch.absolute("src"))) {
            try Repository.open(at: scratch.absolute("src"))
        }
    }

    @Test func unbornHeadHasNoCommit() throws {
        let scratch = ScratchRepository()
        let repository = try Repository.open(at: scratch.path)
        #expect(try repository.headCommit() == nil)
        #expect(throws: GitError.unknownRevision("HEAD")) {
            try repository.resolveCommit("HEAD")
        }
    }

    @Test func bareRepositoryProperties() throws {
        let scratch = ScratchRepository(bare: true)
        let repository = try Repository.open(at: scratch.path)
        #expect(repository.isBare)
        #expect(repository.workdir == nil)
        #expect(repository.gitDirectory == scratch.path)
        #expect(try repository.hooksDirectory() == scratch.path + "/hooks")
    }

    @Test func configStringReadsRepositoryConfig() throws {
        let scratch = ScratchRepository()
        try scratch.git("config", "rationale.answer", "forty two")
        let repository = try Repository.open(at: scratch.path)
        #expect(repository.configString("rationale.answer") == "forty two")
        #expect(repository.configString("user.email") == ScratchRepository.userEmail)
        #expect(repository.configString("rationale.missing") == nil)
    }

    @Test func errorsSayWhatToDo() {
        let shallow = GitError.missingMergeBase(base: "main", head: "HEAD", shallow: true)
        #expect(shallow.errorDescription?.contains("fetch-depth: 0") == true)
        #expect(shallow.errorDescription?.contains("git fetch --unshallow") == true)
        let full = GitError.missingMergeBase(base: "main", head: "HEAD", shallow: false)
        #expect(full.errorDescription?.contains("unshallow") == false)
        #expect(GitError.notARepository(path: "/x").errorDescription?.contains("/x") == true)
        #expect(GitError.bareRepository(operation: "--staged").errorDescription?.contains("--staged") == true)
    }
}

@Suite struct HooksDirectoryTests {
    @Test func defaultsToCommonDirectory() throws {
        let scratch = ScratchRepository()
        let repository = try Repository.open(at: scratch.path)
        #expect(try repository.hooksDirectory() == scratch.path + "/.git/hooks")
        #expect(try repository.hooksDirectory() == (try gitPathHooks(scratch, in: scratch.path)))
    }

    @Test func linkedWorktreeSharesHooks() throws {
        let scratch = ScratchRepository()
        scratch.write("a.txt", "a\n")
        try scratch.commit("first")
        let worktree = scratch.root + "/wt"
        try scratch.git("worktree", "add", "--quiet", "-b", "feature", worktree)

        let repository = try Repository.discover(from: worktree)
        #expect(try repository.hooksDirectory() == scratch.path + "/.git/hooks")
        #expect(try repository.hooksDirectory() == (try gitPathHooks(scratch, in: worktree)))
    }

    @Test func relativeHooksPathIsRelativeToWorkdir() throws {
        let scratch = ScratchRepository()
        try scratch.git("config", "core.hooksPath", ".githooks/")
        let repository = try Repository.open(at: scratch.path)
        #expect(try repository.hooksDirectory() == scratch.path + "/.githooks")
    }

    @Test func absoluteHooksPathIsUsedAsIs() throws {
        let scratch = ScratchRepository()
        let hooks = scratch.root + "/shared-hooks"
        try scratch.git("config", "core.hooksPath", hooks)
        let repository = try Repository.open(at: scratch.path)
        #expect(try repository.hooksDirectory() == hooks)
        #expect(try repository.hooksDirectory() == (try gitPathHooks(scratch, in: scratch.path)))
    }

    @Test func locationSaysWhetherCoreHooksPathChoseIt() throws {
        let scratch = ScratchRepository()
        let repository = try Repository.open(at: scratch.path)
        #expect(try repository.hooksLocation() == HooksLocation(path: scratch.path + "/.git/hooks", configured: nil))
        try scratch.git("config", "core.hooksPath", ".githooks")
        let configured = try Repository.open(at: scratch.path).hooksLocation()
        #expect(configured.path == scratch.path + "/.githooks")
        #expect(configured.configured == ConfigEntry(name: "core.hookspath", value: ".githooks", level: .local))
        #expect(configured.configured?.level.isSharedBeyondRepository == false)
    }

    @Test func configEntryNamesItsLevel() throws {
        let scratch = ScratchRepository()
        try scratch.git("config", "rationale.answer", "42")
        let repository = try Repository.open(at: scratch.path)
        #expect(repository.configEntry("rationale.answer") == ConfigEntry(name: "rationale.answer", value: "42", level: .local))
        #expect(repository.configEntry("rationale.missing") == nil)
        #expect(ConfigLevel.global.isSharedBeyondRepository)
    }

    /// `git rev-parse --git-path hooks`, made absolute.
    private func gitPathHooks(_ scratch: ScratchRepository, in directory: String) throws -> String {
        let path = try scratch.git(in: directory, "rev-parse", "--git-path", "hooks")
        return path.hasPrefix("/") ? path : directory + "/" + path
    }
}

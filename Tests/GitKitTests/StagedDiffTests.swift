import Foundation
import Testing
import _TestSupport

@testable import GitKit

/// The cache-tree comparison of HEAD with the index against libgit2's own diff: the same answer
/// wherever it gives one, and none (libgit2 answers) where it cannot be sure.
@Suite struct StagedDiffTests {
    private func head(_ repository: Repository) throws -> ObjectID {
        try #require(try repository.headCommit())
    }

    /// The fast answer (which must exist when `expectFast`) equals libgit2's, and `diff` gives it.
    private func expectSame(_ scratch: ScratchRepository, renames: Bool = true, submodules: Bool = false, expectFast: Bool = true) throws {
        let repository = try Repository.open(at: scratch.path)
        let commit = try head(repository)
        let reference = try repository.stagedChangesThroughLibgit2(head: commit, renames: renames, submodules: submodules)
        let fast = try repository.stagedChangesThroughCacheTree(head: commit, renames: renames, submodules: submodules)
        if expectFast {
            #expect(fast != nil, "the cache tree should answer")
        }
        if let fast {
            #expect(fast == reference)
        }
        #expect(try repository.diff(from: .commit(commit), to: .index, renames: renames, submodules: submodules) == reference)
    }

    private func project(_ scratch: ScratchRepository) throws {
        for domain in ["sales", "finance", "ops"] {
            for layer in ["staging", "marts"] {
                for number in 1...4 {
                    scratch.write("models/\(layer)/\(domain)/m\(number).sql", "select \(number) as n -- \(domain) \(layer)\n")
                }
            }
        }
        scratch.write("dbt_project.yml", "name: p\n")
        scratch.write("macros/a.sql", "{% macro a() %}1{% endmacro %}\n")
        try scratch.commit("base")
    }

    @Test func nothingStaged() throws {
        let scratch = ScratchRepository()
        try project(scratch)
        try expectSame(scratch)
        let repository = try Repository.open(at: scratch.path)
        #expect(try repository.stagedChangesThroughCacheTree(head: try head(repository), renames: true) == [])
    }

    @Test func oneDeepEdit() throws {
        let scratch = ScratchRepository()
        try project(scratch)
        scratch.write("models/staging/sales/m2.sql", "select 2 as n, 'new' as c\n")
        scratch.stage("models/staging/sales/m2.sql")
        try expectSame(scratch)
        let repository = try Repository.open(at: scratch.path)
        let changes = try #require(try repository.stagedChangesThroughCacheTree(head: try head(repository), renames: true))
        #expect(changes.map(\.path) == ["models/staging/sales/m2.sql"])
        #expect(changes.first?.status == .modified)
    }

    @Test func additionsInNewFoldersAndDeletedFolders() throws {
        let scratch = ScratchRepository()
        try project(scratch)
        scratch.write("models/new/deep/er/x.sql", "select 1\n")
        scratch.write("models/staging/sales/m9.sql", "select 9\n")
        scratch.remove("models/marts/ops")
        scratch.remove("macros/a.sql")
        scratch.stage(".")
        // Deletions and additions together: libgit2 pairs renames, so only without renames.
        try expectSame(scratch, renames: false)
        try expectSame(scratch, renames: true, expectFast: false)
        let repository = try Repository.open(at: scratch.path)
        #expect(try repository.stagedChangesThroughCacheTree(head: try head(repository), renames: true) == nil)
    }

    @Test func modesSymlinksAndFileFolderSwaps() throws {
        let scratch = ScratchRepository()
        try project(scratch)
        scratch.setExecutable("models/staging/finance/m1.sql")
        scratch.remove("models/staging/finance/m2.sql")
        scratch.symlink("models/staging/finance/m2.sql", to: "m1.sql")
        // A file becomes a folder, a folder becomes a file.
        scratch.remove("dbt_project.yml")
        scratch.write("dbt_project.yml/inner.yml", "name: q\n")
        scratch.remove("models/marts/finance")
        scratch.write("models/marts/finance", "now a file\n")
        scratch.stage(".")
        try expectSame(scratch, renames: false)
        let repository = try Repository.open(at: scratch.path)
        let changes = try #require(try repository.stagedChangesThroughCacheTree(head: try head(repository), renames: false))
        #expect(changes.contains { $0.path == "models/staging/finance/m2.sql" && $0.status == .typeChanged })
        #expect(changes.contains { $0.path == "models/staging/finance/m1.sql" && $0.newMode == .executable })
    }

    /// Gitlinks (recorded without a submodule repository): compared by commit when they count,
    /// and left to libgit2 when they do not.
    @Test func gitlinks() throws {
        let scratch = ScratchRepository()
        try project(scratch)
        let base = try scratch.git("rev-parse", "HEAD")
        try scratch.git("update-index", "--add", "--cacheinfo", "160000,\(base),vendor/pkg")
        try scratch.git("update-index", "--add", "--cacheinfo", "160000,\(base),models/staging/sub")
        try scratch.git("commit", "--quiet", "-m", "gitlinks")
        try scratch.git("commit", "--quiet", "--allow-empty", "-m", "a second commit to point a gitlink at")
        try scratch.git("update-index", "--cacheinfo", "160000,\(try scratch.git("rev-parse", "HEAD")),vendor/pkg")
        try scratch.git("update-index", "--force-remove", "models/staging/sub")
        try scratch.git("update-index", "--add", "--cacheinfo", "160000,\(base),models/marts/new_sub")
        try expectSame(scratch, renames: false, submodules: true)
        try expectSame(scratch, renames: false, submodules: false, expectFast: false)
        let repository = try Repository.open(at: scratch.path)
        let changes = try #require(try repository.stagedChangesThroughCacheTree(head: try head(repository), renames: false, submodules: true))
        #expect(changes.map(\.path) == ["models/marts/new_sub", "models/staging/sub", "vendor/pkg"])
        #expect(changes.allSatisfy { ($0.newMode ?? $0.oldMode) == .gitlink })
    }

    /// Listing the index under a folder and looking paths up: the file read directly and libgit2
    /// agree, including a file at the folder's own path and neighbours that sort between.
    @Test func indexListingsAndLookups() throws {
        let scratch = ScratchRepository()
        try project(scratch)
        for path in ["src", "src-x/a.sql", "src.txt", "src/a/b.sql", "src/a.sql", "src0", "srd/z.sql"] {
            if path == "src" { continue }
            scratch.write(path, "\(path)\n")
        }
        try scratch.commit("neighbours")
        scratch.write("src/new.sql", "staged only\n")
        scratch.stage("src/new.sql")
        let repository = try Repository.open(at: scratch.path)
        let folders = ["", "src", "src/a", "src/", "./src", "models/staging", "models/staging/sales/m1.sql", "src.txt", "missing", "sr", "."]
        for folder in folders {
            let direct = try repository.entries(of: .index, under: folder)
            let reference = try repository.withIndex(operation: "test") { index in
                repository.indexEntries(index, under: Repository.normalizedFolder(folder))
            }
            #expect(direct == reference, "under \(folder)")
        }
        let paths = ["src/new.sql", "src.txt", "src", "src/a", "models/marts/ops/m4.sql", "nope", "src0"]
        #expect(try repository.indexEntries(at: paths) == repository.indexEntriesThroughLibgit2(at: paths))
        #expect(try repository.indexEntries(at: paths).map(\.path) == ["src/new.sql", "src.txt", "models/marts/ops/m4.sql", "src0"])
        #expect(repository.exactIndexFile() != nil)
        // With core.ignorecase, libgit2 answers (it matches paths without case).
        try scratch.git("config", "core.ignorecase", "true")
        #expect(try Repository.open(at: scratch.path).exactIndexFile() == nil)
    }

    /// `GIT_INDEX_FILE`, as `git commit -a` hands it to its hooks: the staged changes, the index
    /// listings and libgit2's own reads all come from that file.
    @Test func anotherIndexFile() throws {
        let scratch = ScratchRepository()
        try project(scratch)
        scratch.write("models/staging/ops/m2.sql", "select 'only in the other index'\n")
        let other = scratch.root + "/other-index"
        var environment = scratch.environment
        environment["GIT_INDEX_FILE"] = other
        _ = try runProcess("/usr/bin/env", ["git", "read-tree", "HEAD"], cwd: scratch.path, env: environment)
        _ = try runProcess("/usr/bin/env", ["git", "add", "models/staging/ops/m2.sql"], cwd: scratch.path, env: environment)
        let repository = try Repository.open(at: scratch.path)
        let commit = try head(repository)
        #expect(try repository.diff(from: .commit(commit), to: .index).isEmpty, "nothing is staged in .git/index")
        try repository.useIndexFile(at: other)
        let changes = try repository.diff(from: .commit(commit), to: .index, renames: false, submodules: true)
        #expect(changes.map(\.path) == ["models/staging/ops/m2.sql"])
        #expect(try repository.stagedChangesThroughLibgit2(head: commit, renames: false, submodules: true) == changes)
        #expect(try repository.stagedChangesThroughCacheTree(head: commit, renames: false, submodules: true) == changes)
        let listed = try repository.entries(of: .index, under: "models/staging/ops")
        #expect(listed == (try repository.withIndex(operation: "test") { repository.indexEntries($0, under: "models/staging/ops") }))
        #expect(try repository.indexEntries(at: ["models/staging/ops/m2.sql"]).first?.id == changes.first?.newID)
    }

    @Test func indexVersionFour() throws {
        let scratch = ScratchRepository()
        try project(scratch)
        try scratch.git("update-index", "--index-version", "4")
        scratch.write("models/marts/ops/m3.sql", "select 33\n")
        scratch.write("models/marts/ops/zz.sql", "select 0\n")
        scratch.stage(".")
        try expectSame(scratch)
    }

    @Test func declinesWhatItDoesNotModel() throws {
        // Intent-to-add, a split index, an unmerged entry: libgit2 answers.
        let intent = ScratchRepository()
        try project(intent)
        intent.write("models/later.sql", "select 1\n")
        try intent.git("add", "-N", "models/later.sql")
        try expectSame(intent, expectFast: false)
        #expect(try Repository.open(at: intent.path).stagedChangesThroughCacheTree(head: try head(Repository.open(at: intent.path)), renames: true) == nil)

        let split = ScratchRepository()
        try project(split)
        try split.git("update-index", "--split-index")
        split.write("models/staging/ops/m1.sql", "select 'split'\n")
        split.stage(".")
        // libgit2 1.5 refuses a split index too ("unsupported mandatory extension"), as before.
        let repository = try Repository.open(at: split.path)
        #expect(try repository.stagedChangesThroughCacheTree(head: try head(repository), renames: true) == nil)
        #expect(throws: GitError.self) { try repository.diff(from: .commit(try head(repository)), to: .index) }
    }

    /// Random edits, stagings and commits on a small tree, compared after each step.
    @Test func randomHistories() throws {
        var random = SplitMix(state: 0x5EED)
        let scratch = ScratchRepository()
        try project(scratch)
        let folders = ["models/staging/sales", "models/staging/ops", "models/marts/finance", "models/a/b/c", "seeds", "macros"]
        var fastAnswers = 0
        for step in 0..<40 {
            for _ in 0..<(1 + random.next() % 4) {
                let folder = folders[Int(random.next() % UInt64(folders.count))]
                let file = "\(folder)/f\(random.next() % 5).sql"
                switch random.next() % 5 {
                case 0: if scratch.read(file) != nil { scratch.remove(file) }
                case 1: if scratch.read(file) != nil { scratch.setExecutable(file, random.next() % 2 == 0) }
                default: scratch.write(file, "select \(random.next() % 3) -- \(step)\n")
                }
                // Only this file is staged (other edits stay unstaged); a file never tracked
                // and already gone has nothing to stage.
                _ = try? scratch.git("add", "-A", "--", file)
            }
            let repository = try Repository.open(at: scratch.path)
            let commit = try head(repository)
            for (renames, submodules) in [(false, false), (true, false), (false, true)] {
                let reference = try repository.stagedChangesThroughLibgit2(head: commit, renames: renames, submodules: submodules)
                if let fast = try repository.stagedChangesThroughCacheTree(head: commit, renames: renames, submodules: submodules) {
                    fastAnswers += 1
                    #expect(fast == reference, "step \(step), renames \(renames), submodules \(submodules)")
                }
            }
            if random.next() % 3 == 0 {
                try scratch.commit("step \(step)")
            }
        }
        #expect(fastAnswers >= 60, "the cache tree answered \(fastAnswers) of 120 comparisons")
    }

    /// Every truncation and many single-byte changes of a real index: an answer or nil, never a
    /// crash or a read past the end.
    @Test func damagedIndexFiles() throws {
        let scratch = ScratchRepository()
        try project(scratch)
        scratch.write("models/staging/sales/m1.sql", "select 'x'\n")
        scratch.stage(".")
        let bytes = try #require(FileManager.default.contents(atPath: scratch.absolute(".git/index")))
        let original = [UInt8](bytes)
        let parsed = try #require(IndexFile.parse(original))
        #expect(parsed.entries.count == 26)
        #expect(parsed.tree != nil)
        for length in 0..<original.count {
            _ = IndexFile.parse(Array(original[0..<length]))
        }
        var random = SplitMix(state: 7)
        for _ in 0..<2000 {
            var damaged = original
            damaged[Int(random.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: random.next())
            _ = IndexFile.parse(damaged)
        }
    }
}

import Foundation
import GitKit
import Testing
import _TestSupport

/// A repository with three commits on main and a feature branch from the first.
private struct History {
    let scratch = ScratchRepository()
    let first: String
    let second: String
    let third: String
    let feature: String

    init() throws {
        scratch.write("a.txt", "one\n")
        first = try scratch.commit("first commit\n\nWith a body.")
        scratch.write("a.txt", "two\n")
        second = try scratch.commit("second commit")
        scratch.write("a.txt", "three\n")
        third = try scratch.commit("third commit")
        try scratch.git("tag", "-a", "v1.0", "-m", "release one", first)
        try scratch.git("tag", "light", second)
        try scratch.git("checkout", "--quiet", "-b", "feature", first)
        scratch.write("b.txt", "feature\n")
        feature = try scratch.commit("feature work")
        try scratch.git("checkout", "--quiet", "main")
    }
}

@Suite struct RevisionTests {
    @Test func resolvesCommonRevisions() throws {
        let history = try History()
        let repository = try Repository.open(at: history.scratch.path)
        #expect(try repository.resolveCommit("HEAD").hex == history.third)
        #expect(try repository.resolveCommit("main").hex == history.third)
        #expect(try repository.resolveCommit("refs/heads/main").hex == history.third)
        #expect(try repository.resolveCommit("HEAD~2").hex == history.first)
        #expect(try repository.resolveCommit("HEAD^").hex == history.second)
        #expect(try repository.resolveCommit("feature").hex == history.feature)
        #expect(try repository.resolveCommit(history.second).hex == history.second)
        #expect(try repository.resolveCommit(String(history.second.prefix(8))).hex == history.second)
        #expect(try repository.resolveCommit("v1.0").hex == history.first)
        #expect(try repository.resolveCommit("light").hex == history.second)
        #expect(try repository.headCommit()?.hex == history.third)
    }

    @Test func annotatedTagPeelsToItsCommit() throws {
        let history = try History()
        let tagObject = try history.scratch.git("rev-parse", "v1.0")
        #expect(tagObject != history.first) // really an annotated tag object
        let repository = try Repository.open(at: history.scratch.path)
        #expect(try repository.resolveCommit("v1.0").hex == history.first)
    }

    @Test func resolvesRemoteTrackingBranch() throws {
        let remote = ScratchRepository()
        remote.write("r.txt", "remote\n")
        let remoteHead = try remote.commit("remote commit")
        let local = ScratchRepository()
        try local.git("remote", "add", "origin", remote.path)
        try local.git("fetch", "--quiet", "origin")

        let repository = try Repository.open(at: local.path)
        #expect(try repository.resolveCommit("origin/main").hex == remoteHead)
        #expect(try repository.headCommit() == nil)
    }

    @Test(arguments: ["nope", "HEAD~10", "main..feature", "", "deadbeef"])
    func unknownRevisionThrows(_ revision: String) throws {
        let history = try History()
        let repository = try Repository.open(at: history.scratch.path)
        #expect(throws: GitError.unknownRevision(revision)) {
            try repository.resolveCommit(revision)
        }
    }

    @Test func nonCommitRevisionThrows() throws {
        let history = try History()
        let repository = try Repository.open(at: history.scratch.path)
        #expect(throws: GitError.notACommit("HEAD:a.txt")) {
            try repository.resolveCommit("HEAD:a.txt")
        }
        #expect(throws: GitError.notACommit("HEAD^{tree}")) {
            try repository.resolveCommit("HEAD^{tree}")
        }
    }

    @Test func commitSummaryIsFirstLine() throws {
        let history = try History()
        let repository = try Repository.open(at: history.scratch.path)
        #expect(try repository.commitSummary(try repository.resolveCommit(history.first)) == "first commit")
        #expect(try repository.commitSummary(try repository.resolveCommit("HEAD")) == "third commit")
    }

    @Test func mergeBaseOfTwoBranches() throws {
        let history = try History()
        let repository = try Repository.open(at: history.scratch.path)
        let base = try repository.mergeBase(try repository.resolveCommit("main"), try repository.resolveCommit("feature"))
        #expect(base.hex == history.first)
        #expect(base.hex == (try history.scratch.git("merge-base", "main", "feature")))
    }

    @Test func unrelatedHistoriesHaveNoMergeBase() throws {
        let history = try History()
        try history.scratch.git("checkout", "--quiet", "--orphan", "island")
        history.scratch.write("island.txt", "alone\n")
        let island = try history.scratch.commit("island")
        let repository = try Repository.open(at: history.scratch.path)
        let main = try repository.resolveCommit("main")
        let islandID = try repository.resolveCommit(island)
        #expect(throws: GitError.missingMergeBase(base: main.hex, head: islandID.hex, shallow: false)) {
            try repository.mergeBase(main, islandID)
        }
    }

    @Test func shallowCloneReportsMissingMergeBase() throws {
        let history = try History()
        // Move feature on so that neither tip is the merge base.
        try history.scratch.git("checkout", "--quiet", "feature")
        history.scratch.write("b.txt", "more feature\n")
        try history.scratch.commit("more feature work")
        try history.scratch.git("checkout", "--quiet", "main")

        let clone = history.scratch.root + "/shallow"
        try history.scratch.git(in: history.scratch.root, "clone", "--quiet", "--depth", "1", "--no-single-branch", "file://" + history.scratch.path, clone)
        let repository = try Repository.open(at: clone)
        #expect(repository.isShallow)
        let main = try repository.resolveCommit("origin/main")
        let feature = try repository.resolveCommit("origin/feature")
        #expect(throws: GitError.missingMergeBase(base: main.hex, head: feature.hex, shallow: true)) {
            try repository.mergeBase(main, feature)
        }
    }

    @Test func shallowCloneFindsMergeBaseAtTheShallowEdge() throws {
        // c1 - c2 - m1 - m2 (main) and c2 - f1 - f2 (feature). A depth-3 clone
        // keeps c2 as a shallow edge commit whose parent c1 is absent: git finds
        // c2, while libgit2 1.5's own walk fails on the missing parent.
        let scratch = ScratchRepository()
        scratch.write("f.txt", "1\n")
        try scratch.commit("c1")
        scratch.write("f.txt", "2\n")
        let base = try scratch.commit("c2")
        try scratch.git("checkout", "--quiet", "-b", "feature")
        for name in ["f1", "f2"] {
            scratch.write("g.txt", name + "\n")
            try scratch.commit(name)
        }
        try scratch.git("checkout", "--quiet", "main")
        for name in ["m1", "m2"] {
            scratch.write("f.txt", name + "\n")
            try scratch.commit(name)
        }

        let clone = scratch.root + "/shallow"
        try scratch.git(in: scratch.root, "clone", "--quiet", "--depth", "3", "--no-single-branch", "file://" + scratch.path, clone)
        let repository = try Repository.open(at: clone)
        #expect(repository.isShallow)
        let main = try repository.resolveCommit("origin/main")
        let feature = try repository.resolveCommit("origin/feature")
        #expect(try scratch.git(in: clone, "merge-base", "origin/main", "origin/feature") == base)
        #expect(try repository.mergeBase(main, feature).hex == base)
        #expect(try repository.mergeBase(feature, main).hex == base)
        #expect(try repository.mergeBase(main, main) == main)
    }
}

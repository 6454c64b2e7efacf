import Foundation
import GitKit
import Testing
import _TestSupport

@Suite struct DiffTests {
    private let longText = (1...40).map { "line \($0) of a file long enough to be recognised when renamed\n" }.joined()

    private func blobID(_ scratch: ScratchRepository, _ spec: String) throws -> ObjectID {
        try #require(ObjectID(hex: try scratch.git("rev-parse", spec)))
    }

    @Test func stagedWithUnbornHead() throws {
        let scratch = ScratchRepository()
        scratch.write("b.txt", "b\n")
        scratch.write("a/x.txt", "x\n")
        scratch.write("unstaged.txt", "not staged\n")
        scratch.stage("a/x.txt", "b.txt")
        let repository = try Repository.open(at: scratch.path)
        #expect(try repository.headCommit() == nil)

        let changes = try repository.diff(from: .empty, to: .index)
        #expect(changes.map(\.path) == ["a/x.txt", "b.txt"])
        #expect(changes.allSatisfy { $0.status == .added && $0.oldPath == nil && $0.oldID == nil })
        #expect(changes[0].newID == (try blobID(scratch, ":a/x.txt")))
    }

    @Test func stagedModifyAddDeleteRename() throws {
        let scratch = ScratchRepository()
        scratch.write("keep.txt", "keep\n")
        scratch.write("gone.txt", "gone\n")
        scratch.write("old/name.txt", longText)
        try scratch.commit("base")
        let oldName = try blobID(scratch, "HEAD:old/name.txt")
        let oldKeep = try blobID(scratch, "HEAD:keep.txt")

        scratch.write("keep.txt", "kept, changed\n")
        scratch.remove("gone.txt")
        scratch.write("fresh.txt", "fresh\n")
        scratch.move("old/name.txt", "new/name.txt")
        scratch.stage("keep.txt", "gone.txt", "fresh.txt", "old/name.txt", "new/name.txt")
        scratch.write("keep.txt", "changed again, unstaged\n")

        let repository = try Repository.open(at: scratch.path)
        let head = Snapshot.commit(try repository.resolveCommit("HEAD"))
        let changes = try repository.diff(from: head, to: .index)
        #expect(changes.map(\.path) == ["fresh.txt", "gone.txt", "keep.txt", "new/name.txt"])
        #expect(changes.map(\.status) == [.added, .deleted, .modified, .renamed])

        let deleted = changes[1]
        #expect(deleted.newPath == nil && deleted.newID == nil && deleted.oldPath == "gone.txt")
        let modified = changes[2]
        #expect(modified.oldID == oldKeep)
        #expect(modified.newID == (try blobID(scratch, ":keep.txt")))
        let renamed = changes[3]
        #expect(renamed.oldPath == "old/name.txt")
        #expect(renamed.newPath == "new/name.txt")
        #expect(renamed.oldID == oldName && renamed.newID == oldName)
        #expect(renamed.similarity == 100)

        let withoutRenames = try repository.diff(from: head, to: .index, renames: false)
        #expect(withoutRenames.map(\.path) == ["fresh.txt", "gone.txt", "keep.txt", "new/name.txt", "old/name.txt"])
        #expect(withoutRenames.map(\.status) == [.added, .deleted, .modified, .added, .deleted])
    }

    @Test func worktreeIncludesUntrackedAndUnstaged() throws {
        let scratch = ScratchRepository()
        scratch.write(".gitignore", "build/\n")
        scratch.write("tracked.txt", "v1\n")
        scratch.write("moved.txt", longText)
        try scratch.commit("base")
        scratch.write("tracked.txt", "v2 only in the worktree\n")
        scratch.write("notes/untracked.md", "untracked\n")
        scratch.write("build/output.o", "ignored\n")
        scratch.move("moved.txt", "elsewhere/moved.txt") // not staged

        let repository = try Repository.open(at: scratch.path)
        let head = Snapshot.commit(try repository.resolveCommit("HEAD"))
        let changes = try repository.diff(from: head, to: .workdir)
        #expect(changes.map(\.path) == ["elsewhere/moved.txt", "notes/untracked.md", "tracked.txt"])
        #expect(changes.map(\.status) == [.renamed, .added, .modified])
        #expect(changes[0].oldPath == "moved.txt")
        #expect(changes[1].newID?.hex == (try scratch.git("hash-object", "notes/untracked.md")))
        #expect(changes[2].newID?.hex == (try scratch.git("hash-object", "tracked.txt")))
        #expect(changes[2].oldID == (try blobID(scratch, "HEAD:tracked.txt")))

        // The index has none of it.
        #expect(try repository.diff(from: head, to: .index).isEmpty)
        // Unstaged changes alone.
        let unstaged = try repository.diff(from: .index, to: .workdir)
        #expect(unstaged.map(\.path) == ["elsewhere/moved.txt", "notes/untracked.md", "tracked.txt"])
        #expect(unstaged.map(\.status) == [.renamed, .added, .modified])
        // The reverse direction turns additions into deletions.
        let reverse = try repository.diff(from: .workdir, to: head)
        #expect(reverse.map(\.path) == ["moved.txt", "notes/untracked.md", "tracked.txt"])
        #expect(reverse.map(\.status) == [.renamed, .deleted, .modified])
        #expect(reverse[0].newPath == "moved.txt" && reverse[0].oldPath == "elsewhere/moved.txt")
    }

    @Test func worktreeSeesStagedAndUnstagedTogether() throws {
        let scratch = ScratchRepository()
        scratch.write("a.txt", "a1\n")
        scratch.write("b.txt", "b1\n")
        try scratch.commit("base")
        scratch.write("a.txt", "a2 staged\n")
        scratch.stage("a.txt")
        scratch.write("b.txt", "b2 unstaged\n")
        let repository = try Repository.open(at: scratch.path)
        let head = Snapshot.commit(try repository.resolveCommit("HEAD"))

        #expect(try repository.diff(from: head, to: .workdir).map(\.path) == ["a.txt", "b.txt"])
        #expect(try repository.diff(from: head, to: .index).map(\.path) == ["a.txt"])
        #expect(try repository.diff(from: .index, to: .workdir).map(\.path) == ["b.txt"])
        #expect(try repository.diff(from: .index, to: head).map(\.path) == ["a.txt"])
        #expect(try repository.diff(from: .workdir, to: .workdir).isEmpty)
    }

    @Test func rangeTreeToTreeWithRename() throws {
        let scratch = ScratchRepository()
        scratch.write("docs/guide.md", longText)
        scratch.write("src/a.swift", "a\n")
        let base = try scratch.commit("base")
        try scratch.git("mv", "docs/guide.md", "docs/manual.md")
        scratch.write("docs/manual.md", longText + "one more line\n")
        scratch.write("src/a.swift", "a changed\n")
        scratch.write("src/b.swift", "b\n")
        try scratch.commit("middle")
        scratch.remove("src/a.swift")
        let head = try scratch.commit("head")

        let repository = try Repository.open(at: scratch.path)
        let from = Snapshot.commit(try repository.resolveCommit(base))
        let to = Snapshot.commit(try repository.resolveCommit(head))
        let changes = try repository.diff(from: from, to: to)
        #expect(changes.map(\.path) == ["docs/manual.md", "src/a.swift", "src/b.swift"])
        #expect(changes.map(\.status) == [.renamed, .deleted, .added])
        let rename = changes[0]
        #expect(rename.oldPath == "docs/guide.md")
        #expect(rename.similarity > 80 && rename.similarity < 100)
        #expect(rename.oldID == (try blobID(scratch, "\(base):docs/guide.md")))
        #expect(rename.newID == (try blobID(scratch, "\(head):docs/manual.md")))

        let backwards = try repository.diff(from: to, to: from)
        #expect(backwards.map(\.path) == ["docs/guide.md", "src/a.swift", "src/b.swift"])
        #expect(backwards.map(\.status) == [.renamed, .added, .deleted])

        let fromEmpty = try repository.diff(from: .empty, to: to)
        #expect(fromEmpty.map(\.path) == ["docs/manual.md", "src/b.swift"])
        #expect(try repository.diff(from: to, to: .empty).allSatisfy { $0.status == .deleted })
        #expect(try repository.diff(from: to, to: to).isEmpty)
    }

    @Test func typeChangeIsReported() throws {
        let scratch = ScratchRepository()
        scratch.write("thing", "file\n")
        scratch.write("target.txt", "target\n")
        let base = try scratch.commit("base")
        scratch.remove("thing")
        scratch.symlink("thing", to: "target.txt")
        let head = try scratch.commit("now a link")
        let repository = try Repository.open(at: scratch.path)
        let changes = try repository.diff(
            from: .commit(try repository.resolveCommit(base)),
            to: .commit(try repository.resolveCommit(head))
        )
        #expect(changes.map(\.status) == [.typeChanged])
        #expect(changes.first?.path == "thing")
    }
}

@Suite struct SubmoduleTests {
    @Test func submodulesAndNestedRepositoriesAreNotFiles() throws {
        let library = ScratchRepository()
        library.write("lib.txt", "library\n")
        try library.commit("library")

        let scratch = ScratchRepository()
        scratch.write("file.txt", "file\n")
        try scratch.git("-c", "protocol.file.allow=always", "submodule", "--quiet", "add", library.path, "vendor/lib")
        let withSubmodule = try scratch.commit("add submodule")
        // An untracked nested repository.
        try scratch.git(in: scratch.path, "init", "--quiet", "nested")
        scratch.write("nested/inner.txt", "inner\n")

        let repository = try Repository.open(at: scratch.path)
        let head = Snapshot.commit(try repository.resolveCommit(withSubmodule))
        #expect(try repository.entries(of: head).map(\.path) == [".gitmodules", "file.txt"])
        #expect(try repository.entries(of: .index).map(\.path) == [".gitmodules", "file.txt"])
        #expect(try repository.entries(of: .workdir).map(\.path) == [".gitmodules", "file.txt"])
        #expect(try repository.diff(from: .empty, to: head).map(\.path) == [".gitmodules", "file.txt"])
        #expect(try repository.diff(from: head, to: .workdir).isEmpty)
    }

    @Test func submoduleCommitsCountOnlyWhenAskedFor() throws {
        let scratch = ScratchRepository()
        scratch.write("a.txt", "a\n")
        let first = try scratch.commit("base")
        try scratch.git("update-index", "--add", "--cacheinfo", "160000,\(first),vendor/lib")
        // Not `commit`: `git add -A` would drop a gitlink without a checkout on disk.
        try scratch.git("commit", "--quiet", "-m", "add a submodule")
        let second = try scratch.git("rev-parse", "HEAD")
        try scratch.git("update-index", "--cacheinfo", "160000,\(second),vendor/lib")
        let repository = try Repository.open(at: scratch.path)
        let head = try #require(try repository.headCommit())

        #expect(try repository.diff(from: .commit(head), to: .index).isEmpty)
        let bumped = try repository.diff(from: .commit(head), to: .index, submodules: true)
        #expect(bumped.map(\.path) == ["vendor/lib"])
        #expect(bumped.first?.status == .modified)
        #expect(bumped.first?.oldMode == .gitlink && bumped.first?.newMode == .gitlink)
        #expect(bumped.first?.newID == ObjectID(hex: second))
        let added = try repository.diff(from: .commit(try #require(ObjectID(hex: first))), to: .commit(head), submodules: true)
        #expect(added.map(\.status) == [.added])
    }

    @Test func aDiffOfASymlinkStatesMode120000() throws {
        let patch = try Repository.unifiedDiff(old: nil, new: Array("../target".utf8), oldPath: "link", newPath: "link", newMode: .symlink)
        #expect(patch.contains("new file mode 120000\nindex 0000000.."), "\(patch)")
        let changed = try Repository.unifiedDiff(
            old: Array("a".utf8), new: Array("b".utf8), oldPath: "link", newPath: "link",
            oldMode: .symlink, newMode: .symlink)
        #expect(changed.contains(" 120000\n--- a/link"), "\(changed)")
        let retyped = try Repository.unifiedDiff(old: Array("a\n".utf8), new: Array("b".utf8), oldPath: "x", newPath: "x", newMode: .symlink)
        #expect(retyped.contains("old mode 100644\nnew mode 120000\n"), "\(retyped)")
    }
}

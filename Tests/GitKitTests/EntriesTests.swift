import Foundation
import GitKit
import Testing
import _TestSupport

@Suite struct EntriesTests {
    /// A committed tree with nested folders, an executable and a symlink.
    private func makeRepository() throws -> ScratchRepository {
        let scratch = ScratchRepository()
        scratch.write("README.md", "readme\n")
        scratch.write("src/app/main.swift", "print(1)\n")
        scratch.write("src/app/util.swift", "let x = 1\n")
        scratch.write("src/lib.swift", "lib\n")
        scratch.write("src.txt", "not in src\n")
        scratch.write("srcfoo/x.txt", "not in src either\n")
        scratch.write("tools/run.sh", "#!/bin/sh\n")
        scratch.setExecutable("tools/run.sh")
        scratch.symlink("link", to: "README.md")
        scratch.write(".gitignore", "*.log\n")
        try scratch.commit("tree")
        return scratch
    }

    @Test func commitEntriesMatchLsTree() throws {
        let scratch = try makeRepository()
        let repository = try Repository.open(at: scratch.path)
        let entries = try repository.entries(of: .commit(try repository.resolveCommit("HEAD")))

        let lsTree = try scratch.git("ls-tree", "-r", "HEAD").split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            let meta = parts[0].split(separator: " ")
            return (mode: String(meta[0]), id: String(meta[2]), path: String(parts[1]))
        }
        #expect(entries.map(\.path) == lsTree.map(\.path))
        #expect(entries.map(\.id.hex) == lsTree.map(\.id))
        #expect(entries.allSatisfy { !$0.onDisk })
        let byPath = Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0) })
        #expect(byPath["tools/run.sh"]?.isExecutable == true)
        #expect(byPath["README.md"]?.isExecutable == false)
        #expect(byPath["link"]?.isSymlink == true)
        #expect(byPath["link"].map { try? repository.readBlob($0.id) } == Array("README.md".utf8))
    }

    @Test func commitEntriesUnderFolder() throws {
        let scratch = try makeRepository()
        let repository = try Repository.open(at: scratch.path)
        let head = Snapshot.commit(try repository.resolveCommit("HEAD"))
        let expected = ["src/app/main.swift", "src/app/util.swift", "src/lib.swift"]
        #expect(try repository.entries(of: head, under: "src").map(\.path) == expected)
        #expect(try repository.entries(of: head, under: "src/").map(\.path) == expected)
        #expect(try repository.entries(of: head, under: "./src").map(\.path) == expected)
        #expect(try repository.entries(of: head, under: "src/app").map(\.path) == Array(expected.prefix(2)))
        #expect(try repository.entries(of: head, under: "src/lib.swift").map(\.path) == ["src/lib.swift"])
        #expect(try repository.entries(of: head, under: "missing").isEmpty)
        #expect(try repository.entries(of: head, under: ".").count == 9)
    }

    @Test func indexEntriesSeeStagedButNotUnstagedChanges() throws {
        let scratch = try makeRepository()
        scratch.write("src/new.swift", "new\n")
        scratch.stage("src/new.swift")
        scratch.write("src/lib.swift", "changed but not staged\n")
        scratch.remove("README.md") // deleted on disk, still in the index
        let repository = try Repository.open(at: scratch.path)

        let entries = try repository.entries(of: .index)
        let paths = entries.map(\.path)
        #expect(paths.contains("src/new.swift"))
        #expect(paths.contains("README.md"))
        #expect(entries.allSatisfy { !$0.onDisk })
        let lib = try #require(entries.first { $0.path == "src/lib.swift" })
        #expect(lib.id.hex == (try scratch.git("rev-parse", "HEAD:src/lib.swift")))
        #expect(
            try repository.entries(of: .index, under: "src").map(\.path)
                == ["src/app/main.swift", "src/app/util.swift", "src/lib.swift", "src/new.swift"])
    }

    @Test func indexIsReReadAfterGitChangesIt() throws {
        let scratch = try makeRepository()
        let repository = try Repository.open(at: scratch.path)
        #expect(try repository.entries(of: .index).count == 9)
        scratch.write("later.txt", "later\n")
        scratch.stage("later.txt")
        #expect(try repository.entries(of: .index).map(\.path).contains("later.txt"))
    }

    @Test func workdirEntriesOverlayTheWorkingTree() throws {
        let scratch = try makeRepository()
        scratch.write("src/lib.swift", "changed on disk\n")
        scratch.remove("README.md")
        scratch.write("src/untracked/deep.swift", "untracked\n")
        scratch.write("debug.log", "ignored\n")
        scratch.write("staged.txt", "staged only\n")
        scratch.stage("staged.txt")
        let repository = try Repository.open(at: scratch.path)

        let entries = try repository.entries(of: .workdir)
        let byPath = Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0) })
        #expect(entries.map(\.path) == entries.map(\.path).sorted())
        #expect(byPath["README.md"] == nil)
        #expect(byPath["debug.log"] == nil)

        let lib = try #require(byPath["src/lib.swift"])
        #expect(lib.onDisk)
        #expect(lib.id.hex == (try scratch.git("hash-object", "src/lib.swift")))
        #expect(try repository.read(lib) == Array("changed on disk\n".utf8))

        let untracked = try #require(byPath["src/untracked/deep.swift"])
        #expect(untracked.onDisk)
        #expect(untracked.id.hex == (try scratch.git("hash-object", "src/untracked/deep.swift")))
        #expect(try repository.read(untracked) == Array("untracked\n".utf8))

        let staged = try #require(byPath["staged.txt"])
        #expect(!staged.onDisk)
        #expect(try repository.read(staged) == Array("staged only\n".utf8))
        #expect(byPath["src/app/main.swift"]?.onDisk == false)
        #expect(byPath["tools/run.sh"]?.isExecutable == true)

        #expect(
            try repository.entries(of: .workdir, under: "src").map(\.path)
                == ["src/app/main.swift", "src/app/util.swift", "src/lib.swift", "src/untracked/deep.swift"])
        #expect(try repository.entries(of: .workdir, under: "src/untracked").map(\.path) == ["src/untracked/deep.swift"])
    }

    @Test func workdirSymlinkAndModeChanges() throws {
        let scratch = try makeRepository()
        scratch.remove("link")
        scratch.symlink("link", to: "src/lib.swift")
        scratch.setExecutable("README.md")
        let repository = try Repository.open(at: scratch.path)
        let byPath = Dictionary(uniqueKeysWithValues: try repository.entries(of: .workdir).map { ($0.path, $0) })

        let link = try #require(byPath["link"])
        #expect(link.isSymlink && link.onDisk)
        #expect(try repository.read(link) == Array("src/lib.swift".utf8))
        let expected = try scratch.git("rev-parse", "HEAD:src/lib.swift")
        #expect(link.id.hex != expected) // a link's id is its target's text, not the target's content
        #expect(byPath["README.md"]?.isExecutable == true)
    }

    @Test func emptySnapshotHasNoEntries() throws {
        let scratch = try makeRepository()
        #expect(try Repository.open(at: scratch.path).entries(of: .empty).isEmpty)
    }

    @Test func readBlobAndSize() throws {
        let scratch = try makeRepository()
        let repository = try Repository.open(at: scratch.path)
        let id = try #require(ObjectID(hex: try scratch.git("rev-parse", "HEAD:src/app/main.swift")))
        #expect(try repository.readBlob(id) == Array("print(1)\n".utf8))
        #expect(try repository.blobSize(id) == 9)
        let missing = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        #expect(throws: GitError.objectMissing(missing)) { try repository.readBlob(missing) }
        #expect(throws: GitError.objectMissing(missing)) { try repository.blobSize(missing) }
    }

    @Test func bareRepositoryHasNoIndexOrWorkdir() throws {
        let source = try makeRepository()
        let bare = source.root + "/bare.git"
        try source.git(in: source.root, "clone", "--quiet", "--bare", source.path, bare)
        let repository = try Repository.open(at: bare)
        #expect(repository.isBare)
        #expect(try repository.entries(of: .commit(try repository.resolveCommit("main"))).count == 9)
        #expect(throws: GitError.bareRepository(operation: "reading the index")) {
            try repository.entries(of: .index)
        }
        #expect(throws: GitError.bareRepository(operation: "reading the working tree")) {
            try repository.entries(of: .workdir)
        }
        #expect(throws: GitError.self) {
            try repository.diff(from: .empty, to: .index)
        }
    }

    @Test func largeTreesListEveryFileTheSameFromTreeAndIndex() throws {
        let scratch = ScratchRepository()
        // Write 5,000 files straight into the index with one git call, then commit.
        var lines: [String] = []
        let blob = try scratch.git("hash-object", "-w", "--stdin") // stdin is empty
        for folder in 0..<50 {
            for file in 0..<100 {
                lines.append("100644 \(blob)\tpackage\(folder)/sub/file\(file).swift")
            }
        }
        let indexInfo = scratch.root + "/index-info"
        try lines.joined(separator: "\n").appending("\n").write(toFile: indexInfo, atomically: true, encoding: .utf8)
        let update = try runProcess("/bin/sh", ["-c", "git update-index --index-info < \"$1\"", "sh", indexInfo], cwd: scratch.path, env: scratch.environment)
        #expect(update.status == 0, "\(update.stderr)")
        try scratch.git("commit", "--quiet", "-m", "many")
        let repository = try Repository.open(at: scratch.path)
        let head = Snapshot.commit(try repository.resolveCommit("HEAD"))
        // Speed is measured by bench/, not here: a unit test asserts behaviour only.
        let treeEntries = try repository.entries(of: head)
        let indexEntries = try repository.entries(of: .index)
        #expect(treeEntries.count == 5_000)
        #expect(indexEntries == treeEntries)
        #expect(try repository.entries(of: head, under: "package7").count == 100)
    }
}

@Suite("Tree ids")
struct TreeIDTests {
    @Test func folderTreeIDsChangeOnlyWithTheirContent() throws {
        let scratch = ScratchRepository()
        scratch.write("dbt/models/a.sql", "select 1\n")
        scratch.write("other/readme.md", "x\n")
        let first = try scratch.commit("one")
        scratch.write("other/readme.md", "y\n")
        let second = try scratch.commit("two")
        scratch.write("dbt/models/a.sql", "select 2\n")
        let third = try scratch.commit("three")
        let repository = try Repository.open(at: scratch.path)
        let ids = try [first, second, third].map { try repository.treeID(ofCommit: #require(ObjectID(hex: $0)), path: "dbt") }
        #expect(ids[0] != nil)
        #expect(ids[0] == ids[1])
        #expect(ids[1] != ids[2])
        #expect(try repository.treeID(ofCommit: #require(ObjectID(hex: first)), path: "missing") == nil)
        #expect(try repository.treeID(ofCommit: #require(ObjectID(hex: first)), path: "dbt/models/a.sql") == nil)
        #expect(try repository.treeID(ofCommit: #require(ObjectID(hex: first))) != ids[0])
    }
}

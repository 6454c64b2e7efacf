import CLibgit2
import Foundation

extension Repository {
    /// What is staged against commit `head`, read as git does: through the index's cache tree,
    /// comparing only the folders on the way to a staged change. Nil where this cannot give
    /// exactly libgit2's answer (see ``IndexFile``; also submodules unless they count, unusual
    /// tree modes, very deep trees, and a deletion and an addition together when renames are asked
    /// for, which libgit2 pairs by content): the caller then asks libgit2. `submodules` as in
    /// ``diff(from:to:renames:submodules:)``: a gitlink is then compared by its recorded commit.
    func stagedChangesThroughCacheTree(head: ObjectID, renames: Bool, submodules: Bool = false) throws -> [FileChange]? {
        guard let index = exactIndexFile(), let root = index.tree else { return nil }
        return try withTree(ofCommit: head) { tree in
            var walk = CacheTreeWalk(repository: self, index: index, submodules: submodules)
            guard try walk.compare(prefix: [], tree: tree, node: root, range: 0..<index.entries.count, depth: 0) else { return nil }
            // libgit2 pairs a deletion with a similar addition.
            if (renames && walk.added && walk.deleted) || walk.uncountedGitlink {
                return nil
            }
            return Self.sorted(walk.changes)
        }
    }
}

/// The comparison of HEAD's tree with the index, folder by folder. Each `compare` returns false
/// to give up (the whole answer then comes from libgit2).
private struct CacheTreeWalk {
    let repository: Repository
    let index: IndexFile
    /// Whether gitlinks count (compared by commit); without, any gitlink met gives up.
    let submodules: Bool
    var changes: [FileChange] = []
    var added = false
    var deleted = false
    /// An added gitlink when gitlinks do not count: the walk's answer is then not used.
    var uncountedGitlink = false

    /// Deeper trees are left to libgit2, whose walk keeps no recursion on the stack.
    static let maximumDepth = 256

    private struct HeadEntry {
        let id: ObjectID
        let mode: UInt32
    }

    /// Compares the folder `prefix` (empty, or ending in `/`): HEAD's `tree`, the cache tree's
    /// `node` for it (if any) and the index entries `range` (all under `prefix`).
    mutating func compare(prefix: [UInt8], tree: OpaquePointer, node: IndexFile.TreeNode?, range: Range<Int>, depth: Int) throws -> Bool {
        guard depth <= Self.maximumDepth else { return false }
        if let recorded = node?.id, let treeID = git_tree_id(tree), recorded == ObjectID(treeID.pointee) {
            return true // git wrote this folder's tree from the index, and HEAD has the same
        }
        // HEAD's side of this folder.
        var head: [[UInt8]: HeadEntry] = [:]
        for position in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, position), let name = git_tree_entry_name(entry),
                let id = git_tree_entry_id(entry)
            else { return false }
            let mode = git_tree_entry_filemode_raw(entry).rawValue
            guard [0o100644, 0o100755, 0o120000, 0o040000].contains(mode) || (submodules && mode == 0o160000) else { return false }
            head[Self.bytes(name)] = HeadEntry(id: ObjectID(id.pointee), mode: mode)
        }
        // The index's side: files directly in the folder, and each subfolder's run of entries.
        var files: [[UInt8]: Int] = [:]
        var folders: [[UInt8]: Range<Int>] = [:]
        var position = range.lowerBound
        while position < range.upperBound {
            let path = index.path(index.entries[position])
            let rest = path.dropFirst(prefix.count)
            guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else {
                if index.entries[position].mode == 0o160000 && !submodules { return false }
                files[Array(rest)] = position
                position += 1
                continue
            }
            // The folder's run ends before `name0` ('0' follows '/' in byte order).
            var after = Array(path[path.startIndex...slash])
            after[after.count - 1] = UInt8(ascii: "0")
            let end = index.lowerBound(after[...], in: position + 1..<range.upperBound)
            folders[Array(rest[rest.startIndex..<slash])] = position..<end
            position = end
        }
        // A name that is both a file and a folder is no index git writes.
        guard !files.keys.contains(where: { folders[$0] != nil }) else { return false }

        for (name, entry) in head {
            let path = prefix + name
            if entry.mode == 0o040000 {
                if let run = folders[name] {
                    let child = node?.child(named: name[...])
                    if let recorded = child?.id, recorded == entry.id {
                        continue // unchanged, seen without reading HEAD's subtree
                    }
                    let fine = try repository.withTree(id: entry.id) { subtree in
                        try compare(prefix: path + [UInt8(ascii: "/")], tree: subtree, node: child, range: run, depth: depth + 1)
                    }
                    guard fine else { return false }
                } else {
                    guard try deleteAll(under: path, treeID: entry.id, depth: depth + 1) else { return false }
                    if let file = files[name] { add(file) }
                }
            } else if let file = files[name] {
                let staged = index.entries[file]
                let stagedID = index.id(staged)
                if stagedID != entry.id || staged.mode != entry.mode {
                    // libgit2's GIT_MODE_TYPE: a file, a symlink and a gitlink are kinds apart.
                    let kindChanged = staged.mode & 0o170000 != entry.mode & 0o170000
                    let text = String(decoding: path, as: UTF8.self)
                    changes.append(
                        FileChange(
                            status: kindChanged ? .typeChanged : .modified, oldPath: text, newPath: text, oldID: entry.id, newID: stagedID,
                            oldMode: FileMode(rawValue: entry.mode), newMode: FileMode(rawValue: staged.mode)))
                }
            } else {
                delete(path: path, entry: entry)
                if let run = folders[name] { run.forEach { add($0) } }
            }
        }
        for (name, file) in files where head[name] == nil {
            add(file)
        }
        for (name, run) in folders where head[name] == nil {
            run.forEach { add($0) }
        }
        return true
    }

    private static func bytes(_ name: UnsafePointer<CChar>) -> [UInt8] {
        Array(UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name)))
    }

    private mutating func add(_ position: Int) {
        let entry = index.entries[position]
        added = true
        uncountedGitlink = uncountedGitlink || (entry.mode == 0o160000 && !submodules)
        changes.append(
            FileChange(
                status: .added, oldPath: nil, newPath: String(decoding: index.path(entry), as: UTF8.self), oldID: nil,
                newID: index.id(entry), newMode: FileMode(rawValue: entry.mode)))
    }

    private mutating func delete(path: [UInt8], entry: HeadEntry) {
        deleted = true
        changes.append(
            FileChange(
                status: .deleted, oldPath: String(decoding: path, as: UTF8.self), newPath: nil, oldID: entry.id, newID: nil,
                oldMode: FileMode(rawValue: entry.mode)))
    }

    /// Every file of HEAD's folder `path` (tree `treeID`) as deleted.
    private mutating func deleteAll(under path: [UInt8], treeID: ObjectID, depth: Int) throws -> Bool {
        guard depth <= Self.maximumDepth else { return false }
        return try repository.withTree(id: treeID) { tree in
            for position in 0..<git_tree_entrycount(tree) {
                guard let entry = git_tree_entry_byindex(tree, position), let name = git_tree_entry_name(entry),
                    let id = git_tree_entry_id(entry)
                else { return false }
                let mode = git_tree_entry_filemode_raw(entry).rawValue
                let child = path + [UInt8(ascii: "/")] + Self.bytes(name)
                switch mode {
                case 0o040000:
                    guard try deleteAll(under: child, treeID: ObjectID(id.pointee), depth: depth + 1) else { return false }
                case 0o100644, 0o100755, 0o120000,
                    0o160000 where submodules || mode != 0o160000:
                    delete(path: child, entry: HeadEntry(id: ObjectID(id.pointee), mode: mode))
                default:
                    return false
                }
            }
            return true
        }
    }
}

extension Repository {
    /// The index file read directly, where that gives libgit2's answers: not in a bare repository,
    /// nor with `core.ignorecase` (libgit2 then matches and sorts paths without case).
    /// Read again only when the file changed (another inode, size, or change time), as libgit2
    /// re-reads its index.
    func exactIndexFile() -> IndexFile? {
        guard !isBare, !ignoresCase else { return nil }
        let path = gitDirectory + "/index"
        guard let stamp = IndexFile.Stamp(path: path) else { return nil }
        if let cache = indexFileCache, cache.stamp == stamp {
            return cache.file
        }
        let file = IndexFile.read(at: path)
        indexFileCache = IndexFile.Cached(stamp: stamp, file: file)
        return file
    }

    fileprivate func withTree<Result>(id: ObjectID, _ body: (OpaquePointer) throws -> Result) throws -> Result {
        var oid = id.oid
        var tree: OpaquePointer?
        let code = git_tree_lookup(&tree, handle, &oid)
        if code == GIT_ENOTFOUND.rawValue {
            throw GitError.objectMissing(id)
        }
        try check(code, "git_tree_lookup")
        defer { git_tree_free(tree) }
        return try body(try unwrap(tree, "git_tree_lookup"))
    }
}

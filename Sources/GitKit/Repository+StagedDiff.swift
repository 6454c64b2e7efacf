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
            try index.withStorage { storage in
                var walk = CacheTreeWalk(repository: self, index: index, storage: storage, submodules: submodules)
                guard try walk.compare(prefix: [], tree: tree, node: root, range: 0..<index.entries.count, depth: 0) else { return nil }
                // libgit2 pairs a deletion with a similar addition.
                if (renames && walk.added && walk.deleted) || walk.uncountedGitlink {
                    return nil
                }
                return Self.sorted(walk.changes)
            }
        }
    }
}

/// The comparison of HEAD's tree with the index, folder by folder. Each `compare` returns false
/// to give up (the whole answer then comes from libgit2).
private struct CacheTreeWalk {
    let repository: Repository
    let index: IndexFile
    /// The index's storage, which its entries point into (lent for the walk's duration).
    let storage: UnsafeBufferPointer<UInt8>
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
    /// `node` for it (if any) and the index entries `range` (all under `prefix`). Both sides are
    /// in git's order — a tree's entries by name, a folder's name as if it ended in `/`; the
    /// index's paths in byte order, which is the same order for one folder's children — so one
    /// merge pass pairs them, without a table of either side.
    mutating func compare(prefix: [UInt8], tree: OpaquePointer, node: IndexFile.TreeNode?, range: Range<Int>, depth: Int) throws -> Bool {
        guard depth <= Self.maximumDepth else { return false }
        if let recorded = node?.id, let treeID = git_tree_id(tree), recorded == ObjectID(treeID.pointee) {
            return true // git wrote this folder's tree from the index, and HEAD has the same
        }
        let treeCount = git_tree_entrycount(tree)
        var (position, next) = (0, range.lowerBound)
        var previousHead: Name?
        var checked = -1
        while true {
            // HEAD's next entry, checked to be in order (libgit2 does not check a tree's order).
            var head: (name: Name, id: ObjectID, mode: UInt32)?
            if position < treeCount {
                guard let entry = git_tree_entry_byindex(tree, position), let cName = git_tree_entry_name(entry),
                    let id = git_tree_entry_id(entry)
                else { return false }
                let mode = git_tree_entry_filemode_raw(entry).rawValue
                guard [0o100644, 0o100755, 0o120000, 0o040000].contains(mode) || (submodules && mode == 0o160000) else { return false }
                let raw = UnsafeRawPointer(cName).assumingMemoryBound(to: UInt8.self)
                let name = Name(bytes: UnsafeBufferPointer(start: raw, count: strlen(cName)), isFolder: mode == 0o040000)
                if position != checked {
                    if let previousHead, previousHead.order(name) >= 0 { return false }
                    (previousHead, checked) = (name, position)
                }
                head = (name, ObjectID(id.pointee), mode)
            }
            // The index's next child: a file directly here, or a subfolder and its run of entries.
            var staged: (name: Name, run: Range<Int>)?
            if next < range.upperBound {
                let entry = index.entries[next]
                let path = UnsafeBufferPointer(rebasing: storage[entry.pathStart..<entry.pathEnd])
                let rest = UnsafeBufferPointer(rebasing: path[prefix.count...])
                if let base = rest.baseAddress, let slash = memchr(base, Int32(UInt8(ascii: "/")), rest.count) {
                    let length = UnsafeRawPointer(slash) - UnsafeRawPointer(base)
                    // The folder's run ends before `name0` ('0' follows '/' in byte order).
                    var after = Array(path[0..<prefix.count + length + 1])
                    after[after.count - 1] = UInt8(ascii: "0")
                    let end = index.lowerBound(after[...], in: next + 1..<range.upperBound)
                    staged = (Name(bytes: UnsafeBufferPointer(start: base, count: length), isFolder: true), next..<end)
                } else {
                    if entry.mode == 0o160000 && !submodules { return false }
                    staged = (Name(bytes: rest, isFolder: false), next..<next + 1)
                }
            }
            // Which comes first: HEAD's entry, the index's child, or both (the same name and kind).
            let order: Int
            switch (head, staged) {
            case (nil, nil): return true
            case (nil, _): order = 1
            case (_, nil): order = -1
            case (let head?, let staged?): order = head.name.order(staged.name)
            }
            if order <= 0, let head {
                if order == 0, let staged {
                    guard try pair(prefix: prefix, head: head, run: staged.run, node: node, depth: depth) else { return false }
                    next = staged.run.upperBound
                } else if head.name.isFolder {
                    guard try deleteAll(under: prefix + Array(head.name.bytes), treeID: head.id, depth: depth + 1) else { return false }
                } else {
                    delete(path: prefix + Array(head.name.bytes), entry: HeadEntry(id: head.id, mode: head.mode))
                }
                position += 1
            } else if let staged {
                staged.run.forEach { add($0) }
                next = staged.run.upperBound
            }
        }
    }

    /// A name HEAD and the index both have, of the same kind (file or folder).
    private mutating func pair(
        prefix: [UInt8], head: (name: Name, id: ObjectID, mode: UInt32), run: Range<Int>, node: IndexFile.TreeNode?, depth: Int
    ) throws -> Bool {
        let path = prefix + Array(head.name.bytes)
        if head.name.isFolder {
            let child = node?.child(named: path[prefix.count...])
            if let recorded = child?.id, recorded == head.id {
                return true // unchanged, seen without reading HEAD's subtree
            }
            return try repository.withTree(head.id) { subtree in
                try compare(prefix: path + [UInt8(ascii: "/")], tree: subtree, node: child, range: run, depth: depth + 1)
            }
        }
        let staged = index.entries[run.lowerBound]
        let stagedID = index.id(staged)
        if stagedID != head.id || staged.mode != head.mode {
            // libgit2's GIT_MODE_TYPE: a file, a symlink and a gitlink are kinds apart.
            let kindChanged = staged.mode & 0o170000 != head.mode & 0o170000
            let text = String(decoding: path, as: UTF8.self)
            changes.append(
                FileChange(
                    status: kindChanged ? .typeChanged : .modified, oldPath: text, newPath: text, oldID: head.id, newID: stagedID,
                    oldMode: FileMode(rawValue: head.mode), newMode: FileMode(rawValue: staged.mode)))
        }
        return true
    }

    /// A child's name in a folder and whether it is a folder, ordered as git orders tree entries.
    private struct Name {
        let bytes: UnsafeBufferPointer<UInt8>
        let isFolder: Bool

        /// Negative, zero or positive as `self` sorts before, with or after `other`: bytes
        /// first, then a folder's name as if it ended in `/` (so a file and a folder of the same
        /// name are two entries, as libgit2 sees them).
        func order(_ other: Name) -> Int {
            let common = min(bytes.count, other.bytes.count)
            if common > 0, let left = bytes.baseAddress, let right = other.bytes.baseAddress {
                let order = memcmp(left, right, common)
                if order != 0 { return Int(order) }
            }
            let mine = bytes.count > common ? Int(bytes[common]) : isFolder ? 0x2F : 0
            let theirs = other.bytes.count > common ? Int(other.bytes[common]) : other.isFolder ? 0x2F : 0
            return mine - theirs
        }
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
        return try repository.withTree(treeID) { tree in
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
        let path = indexFilePath ?? gitDirectory + "/index"
        guard let stamp = IndexFile.Stamp(path: path) else { return nil }
        if let cache = indexFileCache, cache.stamp == stamp {
            return cache.file
        }
        let file = IndexFile.read(at: path)
        indexFileCache = IndexFile.Cached(stamp: stamp, file: file)
        return file
    }
}

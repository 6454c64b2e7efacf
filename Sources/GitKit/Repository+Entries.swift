import CLibgit2
import Foundation

extension Repository {
    /// Every file (regular, executable or symlink) in a snapshot, recursively,
    /// sorted by path in byte order, as git sorts. Submodules are not files.
    ///
    /// - Parameters:
    ///   - snapshot: Which state to read. `.workdir` is the index overlaid with
    ///     the working tree: files changed on disk come with `onDisk` set and the
    ///     id of their content, files deleted on disk are left out, and untracked
    ///     files that `.gitignore` does not exclude are added.
    ///   - folder: A repository-relative folder; when given, only paths inside it
    ///     (or equal to it) are returned.
    /// - Throws: ``GitError/bareRepository(operation:)`` for `.index` or
    ///   `.workdir` in a bare repository.
    public func entries(of snapshot: Snapshot, under folder: String = "") throws -> [TreeEntry] {
        let folder = Self.normalizedFolder(folder)
        var result: [TreeEntry]
        switch snapshot {
        case .empty:
            return []
        case .commit(let id):
            result = try treeEntries(ofCommit: id, under: folder)
        case .index:
            if let file = exactIndexFile() {
                // A file at the folder's own path counts too, and sorts before what is inside.
                let folderBytes = Array(folder.utf8)
                let itself = folder.isEmpty ? [] : file.position(of: folderBytes).map { [$0] } ?? []
                return (itself + file.range(under: folderBytes)).compactMap { position in
                    let entry = file.entries[position]
                    return Self.treeEntry(path: String(decoding: file.path(entry), as: UTF8.self), id: file.id(entry), mode: entry.mode)
                }
            }
            result = try withIndex(operation: "reading the index") { index in
                indexEntries(index, under: folder)
            }
        case .workdir:
            result = try workdirEntries(under: folder)
        }
        // Trees and the index are already in this order (unless core.ignorecase
        // sorted the index another way), and sorting sorted input is linear.
        result.sort { pathPrecedes($0.path, $1.path) }
        return result
    }

    /// `folder` without leading `./`, surrounding slashes, or a lone `.`.
    static func normalizedFolder(_ folder: String) -> String {
        var folder = Substring(folder)
        while folder.hasPrefix("./") {
            folder = folder.dropFirst(2)
        }
        while folder.hasPrefix("/") {
            folder = folder.dropFirst()
        }
        while folder.hasSuffix("/") {
            folder = folder.dropLast()
        }
        return folder == "." ? "" : String(folder)
    }

    // MARK: Commit trees

    /// The id of the tree at `path` in a commit (the root tree for `""`); nil when the path is
    /// missing or is not a folder. Two revisions with the same tree id hold the same files there.
    public func treeID(ofCommit id: ObjectID, path: String = "") throws -> ObjectID? {
        try withTree(ofCommit: id) { root -> ObjectID? in
            guard !path.isEmpty else {
                return try ObjectID(unwrap(git_tree_id(root), "git_tree_id").pointee)
            }
            var found: OpaquePointer?
            let code = git_tree_entry_bypath(&found, root, path)
            if code == GIT_ENOTFOUND.rawValue {
                return nil
            }
            try check(code, "git_tree_entry_bypath")
            defer { git_tree_entry_free(found) }
            let entry = try unwrap(found, "git_tree_entry_bypath")
            guard git_tree_entry_filemode(entry) == GIT_FILEMODE_TREE else { return nil }
            return try ObjectID(unwrap(git_tree_entry_id(entry), "git_tree_entry_id").pointee)
        }
    }

    private func treeEntries(ofCommit id: ObjectID, under folder: String) throws -> [TreeEntry] {
        try withTree(ofCommit: id) { root in
            var result: [TreeEntry] = []
            guard !folder.isEmpty else {
                try collect(tree: root, prefix: "", into: &result)
                return result
            }
            // Go straight to the folder instead of walking the whole tree.
            var found: OpaquePointer?
            let code = git_tree_entry_bypath(&found, root, folder)
            if code == GIT_ENOTFOUND.rawValue {
                return []
            }
            try check(code, "git_tree_entry_bypath")
            defer { git_tree_entry_free(found) }
            let entry = try unwrap(found, "git_tree_entry_bypath")
            let mode = git_tree_entry_filemode(entry)
            let oid = try unwrap(git_tree_entry_id(entry), "git_tree_entry_id")
            if mode == GIT_FILEMODE_TREE {
                try withTree(oid) { subtree in
                    try collect(tree: subtree, prefix: folder, into: &result)
                }
            } else if let file = Self.treeEntry(path: folder, id: ObjectID(oid.pointee), mode: mode.rawValue) {
                result.append(file)
            }
            return result
        }
    }

    /// Appends every blob under `tree` to `result`, depth first in tree order,
    /// which is also byte order of the full paths.
    private func collect(tree: OpaquePointer, prefix: String, into result: inout [TreeEntry]) throws {
        let count = git_tree_entrycount(tree)
        result.reserveCapacity(result.count + count)
        for position in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, position),
                let name = git_tree_entry_name(entry),
                let oid = git_tree_entry_id(entry)
            else { continue }
            let mode = git_tree_entry_filemode(entry)
            let path = prefix.isEmpty ? String(cString: name) : prefix + "/" + String(cString: name)
            if mode == GIT_FILEMODE_TREE {
                try withTree(oid) { subtree in
                    try collect(tree: subtree, prefix: path, into: &result)
                }
            } else if let file = Self.treeEntry(path: path, id: ObjectID(oid.pointee), mode: mode.rawValue) {
                result.append(file)
            }
        }
    }

    /// Lends `body` the tree `id`, freed afterwards.
    func withTree<Result>(_ id: ObjectID, _ body: (OpaquePointer) throws -> Result) throws -> Result {
        var oid = id.oid
        return try withTree(&oid, body)
    }

    /// Lends `body` the tree `oid`, freed afterwards.
    private func withTree<Result>(_ oid: UnsafePointer<git_oid>, _ body: (OpaquePointer) throws -> Result) throws -> Result {
        var tree: OpaquePointer?
        let code = git_tree_lookup(&tree, handle, oid)
        if code == GIT_ENOTFOUND.rawValue {
            throw GitError.objectMissing(ObjectID(oid.pointee))
        }
        try check(code, "git_tree_lookup")
        defer { git_tree_free(tree) }
        return try body(try unwrap(tree, "git_tree_lookup"))
    }

    /// A file entry for a blob or symlink mode; nil for submodules and trees.
    static func treeEntry(path: String, id: ObjectID, mode: UInt32, onDisk: Bool = false) -> TreeEntry? {
        guard isFile(mode: mode) else { return nil }
        return TreeEntry(
            path: path,
            id: id,
            isExecutable: mode == GIT_FILEMODE_BLOB_EXECUTABLE.rawValue,
            isSymlink: mode == GIT_FILEMODE_LINK.rawValue,
            onDisk: onDisk
        )
    }

    /// Whether a git file mode is a regular file, an executable or a symlink
    /// (not a folder or a submodule).
    static func isFile(mode: UInt32) -> Bool {
        mode == GIT_FILEMODE_BLOB.rawValue || mode == GIT_FILEMODE_BLOB_EXECUTABLE.rawValue || mode == GIT_FILEMODE_LINK.rawValue
    }

    // MARK: Index

    /// The index entries at exactly these paths (files only; absent paths are left out), read
    /// with one look at the index — cheaper than listing a large index to find a few files.
    ///
    /// - Throws: ``GitError/bareRepository(operation:)`` in a bare repository.
    public func indexEntries(at paths: [String]) throws -> [TreeEntry] {
        if let file = exactIndexFile() {
            return paths.compactMap { path in
                file.position(of: Array(path.utf8)).flatMap { position in
                    Self.treeEntry(path: path, id: file.id(file.entries[position]), mode: file.entries[position].mode)
                }
            }
        }
        return try indexEntriesThroughLibgit2(at: paths)
    }

    /// ``indexEntries(at:)`` as libgit2 reads the index (the tests compare the two).
    func indexEntriesThroughLibgit2(at paths: [String]) throws -> [TreeEntry] {
        try withIndex(operation: "reading the index") { index in
            paths.compactMap { path in
                guard let entry = git_index_get_bypath(index, path, 0) else { return nil }
                return Self.treeEntry(path: path, id: ObjectID(entry.pointee.id), mode: entry.pointee.mode)
            }
        }
    }

    /// Stage-0 file entries of `index` inside `folder`.
    func indexEntries(_ index: OpaquePointer, under folder: String) -> [TreeEntry] {
        let count = git_index_entrycount(index)
        var result: [TreeEntry] = []
        result.reserveCapacity(folder.isEmpty ? count : 0)
        var folderBytes = Array(folder.utf8CString)
        folderBytes.removeLast() // the terminating NUL
        for position in 0..<count {
            guard let entry = git_index_get_byindex(index, position),
                git_index_entry_stage(entry) == 0,
                let cPath = entry.pointee.path
            else { continue }
            if !folderBytes.isEmpty, !Self.path(cPath, isInside: folderBytes) {
                continue
            }
            if let file = Self.treeEntry(path: String(cString: cPath), id: ObjectID(entry.pointee.id), mode: entry.pointee.mode) {
                result.append(file)
            }
        }
        return result
    }

    /// Whether the C path equals `folder` or lies inside it, without making a String.
    private static func path(_ path: UnsafePointer<CChar>, isInside folder: [CChar]) -> Bool {
        folder.withUnsafeBufferPointer { prefix in
            guard let start = prefix.baseAddress, strncmp(path, start, prefix.count) == 0 else { return false }
            let next = path[prefix.count]
            return next == 0 || next == CChar(UInt8(ascii: "/"))
        }
    }

    // MARK: Working tree

    private func workdirEntries(under folder: String) throws -> [TreeEntry] {
        guard let workdir else {
            throw GitError.bareRepository(operation: "reading the working tree")
        }
        return try withIndex(operation: "reading the working tree") { index in
            let tracked = indexEntries(index, under: folder)

            var options = git_diff_options()
            try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
            options.ignore_submodules = GIT_SUBMODULE_IGNORE_ALL
            options.flags =
                GIT_DIFF_INCLUDE_UNTRACKED.rawValue
                | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
                | GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
            if !folder.isEmpty {
                options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
            }
            let diff = try withStringArray(folder.isEmpty ? [] : [folder]) { pathspec in
                options.pathspec = pathspec
                var diff: OpaquePointer?
                try check(git_diff_index_to_workdir(&diff, handle, index, &options), "git_diff_index_to_workdir")
                return try unwrap(diff, "git_diff_index_to_workdir")
            }
            defer { git_diff_free(diff) }

            var removed = Set<String>()
            var onDisk: [String: TreeEntry] = [:]
            for position in 0..<git_diff_num_deltas(diff) {
                guard let delta = git_diff_get_delta(diff, position) else { continue }
                switch delta.pointee.status {
                case GIT_DELTA_DELETED:
                    if let path = delta.pointee.old_file.path {
                        removed.insert(String(cString: path))
                    }
                case GIT_DELTA_MODIFIED, GIT_DELTA_TYPECHANGE, GIT_DELTA_UNTRACKED, GIT_DELTA_ADDED, GIT_DELTA_CONFLICTED:
                    guard let cPath = delta.pointee.new_file.path else { continue }
                    let path = String(cString: cPath)
                    if let entry = try workdirEntry(delta.pointee.new_file, path: path, workdir: workdir) {
                        onDisk[path] = entry
                    } else {
                        removed.insert(path) // no longer a file, e.g. now a submodule
                    }
                default:
                    continue
                }
            }

            guard !removed.isEmpty || !onDisk.isEmpty else { return tracked }
            var result = tracked.filter { !removed.contains($0.path) && onDisk[$0.path] == nil }
            result.append(
                contentsOf: onDisk.values.filter {
                    folder.isEmpty || $0.path == folder || $0.path.hasPrefix(folder + "/")
                })
            return result
        }
    }

    /// The entry for a working-tree file a diff reported, with the id git
    /// would give its content; nil when it is not a file or symlink.
    func workdirEntry(_ file: git_diff_file, path: String, workdir: String) throws -> TreeEntry? {
        guard Self.isFile(mode: UInt32(file.mode)) else { return nil }
        return Self.treeEntry(path: path, id: try workdirID(file, workdir: workdir), mode: UInt32(file.mode), onDisk: true)
    }

    /// The id of a working-tree file in a diff: libgit2's when it computed one,
    /// else the hash of the content on disk (the link target for a symlink).
    func workdirID(_ file: git_diff_file, workdir: String) throws -> ObjectID {
        let known = ObjectID(file.id)
        if file.flags & GIT_DIFF_FLAG_VALID_ID.rawValue != 0, known != ObjectID.zero {
            return known
        }
        guard let cPath = file.path else { return known }
        let fullPath = workdir + "/" + String(cString: cPath)
        var oid = git_oid()
        if UInt32(file.mode) == GIT_FILEMODE_LINK.rawValue {
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: fullPath)
            var bytes = Array(target.utf8)
            try check(git_odb_hash(&oid, &bytes, bytes.count, GIT_OBJECT_BLOB), "git_odb_hash")
        } else if UInt32(file.mode) & 0o170000 == 0o100000 {
            try check(git_odb_hashfile(&oid, fullPath, GIT_OBJECT_BLOB), "git_odb_hashfile")
        } else {
            return known
        }
        return ObjectID(oid)
    }
}

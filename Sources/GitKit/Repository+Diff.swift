import CLibgit2

extension Repository {
    /// The files that differ between two snapshots, sorted by path.
    ///
    /// Any pair of snapshots works: from a commit (or `.empty`) to a commit, the
    /// index or the working tree (untracked files count as added, `.gitignore`
    /// honoured); from the index to the working tree; and the reverse of each
    /// of those. Ids of working-tree files are the ids git would give their
    /// content. Only files count, as in ``entries(of:under:)``: submodules and
    /// nested repositories are left out, and a file that becomes one is deleted.
    ///
    /// - Parameters:
    ///   - renames: Whether to pair deletions with similar additions
    ///     as renames (including untracked files in the working tree).
    ///   - submodules: Whether a submodule's commit (a gitlink, mode 160000)
    ///     counts as an entry: a bumped, added or removed submodule is then a
    ///     change at its path with ``FileMode/gitlink``, its ids commits of the
    ///     submodule (not blobs here). Its repository is never opened, so only
    ///     the recorded commit counts, as in a commit or the index; the working
    ///     tree's submodules stay left out.
    /// - Throws: ``GitError/bareRepository(operation:)`` when the index or
    ///   working tree is involved in a bare repository.
    public func diff(from old: Snapshot, to new: Snapshot, renames: Bool = true, submodules: Bool = false) throws -> [FileChange] {
        switch (old, new) {
        case (.empty, .empty), (.index, .index), (.workdir, .workdir):
            return []
        case (.commit(let head), .index):
            // The hook's question: answered from the index's cache tree when it can be.
            if let staged = try stagedChangesThroughCacheTree(head: head, renames: renames, submodules: submodules) {
                return staged
            }
            return try treeDiff(from: old, to: new, renames: renames, submodules: submodules)
        case (.commit, _), (.empty, _):
            return try treeDiff(from: old, to: new, renames: renames, submodules: submodules)
        case (.index, .workdir):
            return try indexToWorkdir(renames: renames)
        case (.index, _), (.workdir, _):
            // Diff the other way round, then turn each change around.
            return Self.sorted(try diff(from: new, to: old, renames: renames, submodules: submodules).map(\.reversed))
        }
    }

    /// HEAD against the index as libgit2 computes it, never through the cache tree (the tests
    /// hold the two answers against each other).
    func stagedChangesThroughLibgit2(head: ObjectID, renames: Bool, submodules: Bool = false) throws -> [FileChange] {
        try treeDiff(from: .commit(head), to: .index, renames: renames, submodules: submodules)
    }

    /// `old` is `.commit` or `.empty`.
    private func treeDiff(from old: Snapshot, to new: Snapshot, renames: Bool, submodules: Bool) throws -> [FileChange] {
        guard case .commit(let oldID) = old else {
            return try treeDiff(fromTree: nil, to: new, renames: renames, submodules: submodules)
        }
        return try withTree(ofCommit: oldID) { oldTree in
            try treeDiff(fromTree: oldTree, to: new, renames: renames, submodules: submodules)
        }
    }

    private func treeDiff(fromTree oldTree: OpaquePointer?, to new: Snapshot, renames: Bool, submodules: Bool) throws -> [FileChange] {
        // The working tree's submodules would need their repositories opened: never.
        let gitlinks: Bool
        if case .workdir = new { gitlinks = false } else { gitlinks = submodules }
        var options = try Self.diffOptions(submodules: gitlinks)
        switch new {
        case .empty:
            var diff: OpaquePointer?
            try check(git_diff_tree_to_tree(&diff, handle, oldTree, nil, &options), "git_diff_tree_to_tree")
            return try changes(in: try unwrap(diff, "git_diff_tree_to_tree"), renames: renames, workdir: nil, gitlinks: gitlinks)
        case .commit(let newID):
            return try withTree(ofCommit: newID) { newTree in
                var diff: OpaquePointer?
                try check(git_diff_tree_to_tree(&diff, handle, oldTree, newTree, &options), "git_diff_tree_to_tree")
                return try changes(in: try unwrap(diff, "git_diff_tree_to_tree"), renames: renames, workdir: nil, gitlinks: gitlinks)
            }
        case .index:
            return try withIndex(operation: "comparing with the index") { index in
                var diff: OpaquePointer?
                try check(git_diff_tree_to_index(&diff, handle, oldTree, index, &options), "git_diff_tree_to_index")
                return try changes(in: try unwrap(diff, "git_diff_tree_to_index"), renames: renames, workdir: nil, gitlinks: gitlinks)
            }
        case .workdir:
            guard let workdir else {
                throw GitError.bareRepository(operation: "comparing with the working tree")
            }
            // Re-read the index from disk first: libgit2 uses it as the stat cache.
            return try withIndex(operation: "comparing with the working tree") { _ in
                options.flags |= GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
                var diff: OpaquePointer?
                try check(
                    git_diff_tree_to_workdir_with_index(&diff, handle, oldTree, &options),
                    "git_diff_tree_to_workdir_with_index"
                )
                return try changes(in: try unwrap(diff, "git_diff_tree_to_workdir_with_index"), renames: renames, workdir: workdir)
            }
        }
    }

    private func indexToWorkdir(renames: Bool) throws -> [FileChange] {
        guard let workdir else {
            throw GitError.bareRepository(operation: "comparing the index with the working tree")
        }
        return try withIndex(operation: "comparing the index with the working tree") { index in
            var options = try Self.diffOptions()
            options.flags |= GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
            var diff: OpaquePointer?
            try check(git_diff_index_to_workdir(&diff, handle, index, &options), "git_diff_index_to_workdir")
            return try changes(in: try unwrap(diff, "git_diff_index_to_workdir"), renames: renames, workdir: workdir)
        }
    }

    /// - Parameter submodules: report gitlink changes (between trees and the index, where no
    ///   submodule repository is opened to compare them).
    private static func diffOptions(submodules: Bool = false) throws -> git_diff_options {
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        options.flags = GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        // Submodules are not files here; never open their repositories. Asked for, their
        // recorded commits are compared (nothing to open between trees and the index).
        options.ignore_submodules = submodules ? GIT_SUBMODULE_IGNORE_DIRTY : GIT_SUBMODULE_IGNORE_ALL
        return options
    }

    /// Reads the deltas of `diff` (and frees it), after rename detection when
    /// asked. `workdir` is set when the new side is the working tree; with
    /// `gitlinks`, a submodule side counts as an entry.
    private func changes(in diff: OpaquePointer, renames: Bool, workdir: String?, gitlinks: Bool = false) throws -> [FileChange] {
        defer { git_diff_free(diff) }
        if renames {
            var find = git_diff_find_options()
            try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "git_diff_find_options_init")
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue
            if workdir != nil {
                find.flags |= GIT_DIFF_FIND_FOR_UNTRACKED.rawValue
            }
            try check(git_diff_find_similar(diff, &find), "git_diff_find_similar")
        }

        var result: [FileChange] = []
        let count = git_diff_num_deltas(diff)
        result.reserveCapacity(count)
        for position in 0..<count {
            guard let delta = git_diff_get_delta(diff, position)?.pointee else { continue }
            var status: FileChange.Status
            switch delta.status {
            case GIT_DELTA_ADDED, GIT_DELTA_UNTRACKED: status = .added
            case GIT_DELTA_DELETED: status = .deleted
            case GIT_DELTA_MODIFIED, GIT_DELTA_CONFLICTED: status = .modified
            case GIT_DELTA_RENAMED: status = .renamed
            case GIT_DELTA_COPIED: status = .copied
            case GIT_DELTA_TYPECHANGE: status = .typeChanged
            default: continue // unmodified, ignored, unreadable
            }
            // Folders and submodules are not files: a side that is one counts as absent
            // (unless submodules were asked for).
            func counts(_ mode: UInt16) -> Bool {
                Self.isFile(mode: UInt32(mode)) || (gitlinks && UInt32(mode) == GIT_FILEMODE_COMMIT.rawValue)
            }
            let hasOld = status != .added && counts(delta.old_file.mode)
            let hasNew = status != .deleted && counts(delta.new_file.mode)
            if !hasOld && !hasNew {
                continue
            }
            if !hasOld {
                status = .added
            } else if !hasNew {
                status = .deleted
            }
            let newID: ObjectID?
            if !hasNew {
                newID = nil
            } else if let workdir {
                newID = try workdirID(delta.new_file, workdir: workdir)
            } else {
                newID = ObjectID(delta.new_file.id)
            }
            result.append(
                FileChange(
                    status: status,
                    oldPath: hasOld ? delta.old_file.path.map { String(cString: $0) } : nil,
                    newPath: hasNew ? delta.new_file.path.map { String(cString: $0) } : nil,
                    oldID: hasOld ? ObjectID(delta.old_file.id) : nil,
                    newID: newID,
                    similarity: status == .renamed || status == .copied ? Int(delta.similarity) : 0,
                    oldMode: hasOld ? FileMode(rawValue: UInt32(delta.old_file.mode)) : nil,
                    newMode: hasNew ? FileMode(rawValue: UInt32(delta.new_file.mode)) : nil
                ))
        }
        return Self.sorted(result)
    }

    static func sorted(_ changes: [FileChange]) -> [FileChange] {
        changes.sorted { pathPrecedes($0.path, $1.path) }
    }
}

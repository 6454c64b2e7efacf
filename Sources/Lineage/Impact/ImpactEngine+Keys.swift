import GitKit

extension ImpactEngine {
    /// The project-cache key of a commit's project folder; nil for the index and the working tree.
    /// Local packages add their folders' trees to the key (the same revision holds them).
    func treeKey(_ snapshot: Snapshot, root: String, adapter: String?, _ projects: ProjectCache, packages: [String] = []) throws -> String? {
        guard case .commit(let id) = snapshot, let tree = try repository.treeID(ofCommit: id, path: root) else { return nil }
        var key = projects.key(tree: tree, root: root, adapter: adapter)
        for package in packages {
            // The whole package folder (a package at the repository root is the root tree).
            key += "\u{1}" + package + "=" + (try repository.treeID(ofCommit: id, path: package)?.hex ?? "-")
        }
        return key
    }

    /// The index has no tree to key its project by; it is HEAD plus the staged changes, so
    /// HEAD's key plus every staged change (paths, ids and modes, NUL-separated: a path holds no
    /// NUL) names it exactly. A second run on the same staged state (the pre-commit and then the
    /// commit-msg hook) then reads the project from the cache instead of rebuilding it where the
    /// patch of the base cannot serve (a change in a local package). Nil for other snapshots and
    /// past 1,000 changes.
    static func stagedKey(_ head: Snapshot, baseKey: String?, changes: [FileChange]) -> String? {
        guard case .index = head, let baseKey, changes.count <= 1_000 else { return nil }
        var key = baseKey + "\u{1}staged"
        for change in changes {
            let fields = [
                change.status.rawValue, change.oldPath ?? "", change.newPath ?? "", change.oldID?.hex ?? "", change.newID?.hex ?? "",
                change.oldMode?.octal ?? "", change.newMode?.octal ?? "",
            ]
            key += "\u{1}" + fields.joined(separator: "\u{0}")
        }
        return key
    }
}

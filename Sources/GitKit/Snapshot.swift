/// Which state of the files to read.
public enum Snapshot: Sendable, Hashable {
    /// The tree of a commit.
    case commit(ObjectID)
    /// The staging area (stage 0 of the index), as on disk now.
    case index
    /// The working tree: the index overlaid with modified and untracked files
    /// that `.gitignore` does not exclude.
    case workdir
    /// No files at all, for example the parent of a first commit.
    case empty
}

/// One file in a snapshot.
public struct TreeEntry: Sendable, Hashable {
    /// Repository-relative path, with `/` separators.
    public let path: String
    /// The blob id; for a file that is only in the working tree, the id git
    /// would give its content.
    public let id: ObjectID
    /// Whether the file mode is 100755.
    public let isExecutable: Bool
    /// Whether the entry is a symbolic link (its content is the link target).
    public let isSymlink: Bool
    /// True when the content is only in the working tree (modified or
    /// untracked), so it must be read from disk rather than the object database.
    public let onDisk: Bool

    /// Creates an entry.
    public init(path: String, id: ObjectID, isExecutable: Bool = false, isSymlink: Bool = false, onDisk: Bool = false) {
        self.path = path
        self.id = id
        self.isExecutable = isExecutable
        self.isSymlink = isSymlink
        self.onDisk = onDisk
    }
}

/// The kind of a tree entry, as git writes its mode.
public enum FileMode: UInt32, Sendable, Hashable {
    /// A regular file, 100644.
    case file = 0o100644
    /// An executable file, 100755.
    case executable = 0o100755
    /// A symbolic link, 120000: its content is the link's target, as text.
    case symlink = 0o120000
    /// A submodule's commit (a gitlink), 160000.
    case gitlink = 0o160000

    /// The mode as git prints it (`100644`).
    public var octal: String { String(rawValue, radix: 8) }
}

/// One file that differs between two snapshots.
public struct FileChange: Sendable, Hashable {
    /// How the file changed.
    public enum Status: String, Sendable {
        /// The file is only in the new snapshot.
        case added
        /// The file is only in the old snapshot.
        case deleted
        /// The file's content or mode changed.
        case modified
        /// The file moved, perhaps with edits; see ``FileChange/similarity``.
        case renamed
        /// The file was copied from another file.
        case copied
        /// The file changed kind, for example from a regular file to a symlink.
        case typeChanged
    }

    /// How the file changed.
    public let status: Status
    /// The path in the old snapshot; nil when added.
    public let oldPath: String?
    /// The path in the new snapshot; nil when deleted.
    public let newPath: String?
    /// The blob id in the old snapshot; nil when added.
    public let oldID: ObjectID?
    /// The blob id in the new snapshot; nil when deleted.
    public let newID: ObjectID?
    /// How alike old and new content are, 0 to 100, for renames and copies.
    public let similarity: Int
    /// The mode in the old snapshot; nil when added (or of a kind git has no mode for).
    public let oldMode: FileMode?
    /// The mode in the new snapshot; nil when deleted.
    public let newMode: FileMode?

    /// The new path, or the old one for a deletion.
    public var path: String { newPath ?? oldPath ?? "" }

    /// Both sides' paths (one for an addition or a deletion, two for a rename).
    public var paths: [String] { [oldPath, newPath].compactMap { $0 } }

    /// Creates a change.
    public init(
        status: Status, oldPath: String?, newPath: String?, oldID: ObjectID?, newID: ObjectID?, similarity: Int = 0,
        oldMode: FileMode? = nil, newMode: FileMode? = nil
    ) {
        self.status = status
        self.oldPath = oldPath
        self.newPath = newPath
        self.oldID = oldID
        self.newID = newID
        self.similarity = similarity
        self.oldMode = oldMode ?? (oldPath == nil ? nil : .file)
        self.newMode = newMode ?? (newPath == nil ? nil : .file)
    }

    /// The same change seen from the other side: additions become deletions
    /// and old and new swap.
    var reversed: FileChange {
        let status: Status =
            switch self.status {
            case .added: .deleted
            case .deleted: .added
            default: self.status
            }
        return FileChange(
            status: status, oldPath: newPath, newPath: oldPath, oldID: newID, newID: oldID, similarity: similarity,
            oldMode: newMode, newMode: oldMode)
    }
}

extension Array where Element == TreeEntry {
    /// The entry at exactly `path`, by binary search: the array must be sorted by path in byte
    /// order, as ``Repository/entries(of:under:)`` returns it (or any filter of that). A 50,000-file
    /// project looked files up by scanning it, a few hundred thousand string comparisons a run.
    public func entry(at path: String) -> TreeEntry? {
        assert(zip(self, dropFirst()).allSatisfy { pathPrecedes($0.path, $1.path) }, "entries not sorted by path")
        var (low, high) = (0, count)
        while low < high {
            let middle = (low + high) / 2
            if pathPrecedes(self[middle].path, path) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < count && self[low].path == path ? self[low] : nil
    }
}

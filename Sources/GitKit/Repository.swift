import CLibgit2
import Foundation

/// An open git repository.
///
/// Owns the libgit2 repository handle and frees it when released. Not
/// `Sendable`: use it only in the task that opened it.
public final class Repository {
    /// The libgit2 repository; freed in `deinit`.
    let handle: OpaquePointer
    /// The object database, opened on first use and freed in `deinit`.
    private var objectDatabase: OpaquePointer?
    /// The index file other than `<git dir>/index` that git named (``useIndexFile(at:)``).
    private(set) var indexFilePath: String?
    /// The index file as last read directly, with the file's identity then (see `exactIndexFile`).
    var indexFileCache: IndexFile.Cached?
    /// Whether `core.ignorecase` is on, read once.
    lazy var ignoresCase: Bool =
        (try? withConfigSnapshot { config in
            var value: Int32 = 0
            let code = git_config_get_bool(&value, config, "core.ignorecase")
            return code == GIT_ENOTFOUND.rawValue ? false : code < 0 || value != 0
        }) ?? true

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        if let objectDatabase {
            git_odb_free(objectDatabase)
        }
        git_repository_free(handle)
    }

    /// Opens the repository containing `path`, searching upward through parent
    /// folders; works from subfolders and in linked worktrees.
    ///
    /// - Throws: ``GitError/notARepository(path:)`` when there is none.
    public static func discover(from path: String) throws -> Repository {
        try LibGit2.initialize()
        var repository: OpaquePointer?
        let code = git_repository_open_ext(&repository, path, 0, nil)
        if code == GIT_ENOTFOUND.rawValue {
            throw GitError.notARepository(path: path)
        }
        try check(code, "git_repository_open_ext")
        return Repository(handle: try unwrap(repository, "git_repository_open_ext"))
    }

    /// Opens the repository whose working tree or git directory is exactly `path`.
    ///
    /// - Throws: ``GitError/notARepository(path:)`` when `path` is not one.
    public static func open(at path: String) throws -> Repository {
        try LibGit2.initialize()
        var repository: OpaquePointer?
        let code = git_repository_open_ext(&repository, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        if code == GIT_ENOTFOUND.rawValue {
            throw GitError.notARepository(path: path)
        }
        try check(code, "git_repository_open_ext")
        return Repository(handle: try unwrap(repository, "git_repository_open_ext"))
    }

    /// The absolute path of the working tree, without a trailing slash; nil when bare.
    public var workdir: String? {
        git_repository_workdir(handle).map { String(libgit2Path: $0) }
    }

    /// Reads the index from `path` instead of `<git dir>/index`, as git does when
    /// `GIT_INDEX_FILE` is set — which it is for the hooks of `git commit -a` and
    /// `git commit <paths>`: the commit is made from a temporary index, not the usual one. A
    /// missing file is an empty index, as in git.
    public func useIndexFile(at path: String) throws {
        guard !isBare else { throw GitError.bareRepository(operation: "reading the index at \(path)") }
        var index: OpaquePointer?
        try check(git_index_open(&index, path), "git_index_open")
        defer { git_index_free(index) }
        try check(git_repository_set_index(handle, index), "git_repository_set_index")
        indexFilePath = path
        indexFileCache = nil
    }

    /// The path of this repository's git directory (in a linked worktree, its
    /// private folder under the common directory), without a trailing slash.
    public var gitDirectory: String {
        git_repository_path(handle).map { String(libgit2Path: $0) } ?? ""
    }

    /// The git directory shared by all worktrees, without a trailing slash.
    public var commonDirectory: String {
        git_repository_commondir(handle).map { String(libgit2Path: $0) } ?? gitDirectory
    }

    /// Whether the repository has no working tree.
    public var isBare: Bool {
        git_repository_is_bare(handle) == 1
    }

    /// Whether the repository is a shallow clone, missing older history.
    public var isShallow: Bool {
        git_repository_is_shallow(handle) == 1
    }

    /// The commit HEAD points at, or nil when HEAD is unborn (no commits yet).
    public func headCommit() throws -> ObjectID? {
        let unborn = try check(git_repository_head_unborn(handle), "git_repository_head_unborn")
        if unborn == 1 {
            return nil
        }
        return try resolveCommit("HEAD")
    }

    /// Resolves a revision to a commit: `HEAD`, `main`, `origin/main`,
    /// `HEAD~2`, a tag (annotated tags are peeled), or a full or short id.
    ///
    /// - Throws: ``GitError/unknownRevision(_:)`` when nothing has that name,
    ///   ``GitError/notACommit(_:)`` when it names something else.
    public func resolveCommit(_ revision: String) throws -> ObjectID {
        var object: OpaquePointer?
        let code = git_revparse_single(&object, handle, revision)
        // A name too long for a reference (GIT_EBUFS) names nothing either.
        if notFoundCodes.contains(code) || code == GIT_EBUFS.rawValue {
            throw GitError.unknownRevision(revision)
        }
        try check(code, "git_revparse_single")
        defer { git_object_free(object) }

        var commit: OpaquePointer?
        let peelCode = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        if peelCode == GIT_EPEEL.rawValue || notFoundCodes.contains(peelCode) {
            throw GitError.notACommit(revision)
        }
        try check(peelCode, "git_object_peel")
        defer { git_object_free(commit) }
        return ObjectID(try unwrap(git_object_id(commit), "git_object_id").pointee)
    }

    /// The commits being merged in while a merge is under way (`MERGE_HEAD`, several for an
    /// octopus merge); none otherwise.
    public func mergeHeads() -> [ObjectID] {
        guard let text = try? String(contentsOfFile: gitDirectory + "/MERGE_HEAD", encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            line.split(separator: " ").first.flatMap { ObjectID(hex: String($0)) }
        }
    }

    /// The best common ancestor of two commits.
    ///
    /// - Throws: ``GitError/missingMergeBase(base:head:shallow:)`` when there
    ///   is none in the history present, saying whether the clone is shallow.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID {
        var base = git_oid()
        var first = a.oid
        var second = b.oid
        let code = git_merge_base(&base, handle, &first, &second)
        if code < 0, isShallow {
            // libgit2 1.5 does not know shallow boundaries: its walk fails on the
            // first absent parent, even when the merge base itself is present.
            if let found = try shallowMergeBase(a, b) {
                return found
            }
            throw GitError.missingMergeBase(base: a.hex, head: b.hex, shallow: true)
        }
        if code == GIT_ENOTFOUND.rawValue {
            throw GitError.missingMergeBase(base: a.hex, head: b.hex, shallow: false)
        }
        try check(code, "git_merge_base")
        return ObjectID(base)
    }

    /// The first line of a commit's message.
    public func commitSummary(_ id: ObjectID) throws -> String {
        try withCommit(id) { commit in
            guard let message = git_commit_message(commit) else { return "" }
            return String(cString: message).prefix { !$0.isNewline }.trimmingCharacters(in: .whitespaces)
        }
    }

    /// Reads a string from the repository's configuration (local, global and
    /// system, as git layers them); nil when unset or unreadable.
    public func configString(_ key: String) -> String? {
        try? withConfigSnapshot { config in
            var value: UnsafePointer<CChar>?
            let code = git_config_get_string(&value, config, key)
            if code == GIT_ENOTFOUND.rawValue {
                return nil
            }
            try check(code, "git_config_get_string")
            return value.map { String(cString: $0) }
        }
    }

    /// The folder git runs hooks from, like `git rev-parse --git-path hooks`:
    /// `core.hooksPath` when set (relative to the working tree, or to the git
    /// directory when bare), else `hooks` in the common directory. See
    /// ``hooksLocation()`` for where the setting came from.
    public func hooksDirectory() throws -> String {
        try hooksLocation().path
    }
}

@available(*, unavailable, message: "A Repository stays in the task that opened it.")
extension Repository: @unchecked Sendable {}

// MARK: - Borrowed handles

extension Repository {
    /// Lends `body` the commit `id`, freed afterwards.
    func withCommit<Result>(_ id: ObjectID, _ body: (OpaquePointer) throws -> Result) throws -> Result {
        var oid = id.oid
        var object: OpaquePointer?
        let code = git_object_lookup(&object, handle, &oid, GIT_OBJECT_ANY)
        if code == GIT_ENOTFOUND.rawValue {
            throw GitError.objectMissing(id)
        }
        try check(code, "git_object_lookup")
        defer { git_object_free(object) }
        let commit = try unwrap(object, "git_object_lookup")
        guard git_object_type(commit) == GIT_OBJECT_COMMIT else {
            throw GitError.notACommit(id.hex)
        }
        // A git_object of type commit is a git_commit.
        return try body(commit)
    }

    /// Lends `body` the root tree of commit `id`, freed afterwards.
    func withTree<Result>(ofCommit id: ObjectID, _ body: (OpaquePointer) throws -> Result) throws -> Result {
        try withCommit(id) { commit in
            var tree: OpaquePointer?
            let code = git_commit_tree(&tree, commit)
            if code == GIT_ENOTFOUND.rawValue {
                throw GitError.objectMissing(id)
            }
            try check(code, "git_commit_tree")
            defer { git_tree_free(tree) }
            return try body(try unwrap(tree, "git_commit_tree"))
        }
    }

    /// Lends `body` the repository's index, freshly read from disk.
    ///
    /// - Throws: ``GitError/bareRepository(operation:)`` in a bare repository.
    func withIndex<Result>(operation: String, _ body: (OpaquePointer) throws -> Result) throws -> Result {
        guard !isBare else {
            throw GitError.bareRepository(operation: operation)
        }
        var index: OpaquePointer?
        try check(git_repository_index(&index, handle), "git_repository_index")
        defer { git_index_free(index) }
        let borrowed = try unwrap(index, "git_repository_index")
        try check(git_index_read(borrowed, 0), "git_index_read")
        return try body(borrowed)
    }

    /// Lends `body` a read-only snapshot of the configuration, freed afterwards.
    func withConfigSnapshot<Result>(_ body: (OpaquePointer) throws -> Result) throws -> Result {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, handle), "git_repository_config_snapshot")
        defer { git_config_free(config) }
        return try body(try unwrap(config, "git_repository_config_snapshot"))
    }

    /// The object database, opened once and kept until the repository is freed.
    func odb() throws -> OpaquePointer {
        if let objectDatabase {
            return objectDatabase
        }
        var database: OpaquePointer?
        try check(git_repository_odb(&database, handle), "git_repository_odb")
        let opened = try unwrap(database, "git_repository_odb")
        objectDatabase = opened
        return opened
    }
}

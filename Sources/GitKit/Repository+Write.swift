import CLibgit2
import Foundation

extension Repository {
    /// Creates a new repository with a working tree at `path` (folders made as needed), its
    /// HEAD on `initialBranch`.
    public static func create(at path: String, initialBranch: String = "main") throws -> Repository {
        try LibGit2.initialize()
        var options = git_repository_init_options()
        try check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)), "git_repository_init_options_init")
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue
        var handle: OpaquePointer?
        try initialBranch.withCString { branch in
            options.initial_head = branch
            try check(git_repository_init_ext(&handle, path, &options), "git_repository_init_ext")
        }
        git_repository_free(try unwrap(handle, "git_repository_init_ext"))
        return try open(at: path)
    }

    /// Stages every change of the working tree, additions and deletions alike (`git add -A`),
    /// honouring `.gitignore`.
    public func stageAll() throws {
        if isBare { throw GitError.bareRepository(operation: "staging needs a working tree") }
        var index: OpaquePointer?
        try check(git_repository_index(&index, handle), "git_repository_index")
        let owned = try unwrap(index, "git_repository_index")
        defer { git_index_free(owned) }
        try withStringArray(["*"]) { paths in
            var paths = paths
            try check(git_index_add_all(owned, &paths, GIT_INDEX_ADD_DEFAULT.rawValue, nil, nil), "git_index_add_all")
            try check(git_index_update_all(owned, &paths, nil, nil), "git_index_update_all")
        }
        try check(git_index_write(owned), "git_index_write")
    }

    /// Commits the index on top of HEAD (or as the first commit) and moves HEAD's branch.
    ///
    /// - Parameters:
    ///   - time: the author and committer time; nil for now.
    /// - Returns: the new commit's id.
    @discardableResult
    public func commit(message: String, authorName: String, authorEmail: String, time: Date? = nil) throws -> ObjectID {
        var index: OpaquePointer?
        try check(git_repository_index(&index, handle), "git_repository_index")
        let ownedIndex = try unwrap(index, "git_repository_index")
        defer { git_index_free(ownedIndex) }
        var treeID = git_oid()
        try check(git_index_write_tree(&treeID, ownedIndex), "git_index_write_tree")
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, handle, &treeID), "git_tree_lookup")
        let ownedTree = try unwrap(tree, "git_tree_lookup")
        defer { git_tree_free(ownedTree) }

        var signature: UnsafeMutablePointer<git_signature>?
        let seconds = git_time_t((time ?? Date()).timeIntervalSince1970)
        try check(git_signature_new(&signature, authorName, authorEmail, seconds, 0), "git_signature_new")
        let ownedSignature = try unwrap(signature, "git_signature_new")
        defer { git_signature_free(ownedSignature) }

        var parents: [OpaquePointer?] = []
        defer { parents.forEach { git_commit_free($0) } }
        if let head = try headCommit() {
            var parent: OpaquePointer?
            var oid = head.oid
            try check(git_commit_lookup(&parent, handle, &oid), "git_commit_lookup")
            parents.append(parent)
        }
        var commitID = git_oid()
        try parents.withUnsafeMutableBufferPointer { buffer in
            _ = try check(git_commit_create(&commitID, handle, "HEAD", ownedSignature, ownedSignature, "UTF-8", message,
                                        ownedTree, buffer.count, buffer.baseAddress), "git_commit_create")
        }
        return ObjectID(commitID)
    }
}

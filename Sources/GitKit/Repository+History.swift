import CLibgit2
import Foundation

/// A commit's id and full message.
public struct CommitInfo: Sendable, Hashable {
    /// The commit id.
    public let id: ObjectID
    /// The whole message, trailers included.
    public let message: String

    /// Creates a value.
    public init(id: ObjectID, message: String) {
        self.id = id
        self.message = message
    }

    /// The values of the trailers named `key` (case-insensitive) in the message's last
    /// paragraph, as `git interpret-trailers` reads them.
    public func trailers(_ key: String) -> [String] {
        let paragraphs = message.split(separator: "\n", omittingEmptySubsequences: false)
            .split { $0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard paragraphs.count > 1, let last = paragraphs.last else { return [] }
        let wanted = key.lowercased() + ":"
        return last.compactMap { line in
            guard line.lowercased().hasPrefix(wanted) else { return nil }
            return line.dropFirst(wanted.count).trimmingCharacters(in: .whitespaces)
        }
    }
}

extension Repository {
    /// The commits reachable from `head` but not from `base` (what a pull request adds),
    /// newest first.
    public func commits(from head: ObjectID, excluding base: ObjectID?) throws -> [CommitInfo] {
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, handle), "git_revwalk_new")
        defer { git_revwalk_free(walker) }
        let walk = try unwrap(walker, "git_revwalk_new")
        try check(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "git_revwalk_sorting")
        var headOID = head.oid
        try check(git_revwalk_push(walk, &headOID), "git_revwalk_push")
        if let base {
            var baseOID = base.oid
            try check(git_revwalk_hide(walk, &baseOID), "git_revwalk_hide")
        }
        var result: [CommitInfo] = []
        var next = git_oid()
        while true {
            let code = git_revwalk_next(&next, walk)
            if code == GIT_ITEROVER.rawValue { break }
            try check(code, "git_revwalk_next")
            let id = ObjectID(next)
            let message = try withCommit(id) { commit in
                git_commit_message(commit).map { String(cString: $0) } ?? ""
            }
            result.append(CommitInfo(id: id, message: message))
        }
        return result
    }
}

extension Repository {
    /// When a commit was made (its committer time).
    public func commitDate(_ id: ObjectID) throws -> Date {
        let seconds = try withCommit(id) { commit in git_commit_time(commit) }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

extension Repository {
    /// A commit's first parent; nil for a root commit.
    public func firstParent(of id: ObjectID) throws -> ObjectID? {
        try withCommit(id) { commit in
            git_commit_parentcount(commit) > 0 ? git_commit_parent_id(commit, 0).map { ObjectID($0.pointee) } : nil
        }
    }
}

import CLibgit2
import Foundation

extension Repository {
    /// The merge base of two commits in a shallow clone, treating the commits
    /// listed in `shallow` (and any whose parents are absent) as roots, as git
    /// does; nil when the present history has no common ancestor.
    ///
    /// Shallow histories are short, so this walks both ancestries fully.
    func shallowMergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID? {
        let boundary = shallowBoundary()
        var parents: [ObjectID: [ObjectID]] = [:]
        var times: [ObjectID: Int64] = [:]
        let fromA = try ancestors(of: a, boundary: boundary, parents: &parents, times: &times)
        let fromB = try ancestors(of: b, boundary: boundary, parents: &parents, times: &times)
        let common = fromA.intersection(fromB)
        // The best common ancestors are those that are not a parent of another.
        var notBest = Set<ObjectID>()
        for commit in common {
            for parent in parents[commit, default: []] where common.contains(parent) {
                notBest.insert(parent)
            }
        }
        return common.subtracting(notBest).max { lhs, rhs in
            let (left, right) = (times[lhs, default: 0], times[rhs, default: 0])
            return left != right ? left < right : lhs > rhs
        }
    }

    /// The commits listed in the shallow file of the common directory.
    private func shallowBoundary() -> Set<ObjectID> {
        guard let text = try? String(contentsOfFile: commonDirectory + "/shallow", encoding: .utf8) else {
            return []
        }
        return Set(text.split(whereSeparator: \.isNewline).compactMap { ObjectID(hex: String($0)) })
    }

    /// `start` and every ancestor present, not looking past `boundary`.
    private func ancestors(
        of start: ObjectID,
        boundary: Set<ObjectID>,
        parents: inout [ObjectID: [ObjectID]],
        times: inout [ObjectID: Int64]
    ) throws -> Set<ObjectID> {
        var seen: Set<ObjectID> = []
        var pending = [start]
        while let id = pending.popLast() {
            guard seen.insert(id).inserted else { continue }
            if let known = parents[id] {
                pending.append(contentsOf: known)
                continue
            }
            var oid = id.oid
            var found: OpaquePointer?
            let code = git_commit_lookup(&found, handle, &oid)
            if code == GIT_ENOTFOUND.rawValue {
                seen.remove(id) // beyond the shallow edge: not present
                continue
            }
            try check(code, "git_commit_lookup")
            defer { git_commit_free(found) }
            let commit = try unwrap(found, "git_commit_lookup")
            times[id] = Int64(git_commit_time(commit))
            var ids: [ObjectID] = []
            if !boundary.contains(id) {
                for position in 0..<git_commit_parentcount(commit) {
                    if let parent = git_commit_parent_id(commit, position) {
                        ids.append(ObjectID(parent.pointee))
                    }
                }
            }
            parents[id] = ids
            pending.append(contentsOf: ids)
        }
        return seen
    }
}

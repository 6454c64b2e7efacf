import Diagnostics
import Foundation

/// Why a git operation could not run.
///
/// Each case carries what a user needs to act on it, and its description says
/// what to do next.
public enum GitError: Error, LocalizedError, Equatable {
    /// No repository was found at or above the path.
    case notARepository(path: String)
    /// The revision does not name anything in the repository.
    case unknownRevision(String)
    /// The revision names an object that is not (and does not peel to) a commit.
    case notACommit(String)
    /// The operation needs a working tree or index, and the repository is bare.
    case bareRepository(operation: String)
    /// The two commits have no common ancestor in the history that is present.
    case missingMergeBase(base: String, head: String, shallow: Bool)
    /// The object is not in the object database.
    case objectMissing(ObjectID)
    /// A libgit2 call failed for a reason without a case of its own.
    case libgit2(function: String, code: Int32, message: String)

    /// One sentence saying what went wrong and what to do next.
    public var errorDescription: String? {
        switch self {
        case .notARepository(let path):
            return
                "'\(Echo.shortened(path))' is not inside a git repository: cd into your dbt project's git repository and run again, or pass -C <a folder inside it>"
        case .unknownRevision(let revision):
            return
                "Unknown revision '\(Echo.shortened(revision))'; check the spelling, fetch it (for example `git fetch origin`), or give more digits of a short commit id."
        case .notACommit(let revision):
            return "Revision '\(Echo.shortened(revision))' does not name a commit; pass a branch, tag or commit id instead."
        case .bareRepository(let operation):
            return "The repository is bare, so \(operation) is not possible; run this in a clone that has a working tree."
        case .missingMergeBase(let base, let head, let shallow):
            if shallow {
                return
                    "Found no merge base of \(base) and \(head) because this clone is shallow; fetch full history (`fetch-depth: 0` in actions/checkout, or `git fetch --unshallow`) and try again."
            }
            return "\(base) and \(head) have no common ancestor; compare against a branch that shares history with \(head)."
        case .objectMissing(let id):
            return "Object \(id) is missing from the repository; fetch it (`git fetch`) or check the repository with `git fsck`."
        case .libgit2(let function, let code, let message):
            return "libgit2 failed in \(function) (code \(code)): \(message); check the repository with `git status` and try again."
        }
    }
}

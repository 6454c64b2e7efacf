import Foundation
import GitKit
import Sessions

/// The sessions a range of commits adds or changes, read as they are at its head.
public enum RangeSessions {
    /// The range a pull request compares: head against merge-base(base, head).
    public struct Range {
        public var base: ObjectID
        public var head: ObjectID
        public var mergeBase: ObjectID
    }

    public static func resolve(_ workspace: Workspace, base: String, head: String?) throws -> Range {
        let repository = workspace.repository
        let baseCommit = try repository.resolveCommit(base)
        let headCommit = try repository.resolveCommit(head ?? "HEAD")
        return Range(base: baseCommit, head: headCommit, mergeBase: try repository.mergeBase(baseCommit, headCommit))
    }

    /// Session folders changed in the range (deleted ones left out), oldest first.
    public static func read(_ workspace: Workspace, range: Range, changes: [FileChange]) throws -> [SessionInput] {
        let prefix = workspace.config.sessions + "/"
        let names = Set(changes.compactMap { CheckFrontend.sessionName($0.path, prefix: prefix) })
        let sessions = try workspace.sessions(named: names) { try workspace.repository.entries(of: .commit(range.head), under: $0) }
        return sessions.sorted { Workspace.order($0) < Workspace.order($1) }
    }
}

import Diagnostics
import Foundation
import GitKit
import Lineage
import Sessions

/// The pre-commit check: a staged change to gated paths needs a session — staged in this
/// commit, or committed on this branch since it left the default branch — that validates and
/// names every model the change modifies.
/// What `check` and `gate` decided. Encoded as `passed`, `failed`, `skipped`, `out_of_scope`.
public enum Verdict: String, Encodable {
    /// Every rule held.
    case passed
    /// A rule did not hold: the command exits 1.
    case failed
    /// `RATIONALE_SKIP` asked to skip (the commit-msg hook records why).
    case skipped
    /// The change touches no gated dbt path.
    case outOfScope = "out_of_scope"
}

public enum CheckFrontend {
    /// The answer.
    public struct Outcome: Encodable {
        public var result: Verdict
        public var findings: [Finding]
        /// The staged files under gated paths.
        public var gatedFiles: [String]
        /// The models, seeds and snapshots the staged change modifies or deletes.
        public var modified: [ModifiedNode]
        /// The sessions that explain the change.
        public var sessions: [String]
        /// Why the check was skipped, when it was.
        public var skipReason: String?
        /// Something the author should know about what was checked (a merge), or nil.
        public var note: String? = nil

        public var passed: Bool { result != .failed }
    }

    /// The rule id of "no session explains this change".
    public static let sessionRequired = SessionRequiredRule.id

    public static func run(_ workspace: Workspace, skip: String?) throws -> Outcome {
        if let skip, !skip.trimmingCharacters(in: .whitespaces).isEmpty {
            return Outcome(result: .skipped, findings: [], gatedFiles: [], modified: [], sessions: [], skipReason: skip)
        }
        let repository = workspace.repository
        let head = try repository.headCommit()
        // Submodule bumps count: a gitlink under a gated path is a change to explain.
        let headToIndex = try repository.diff(from: head.map { .commit($0) } ?? .empty, to: .index, renames: false, submodules: true)
        var staged = headToIndex
        // During a merge, what the merged-in side brings is not the author's to explain: only
        // files whose staged content differs from every side count (the resolution's own edits).
        let merge = try mergedIn(workspace, staged: staged)
        if let merge { staged = merge.own }
        let sessionsPrefix = workspace.config.sessions + "/"
        let stagedPaths = staged.flatMap { [$0.oldPath, $0.newPath] }.compactMap { $0 }.filter { !$0.hasPrefix(sessionsPrefix) }
        let globs = try gatedGlobs(workspace, paths: stagedPaths)
        let gatedFiles = stagedPaths.filter { path in globs.contains { $0.matches(path) } }
        guard !gatedFiles.isEmpty else {
            return Outcome(result: .outOfScope, findings: [], gatedFiles: [], modified: [], sessions: [], skipReason: nil, note: merge?.note)
        }
        let gated = Array(Set(gatedFiles)).sorted()

        var change = try ChangeScope.analyse(workspace, [.staged], description: "staged changes against HEAD")
        if let merge {
            // The models the merged-in side changed are explained on its own branch.
            let own = Set(merge.own.flatMap { [$0.oldPath, $0.newPath] }.compactMap { $0 })
            change.modified = change.modified.filter { own.contains($0.path) }
        }

        // Sessions in scope: staged now, or changed on this branch since it left the default branch.
        var names = Set(staged.compactMap { sessionName($0.path, prefix: sessionsPrefix) })
        if let point = try workspace.branchPoint() {
            for change in try repository.diff(from: .commit(point.mergeBase), to: .commit(point.head), renames: false) {
                if let name = sessionName(change.path, prefix: sessionsPrefix) { names.insert(name) }
            }
        }
        // One read of the index for the sessions and STATE.md beside them.
        let statePath = workspace.config.stateFile
        let parent = (workspace.config.sessions as NSString).deletingLastPathComponent
        let indexed =
            parent.isEmpty
            ? try repository.entries(of: .index, under: workspace.config.sessions) + repository.indexEntries(at: [statePath])
            : try repository.entries(of: .index, under: parent)
        let sessions = try workspace.sessions(named: names) { _ in indexed }

        guard !sessions.isEmpty else {
            let submodules = gated.filter(submodulePaths(staged).contains)
            return Outcome(
                result: .failed, findings: [noSession(workspace, change: change, gated: gated, submodules: submodules)], gatedFiles: gated,
                modified: change.modified, sessions: [], skipReason: nil, note: merge?.note)
        }

        // Coverage is checked once, on the newest session, with what the others name counting too.
        let ordered = sessions.sorted { Workspace.order($0) < Workspace.order($1) }
        let stateEntry = indexed.first { $0.path == statePath }
        let state = try stateEntry.map { (statePath, String(decoding: try repository.read($0), as: UTF8.self)) }
        let findings = SessionValidator.validate(
            sessions: ordered,
            RuleContext(
                requiredSections: workspace.config.requiredSections, modified: change.modified,
                state: state, stateLimit: workspace.config.stateLimit, touched: try change.touched(workspace, known: [.staged: headToIndex]),
                reasoningSteps: workspace.config.reasoningSteps))
        let failed = findings.contains { $0.severity == .error }
        return Outcome(
            result: failed ? .failed : .passed, findings: findings, gatedFiles: gated, modified: change.modified,
            sessions: ordered.map(\.folder), skipReason: nil, note: merge?.note)
    }

    /// While a merge is under way (`MERGE_HEAD`): the staged changes that are the author's own —
    /// files whose staged content differs from the merged-in side too (git's combined diff) —
    /// and a note saying how many came from that side. Nil when no merge is under way.
    public static func mergedIn(_ workspace: Workspace, staged: [FileChange]) throws -> (own: [FileChange], note: String)? {
        let heads = workspace.repository.mergeHeads()
        guard !heads.isEmpty else { return nil }
        var own = staged
        for mergeHead in heads {
            let differs = Set(
                try workspace.repository.diff(from: .commit(mergeHead), to: .index, renames: false, submodules: true)
                    .flatMap { [$0.oldPath, $0.newPath] }.compactMap { $0 })
            own = own.filter { change in [change.oldPath, change.newPath].contains { $0.map(differs.contains) ?? false } }
        }
        let theirs = staged.count - own.count
        let names = heads.map { $0.abbreviated() }.joined(separator: ", ")
        return (
            own,
            "merging \(names): \(theirs) staged file\(theirs == 1 ? "" : "s") as the merged-in side has \(theirs == 1 ? "it" : "them") (explained there), \(own.count) changed by this merge's resolution and checked"
        )
    }

    /// The paths of changes to a submodule's recorded commit (gitlinks).
    public static func submodulePaths(_ changes: [FileChange]) -> Set<String> {
        Set(changes.filter { $0.oldMode == .gitlink || $0.newMode == .gitlink }.map(\.path))
    }

    /// The `session_required` finding for a change no session explains.
    public static func noSession(_ workspace: Workspace, change: ChangeScope, gated: [String], submodules: [String] = [], staged: Bool = true) -> Finding {
        // An open session on disk that is not staged is the usual cause.
        let unstaged = staged ? ((try? workspace.allSessions()) ?? []).filter { ($0.metadata?.status ?? .open) == .open }.map(\.folder) : []
        let input = SessionRequiredRule.Input(
            modified: change.modified, gated: gated, submodules: submodules, staged: staged, unstagedSessions: unstaged,
            sessionsFolder: workspace.config.sessions, explainingSessions: [])
        return SessionRequiredRule.check(input)[0]
    }

    /// The session folder name of a path under the sessions folder, or nil.
    public static func sessionName(_ path: String, prefix: String) -> String? {
        guard path.hasPrefix(prefix) else { return nil }
        let rest = path.dropFirst(prefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        return String(rest[..<slash])
    }

    /// The configured globs, else the model, seed, macro and snapshot paths (their SQL and YAML
    /// alike) and dbt_project.yml of each dbt project that holds one of `paths`.
    public static func gatedGlobs(_ workspace: Workspace, paths: [String], in snapshot: Snapshot = .index) throws -> [PathGlob] {
        if let gated = workspace.config.gated { return gated.map(PathGlob.init) }
        // The projects that own the changed files: a dbt_project.yml in a folder above one.
        var candidates = Set<String>()
        for path in paths {
            var parts = path.split(separator: "/").dropLast()
            while true {
                candidates.insert((parts + ["dbt_project.yml"]).joined(separator: "/"))
                if parts.isEmpty { break }
                parts = parts.dropLast()
            }
        }
        let found: [TreeEntry]
        if case .index = snapshot {
            found = try workspace.repository.indexEntries(at: candidates.sorted())
        } else {
            found = try candidates.sorted().flatMap { path in
                try workspace.repository.entries(of: snapshot, under: path).filter { $0.path == path }
            }
        }
        // The engine's rule for what is a project (not an installed package or build output).
        let folders = Set(ImpactEngine.projectFiles(in: found))
        let projects = found.filter { entry in
            folders.contains(entry.path == "dbt_project.yml" ? "" : String(entry.path.dropLast("/dbt_project.yml".count)))
        }
        var globs: [PathGlob] = []
        for entry in projects {
            let root = String(entry.path.dropLast("dbt_project.yml".count))
            globs.append(PathGlob(entry.path))
            guard case .yaml(let yaml) = ParsedFile.parse(try workspace.repository.read(entry), as: .yaml),
                let config = try? ProjectConfig(yaml: yaml, file: entry.path)
            else {
                // An unreadable dbt_project.yml: gate the usual folders; impact reports the error.
                globs += ["models", "seeds", "macros", "snapshots"].map { PathGlob(root + $0) }
                continue
            }
            for path in config.modelPaths + config.seedPaths + config.macroPaths + config.snapshotPaths {
                globs.append(PathGlob(root + path))
            }
        }
        return globs
    }

    /// Adds a `Rationale-Skip: reason` trailer to a commit message file (once), so CI sees the
    /// skip. Comment lines git will strip stay after the trailer.
    public static func addSkipTrailer(to message: String, reason: String) -> String {
        let trailer = "Rationale-Skip: " + reason.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if lines.contains(where: { $0.hasPrefix("Rationale-Skip:") }) { return message }
        // The comment block and blank lines at the end stay at the end (a verbose diff too).
        var end = lines.count
        if let scissors = lines.firstIndex(where: { $0.hasPrefix("# ------------------------ >8") }) { end = scissors }
        while end > 0, lines[end - 1].hasPrefix("#") || lines[end - 1].trimmingCharacters(in: .whitespaces).isEmpty { end -= 1 }
        let body = Array(lines[..<end])
        let tail = Array(lines[end...])
        let lastParagraph = body.reversed().prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let isTrailerBlock =
            !lastParagraph.isEmpty && body.count > lastParagraph.count
            && lastParagraph.allSatisfy { line in
                guard let colon = line.firstIndex(of: ":") else { return false }
                let key = line[..<colon]
                return !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
            }
        var result = body
        if !isTrailerBlock && !body.isEmpty { result.append("") }
        result.append(trailer)
        if !tail.isEmpty { result += tail.first?.isEmpty == false ? [""] + tail : tail }
        return result.joined(separator: "\n") + "\n"
    }
}

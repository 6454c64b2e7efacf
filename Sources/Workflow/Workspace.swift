import Diagnostics
import Foundation
import GitKit
import Lineage
import RationaleResources
import Sessions

/// A repository with its configuration: where sessions, STATE.md and template overrides live,
/// and how to read and write them on disk.
public struct Workspace {
    public let repository: Repository
    /// The working tree.
    public let root: String
    public let config: RationaleConfig

    /// Opens the repository around `directory` and reads `.rationale.yml`.
    ///
    /// `indexFile` is git's `GIT_INDEX_FILE` (relative to the current directory, as git reads
    /// it): the index `git commit -a` and `git commit <paths>` build for the commit and hand to
    /// their hooks. Read from `.git/index` instead, a hook would judge what was staged before.
    public static func open(_ directory: String?, indexFile: String? = ProcessInfo.processInfo.environment["GIT_INDEX_FILE"]) throws -> Workspace {
        let current = FileManager.default.currentDirectoryPath
        let repository = try Repository.discover(from: directory ?? current)
        guard let root = repository.workdir else {
            throw WorkspaceError.bareRepository(repository.gitDirectory)
        }
        try useIndexFile(indexFile, in: repository, directory: directory ?? current)
        return Workspace(repository: repository, root: root, config: try RationaleConfig.load(workdir: root))
    }

    /// Points `repository` at git's `GIT_INDEX_FILE` when one is set; a relative path is taken
    /// from the folder the command runs in (`-C`), as `git -C` takes it.
    static func useIndexFile(_ indexFile: String?, in repository: Repository, directory: String) throws {
        guard let indexFile, !indexFile.isEmpty, !repository.isBare else { return }
        let base = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        try repository.useIndexFile(at: indexFile.hasPrefix("/") ? indexFile : base + "/" + indexFile)
    }

    /// The session folder names on disk, sorted.
    ///
    /// - Throws: ``WorkspaceError/symbolicLink(_:target:)`` when the sessions folder, or a
    ///   session in it, is a link (see `Workspace+Files.swift`).
    public func sessionNames() throws -> [String] {
        try folders(in: config.sessions)
    }

    /// A session's files as they are on disk.
    ///
    /// - Throws: what ``read(_:)`` throws for a file that is a link or not UTF-8 text.
    public func readSession(_ name: String) throws -> SessionInput {
        let folder = config.sessions + "/" + name
        var files: [String: String] = [:]
        for file in [
            SessionInput.File.summary, SessionInput.File.loops, SessionInput.File.context, SessionInput.File.task, SessionInput.File.bootloader,
            SessionInput.File.attempts,
        ] {
            files[file] = try read(folder + "/" + file)
        }
        return SessionInput(folder: folder, files: files)
    }

    /// Every session on disk, oldest first (by start date, then folder name).
    public func allSessions() throws -> [SessionInput] {
        try sessionNames().map(readSession).sorted { Self.order($0) < Self.order($1) }
    }

    /// The session a command works on: the one named (folder name or path), else the newest
    /// open one.
    public func activeSession(_ requested: String?) throws -> SessionInput {
        let names = try sessionNames()
        if let requested {
            var name = requested
            while name.hasSuffix("/") { name.removeLast() }
            name = name.split(separator: "/").last.map(String.init) ?? name
            guard names.contains(name) else { throw WorkspaceError.noSuchSession(requested, folder: config.sessions, known: names) }
            return try readSession(name)
        }
        let open = try names.map(readSession).filter { ($0.metadata?.status ?? .open) == .open }
        guard let newest = open.max(by: { Self.order($0) < Self.order($1) }) else {
            throw WorkspaceError.noOpenSession(folder: config.sessions)
        }
        return newest
    }

    /// Sessions ordered by start date, then folder name.
    public static func order(_ session: SessionInput) -> (String, String) {
        (session.metadata?.started ?? String(session.name.prefix(10)), session.name)
    }

    /// The session a new one continues: the most recently closed, else the newest.
    public func previousSession() throws -> SessionInput? {
        let sessions = try allSessions()
        let closed = sessions.filter { $0.metadata?.status == .closed }
        if let last = closed.max(by: { ($0.metadata?.closed ?? "", Self.order($0).0, $0.name) < ($1.metadata?.closed ?? "", Self.order($1).0, $1.name) }) {
            return last
        }
        return sessions.max { Self.order($0) < Self.order($1) }
    }

    /// The next free loop number across every session.
    public func nextLoopNumber() throws -> Int {
        (try allSessions().compactMap { $0.loops?.highestNumber }.max() ?? 0) + 1
    }

    /// The templates the binary carries, by name (`SUMMARY.md`, `kinds/refactor.md`, …).
    public static func builtInTemplates() -> [String: String] {
        var builtIn: [String: String] = [:]
        for (path, text) in EmbeddedFiles.all where path.hasPrefix("Templates/") {
            builtIn[String(path.dropFirst("Templates/".count))] = text
        }
        return builtIn
    }

    /// The templates: the built-in ones, with the repository's overrides on top.
    public func templates() throws -> TemplateSet {
        let builtIn = Self.builtInTemplates()
        var overrides: [String: (path: String, text: String)] = [:]
        for name in builtIn.keys.sorted() {
            // Never through a link: an override must be a file of this repository.
            let relative = config.templates + "/" + name
            if let text = try read(relative) { overrides[name] = (relative, text) }
        }
        return TemplateSet(builtIn: builtIn, overrides: overrides)
    }

    /// git's `user.name`, or empty.
    public var author: String { repository.configString("user.name") ?? "" }

    /// The branch a feature branch starts from, as a commit, when it can be found: the
    /// configured one, else origin's HEAD, else main or master.
    public func defaultBranchCommit() throws -> (name: String, commit: ObjectID)? {
        if let configured = config.defaultBranch {
            do {
                return (configured, try repository.resolveCommit(configured))
            } catch {
                throw WorkspaceError.noDefaultBranch(configured)
            }
        }
        for candidate in ["origin/HEAD", "main", "master", "origin/main", "origin/master"] {
            if let commit = try? repository.resolveCommit(candidate) { return (candidate, commit) }
        }
        return nil
    }
}

extension Workspace {
    /// Runs the lineage engine on each comparison — one engine and parse cache for all of them,
    /// with the configured project and adapter — saves the caches once, and keeps the answers
    /// until the process ends (see ``AnswerKeeper``).
    ///
    /// - Throws: ``LineageError/noProject(revision:)`` in a repository without dbt, and whatever
    ///   else the engine throws.
    /// `partialProject`: each report's project may hold only what the answer reaches (see
    /// ``ImpactRequest/partialProject``).
    public func impact(_ comparisons: [Comparison], options: ImpactOptions = ImpactOptions(), partialProject: Bool = false) throws -> [ImpactResult] {
        let cache = ParseCache(file: ParseCache.defaultFile(for: repository), version: Tool.version)
        let engine = ImpactEngine(repository: repository, cache: cache)
        var results: [ImpactResult] = []
        for comparison in comparisons {
            var request = ImpactRequest(comparison: comparison, project: config.project, adapter: config.adapter, options: options)
            request.partialProject = partialProject
            let result = try engine.run(request)
            AnswerKeeper.keep(result)
            results.append(result)
        }
        engine.saveCaches()
        return results
    }

    /// Sessions as git holds them (the index or a commit): for each folder name, the files that
    /// `listing` returns for `<sessions>/<name>`; a folder with no files left (deleted) explains
    /// nothing and is left out.
    public func sessions(named names: Set<String>, listing: (String) throws -> [TreeEntry]) throws -> [SessionInput] {
        var sessions: [SessionInput] = []
        for name in names.sorted() {
            let folder = config.sessions + "/" + name
            var files: [String: String] = [:]
            for entry in try listing(folder) where entry.path.hasPrefix(folder + "/") {
                let file = String(entry.path.dropFirst(folder.count + 1))
                guard !file.contains("/") else { continue }
                files[file] = try TextFile.decode(try repository.read(entry), file: entry.path)
            }
            if !files.isEmpty { sessions.append(SessionInput(folder: folder, files: files)) }
        }
        return sessions
    }

    /// Where HEAD left the default branch: the merge-base, when HEAD has commits of its own;
    /// nil on the default branch itself, with an unborn HEAD, or when no default branch is known.
    public func branchPoint() throws -> (branch: String, mergeBase: ObjectID, head: ObjectID)? {
        guard let head = try repository.headCommit(), let base = try defaultBranchCommit(),
            let mergeBase = try? repository.mergeBase(base.commit, head), mergeBase != head
        else { return nil }
        return (base.name, mergeBase, head)
    }
}

/// Why a session command could not run.
public enum WorkspaceError: Error, LocalizedError, Equatable {
    case bareRepository(String)
    case noSuchSession(String, folder: String, known: [String])
    case noOpenSession(folder: String)
    case notUTF8(String)
    case cannotWrite(String, String)
    case noDefaultBranch(String)
    case sessionExists(String)
    case cannotRead(String)
    case symbolicLink(String, target: String)
    case outsideRepository(String)
    case holdsNUL(String, line: Int)
    case wrongGTDFormat(String, looksLike: String, asked: String)
    case noLoopsInFile(String)
    case nothingToResume(folder: String)
    case stillOpen(String)

    public var errorDescription: String? {
        switch self {
        case .bareRepository(let path):
            return "\(path) is a bare repository: sessions live in a working tree; run this in a checkout"
        case .noSuchSession(let requested, let folder, let known):
            let list = known.isEmpty ? "there are none yet" : "sessions: \(known.suffix(5).joined(separator: ", "))"
            return "no session `\(Echo.shortened(requested))` in \(folder)/ (\(list)); `rationale session list` shows them"
        case .noOpenSession(let folder):
            return
                "no open session in \(folder)/: start one with `rationale session start \"<title>\"`, or name one with --session (also to finish a close that was interrupted)"
        case .notUTF8(let path):
            return "\(Echo.shortened(path)) is not UTF-8 text: save it as UTF-8"
        case .holdsNUL(let path, let line):
            return
                "\(Echo.shortened(path)):\(line): holds a NUL byte, so it is not a text file (a binary file, or text saved as UTF-16?): save it as UTF-8 text"
        case .symbolicLink(let path, let target):
            return
                "\(path) is a symbolic link (to \(Echo.shortened(target))): rationale never follows links in the repository, as git does not; replace it with a real \((path as NSString).pathExtension.isEmpty ? "folder" : "file") inside the repository"
        case .outsideRepository(let path):
            return "\(Echo.shortened(path)) is not a path inside the repository: use a relative path without `..`"
        case .cannotWrite(let path, let why):
            return "cannot write \(Echo.shortened(path)): \(why)"
        case .noDefaultBranch(let name):
            return
                ".rationale.yml: default_branch `\(Echo.shortened(name))` is not a branch or revision here: fetch it (`git fetch origin \(name)`) or fix the key"
        case .sessionExists(let path):
            return "\(path) already exists: a session folder is never written over"
        case .wrongGTDFormat(let path, let looksLike, let asked):
            return "\(Echo.shortened(path)) looks like \(looksLike), not \(asked): leave out --format, or give the file `loops export --format \(asked)` wrote"
        case .noLoopsInFile(let path):
            return "\(Echo.shortened(path)) holds no loop of rationale's (no item carries an id L-<n>): is it a file `rationale loops export` wrote?"
        case .nothingToResume(let folder):
            return
                "no closed session with a handoff in \(folder)/: `rationale session close` writes one (BOOTLOADER.md); start afresh with `rationale session start \"<title>\" --problem \"…\"`"
        case .stillOpen(let path):
            return "\(path) is still open: resume starts from a handoff, so close it first (`rationale session close`), or go on in it"
        case .cannotRead(let path):
            return "cannot read \(Echo.shortened(path)): check the path (it is relative to the folder you run in)"
        }
    }
}

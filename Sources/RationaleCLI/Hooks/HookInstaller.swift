import Foundation
import GitKit
import RationaleResources
#if canImport(Glibc)
import Glibc
#endif

/// rename(2), named apart from ``HookInstaller``'s own helper.
private func systemRename(_ from: String, _ to: String) -> Int32 {
    rename(from, to)
}

/// Installs, removes and inspects rationale's git hooks in one repository.
///
/// The hooks folder is found as `git rev-parse --git-path hooks` finds it (`core.hooksPath`, else
/// the common git directory, so linked worktrees share it). A hook that was there before is kept
/// as `<hook>.legacy` and run first by ours; a marker line makes installing idempotent and
/// uninstalling exact: nothing without the marker is ever deleted. Files are written atomically
/// (a temporary file renamed into place) with mode 0755. Never prints.
public struct HookInstaller {
    /// The hooks rationale installs, in the order they are installed.
    public static let hookNames = ["pre-commit", "commit-msg"]
    /// The line every hook script rationale writes carries.
    public static let marker = "# rationale-managed-hook v1"
    /// The placeholder in `hooks/<name>` replaced by the shell-quoted path of the binary.
    public static let binaryPlaceholder = "@RATIONALE_BIN@"
    /// The suffix of a hook that was there before and is chained by ours.
    public static let legacySuffix = ".legacy"

    /// Any version of the marker (a later version's hook is still ours to replace or remove).
    static let markerPrefix = "# rationale-managed-hook"
    /// The line of the script that holds the binary path.
    static let binaryLinePrefix = "installed="

    /// The repository whose hooks this installer manages.
    public let repository: Repository
    /// Where git runs this repository's hooks from.
    public let location: HooksLocation

    /// Opens the repository around `directory` and finds its hooks folder.
    ///
    /// - Throws: ``GitKit/GitError`` when there is no repository.
    public init(directory: String) throws {
        try self.init(repository: Repository.discover(from: directory))
    }

    /// Finds the hooks folder of `repository`.
    public init(repository: Repository) throws {
        self.repository = repository
        self.location = try repository.hooksLocation()
    }

    // MARK: Where the folder is

    /// How the hooks folder relates to this repository, which decides whether installing
    /// there is safe.
    public enum Placement: Sendable, Equatable {
        /// The default folder, `hooks` in the common git directory.
        case commonDirectory
        /// A `core.hooksPath` inside this repository (its working tree or git directory).
        case insideRepository
        /// A `core.hooksPath` outside this repository: other repositories may use it too.
        case outsideRepository
        /// husky's folder (`core.hooksPath` ending in `.husky/_` or `.husky`): husky owns it.
        case husky
    }

    /// How the hooks folder relates to this repository.
    public var placement: Placement {
        guard let configured = location.configured else { return .commonDirectory }
        let trimmed = configured.value.hasSuffix("/") ? String(configured.value.dropLast()) : configured.value
        if [trimmed, location.path].contains(where: { $0.hasSuffix(".husky/_") || $0.hasSuffix(".husky") }) {
            return .husky
        }
        let folder = Self.realPath(location.path)
        let roots = [repository.workdir, repository.gitDirectory, repository.commonDirectory].compactMap { $0 }.map(Self.realPath)
        return roots.contains { folder == $0 || folder.hasPrefix($0 + "/") } ? .insideRepository : .outsideRepository
    }

    /// The hooks folder when `core.hooksPath` puts it inside the working tree (not the git
    /// directory), where `git status` sees the hooks; nil otherwise.
    public var folderInWorkTree: String? {
        guard placement == .insideRepository, let workdir = repository.workdir else { return nil }
        let folder = Self.realPath(location.path)
        let tree = Self.realPath(workdir)
        let gitDirectories = [repository.gitDirectory, repository.commonDirectory].map(Self.realPath)
        guard folder.hasPrefix(tree + "/"), !gitDirectories.contains(where: { folder == $0 || folder.hasPrefix($0 + "/") }) else {
            return nil
        }
        return location.path
    }

    // MARK: Installing

    /// What installing or uninstalling did to one hook.
    public struct Change: Sendable, Equatable {
        /// What happened.
        public enum Action: String, Sendable, Equatable {
            /// Ours was written where there was none.
            case installed
            /// Ours was there but different (another binary path or version, or not
            /// executable) and was rewritten.
            case updated
            /// Ours was already there, byte for byte.
            case unchanged
            /// Ours was removed.
            case removed
            /// Ours was absent; the `.legacy` hook was moved back into place.
            case restored
            /// Nothing of ours was there.
            case absent
            /// A hook without our marker is there; it was left alone.
            case foreign
        }

        /// The hook's name, such as `pre-commit`.
        public let hook: String
        /// What happened.
        public let action: Action
        /// The hook's file.
        public let path: String
        /// Installing: a hook that was there before is kept as `<hook>.legacy` and runs first
        /// (`legacyMoved` says whether it was moved just now). Uninstalling: the `.legacy` hook
        /// was moved back.
        public let legacy: Bool
        /// Installing: whether a foreign hook was renamed to `<hook>.legacy` by this install.
        public let legacyMoved: Bool
    }

    /// Installs the hooks named in `hooks` (default: ``hookNames``), each running `binary`.
    ///
    /// Checks every hook before changing any: a refusal leaves the folder as it was.
    ///
    /// - Parameters:
    ///   - hooks: Names from ``hookNames``.
    ///   - binary: The absolute path the hooks run (shell-quoted into the script).
    ///   - force: Install into a folder outside the repository or husky's folder anyway.
    /// - Throws: ``HookError`` when installing is refused or a file cannot be written.
    public func install(_ hooks: [String] = HookInstaller.hookNames, binary: String, force: Bool = false) throws -> [Change] {
        let names = try Self.validated(hooks)
        guard !repository.isBare else { throw HookError.bareRepository(path: repository.gitDirectory) }
        switch placement {
        case .husky where !force:
            throw HookError.husky(folder: location.path, setting: location.configured?.value ?? "")
        case .outsideRepository where !force:
            throw HookError.outsideRepository(folder: location.path, level: location.configured?.level ?? .unknown)
        default:
            break
        }

        struct Plan {
            let hook: String
            let path: String
            let script: String
            let action: Change.Action
            let moveToLegacy: Bool
            let legacyPresent: Bool
        }
        var plans: [Plan] = []
        for hook in names {
            let path = location.path + "/" + hook
            let legacyPath = path + Self.legacySuffix
            let script = try Self.script(for: hook, binary: binary)
            let legacyPresent = Self.exists(legacyPath)
            switch Self.existing(path) {
            case .none:
                plans.append(Plan(hook: hook, path: path, script: script, action: .installed, moveToLegacy: false, legacyPresent: legacyPresent))
            case .folder:
                throw HookError.notAFile(path: path)
            case .file(let contents, let executable):
                if let contents, Self.isManaged(contents) {
                    let same = executable && contents == script
                    plans.append(Plan(hook: hook, path: path, script: script, action: same ? .unchanged : .updated, moveToLegacy: false, legacyPresent: legacyPresent))
                } else if let contents, HookManager.detect(script: contents) == .preCommit {
                    throw HookError.preCommitFramework(hook: hook, path: path)
                } else if legacyPresent {
                    throw HookError.legacyExists(hook: hook, path: path, legacy: legacyPath)
                } else {
                    plans.append(Plan(hook: hook, path: path, script: script, action: .installed, moveToLegacy: true, legacyPresent: true))
                }
            }
        }

        do {
            try FileManager.default.createDirectory(atPath: location.path, withIntermediateDirectories: true)
        } catch {
            throw HookError.cannotWrite(path: location.path, reason: error.localizedDescription)
        }
        var changes: [Change] = []
        for plan in plans {
            if plan.moveToLegacy {
                try Self.rename(plan.path, to: plan.path + Self.legacySuffix)
            }
            if plan.action != .unchanged {
                do {
                    try Self.writeAtomically(plan.script, to: plan.path)
                } catch {
                    // Put the hook that was there back rather than leave the commit unguarded.
                    if plan.moveToLegacy { try? Self.rename(plan.path + Self.legacySuffix, to: plan.path) }
                    throw error
                }
            }
            changes.append(Change(hook: plan.hook, action: plan.action, path: plan.path, legacy: plan.legacyPresent, legacyMoved: plan.moveToLegacy))
        }
        return changes
    }

    /// Removes the hooks named in `hooks` that carry our marker, and moves each `<hook>.legacy`
    /// back into place (bytes and mode as they were). A hook without the marker is left alone,
    /// and so is its `.legacy` file.
    ///
    /// - Throws: ``HookError`` when a file cannot be removed or renamed.
    public func uninstall(_ hooks: [String] = HookInstaller.hookNames) throws -> [Change] {
        let names = try Self.validated(hooks)
        var changes: [Change] = []
        for hook in names {
            let path = location.path + "/" + hook
            let legacyPath = path + Self.legacySuffix
            let legacyPresent = Self.exists(legacyPath)
            switch Self.existing(path) {
            case .file(let contents?, _) where Self.isManaged(contents):
                do {
                    try FileManager.default.removeItem(atPath: path)
                } catch {
                    throw HookError.cannotWrite(path: path, reason: error.localizedDescription)
                }
                if legacyPresent { try Self.rename(legacyPath, to: path) }
                changes.append(Change(hook: hook, action: .removed, path: path, legacy: legacyPresent, legacyMoved: legacyPresent))
            case .none where legacyPresent:
                try Self.rename(legacyPath, to: path)
                changes.append(Change(hook: hook, action: .restored, path: path, legacy: true, legacyMoved: true))
            case .none:
                changes.append(Change(hook: hook, action: .absent, path: path, legacy: false, legacyMoved: false))
            case .file, .folder:
                changes.append(Change(hook: hook, action: .foreign, path: path, legacy: legacyPresent, legacyMoved: false))
            }
        }
        return changes
    }

    // MARK: Inspecting

    /// What is in the hooks folder for one hook.
    public struct State: Sendable, Equatable {
        /// What the hook's file is.
        public enum Kind: Sendable, Equatable {
            /// No file.
            case absent
            /// Ours. `binary` is the path written into it (nil when unreadable); `current` says
            /// whether it is exactly what this version would write for that path.
            case managed(binary: String?, current: Bool)
            /// Someone else's; `manager` names the hook manager that wrote it, when known.
            case foreign(manager: HookManager?)
            /// Something that is not a file (a folder).
            case notAFile
        }

        /// The hook's name.
        public let hook: String
        /// The hook's file.
        public let path: String
        /// What the file is.
        public let kind: Kind
        /// Whether git can run it (git ignores a hook that is not executable).
        public let executable: Bool
        /// Whether `<hook>.legacy` exists beside it.
        public let legacyPresent: Bool
        /// Whether `<hook>.legacy` is executable (our script runs it only then).
        public let legacyExecutable: Bool
    }

    /// What is in the hooks folder for `hook`.
    public func state(of hook: String) -> State {
        let path = location.path + "/" + hook
        let legacyPath = path + Self.legacySuffix
        let legacyPresent = Self.exists(legacyPath)
        let legacyExecutable = legacyPresent && FileManager.default.isExecutableFile(atPath: legacyPath)
        let kind: State.Kind
        var executable = false
        switch Self.existing(path) {
        case .none:
            kind = .absent
        case .folder:
            kind = .notAFile
        case .file(let contents, let isExecutable):
            executable = isExecutable
            if let contents, Self.isManaged(contents) {
                let binary = Self.binary(inScript: contents)
                let current = binary.flatMap { try? Self.script(for: hook, binary: $0) } == contents
                kind = .managed(binary: binary, current: current)
            } else {
                kind = .foreign(manager: contents.flatMap { HookManager.detect(script: $0) })
            }
        }
        return State(hook: hook, path: path, kind: kind, executable: executable,
                     legacyPresent: legacyPresent, legacyExecutable: legacyExecutable)
    }

    // MARK: The script

    /// The script for `hook` that runs `binary`: `hooks/<hook>` with ``binaryPlaceholder``
    /// replaced by the shell-quoted path.
    ///
    /// - Throws: ``HookError/unknownHook(_:)`` when the binary carries no such script.
    public static func script(for hook: String, binary: String) throws -> String {
        guard hookNames.contains(hook), let template = EmbeddedFiles.file("hooks/" + hook) else {
            throw HookError.unknownHook(hook)
        }
        return template.replacingOccurrences(of: binaryPlaceholder, with: shellQuoted(binary))
    }

    /// `text` quoted for a POSIX shell: in single quotes, each `'` written as `'\''`.
    public static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// Whether a hook script carries our marker (any version).
    public static func isManaged(_ script: String) -> Bool {
        script.split(separator: "\n", omittingEmptySubsequences: false).contains { $0.hasPrefix(markerPrefix) }
    }

    /// The binary path written into one of our scripts (the `installed=` line), unquoted.
    static func binary(inScript script: String) -> String? {
        for line in script.split(separator: "\n") where line.hasPrefix(binaryLinePrefix) {
            return shellUnquoted(String(line.dropFirst(binaryLinePrefix.count)))
        }
        return nil
    }

    /// Reverses ``shellQuoted(_:)`` (single-quoted runs and backslash escapes); nil for
    /// anything else, such as the unreplaced placeholder's neighbours or an expansion.
    static func shellUnquoted(_ word: String) -> String? {
        var result = ""
        var characters = word.makeIterator()
        while let character = characters.next() {
            switch character {
            case "'":
                var closed = false
                while let inner = characters.next() {
                    if inner == "'" { closed = true; break }
                    result.append(inner)
                }
                if !closed { return nil }
            case "\\":
                guard let escaped = characters.next() else { return nil }
                result.append(escaped)
            case "$", "`", "\"", " ", "\t":
                return nil
            default:
                result.append(character)
            }
        }
        return result
    }

    // MARK: The binary

    /// The absolute path of the running `rationale`, for the hooks to run.
    ///
    /// Prefers the path it was started by (made absolute, or found on `PATH`) when that leads
    /// to the running file — a package manager's stable symlink survives upgrades that move
    /// the real file — else the real path of the running executable (`/proc/self/exe` on
    /// Linux). Nil when neither can be found.
    public static func currentExecutablePath(
        arguments: [String] = CommandLine.arguments,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> String? {
        let running = runningExecutable().map(realPath)
        if let invoked = arguments.first, !invoked.isEmpty,
           let candidate = locate(invoked, path: environment["PATH"] ?? "", currentDirectory: currentDirectory),
           running == nil || realPath(candidate) == running {
            return candidate
        }
        return running
    }

    /// The binary the hooks should run: `option` (`--binary`, relative to `currentDirectory`)
    /// when given, else ``currentExecutablePath(arguments:environment:currentDirectory:)``.
    ///
    /// - Throws: ``HookError/binaryNotExecutable(_:)`` when `option` is not an executable file,
    ///   ``HookError/binaryNotFound`` when the running executable's path cannot be found.
    public static func binaryPath(option: String?, currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> String {
        guard let option else {
            guard let found = currentExecutablePath(currentDirectory: currentDirectory) else { throw HookError.binaryNotFound }
            return found
        }
        let absolute = option.hasPrefix("/") ? option : currentDirectory + "/" + option
        let path = URL(fileURLWithPath: absolute).standardizedFileURL.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
              FileManager.default.isExecutableFile(atPath: path) else {
            throw HookError.binaryNotExecutable(path)
        }
        return path
    }

    /// The running executable's path as the system reports it.
    static func runningExecutable() -> String? {
        #if os(Linux)
        if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), link.hasPrefix("/") {
            return link
        }
        #endif
        return Bundle.main.executablePath
    }

    /// Where the shell would find `command`: a path with a slash taken relative to
    /// `currentDirectory`, else the first executable of that name on `path`.
    static func locate(_ command: String, path: String, currentDirectory: String) -> String? {
        if command.contains("/") {
            let absolute = command.hasPrefix("/") ? command : currentDirectory + "/" + command
            let standard = URL(fileURLWithPath: absolute).standardizedFileURL.path
            return FileManager.default.isExecutableFile(atPath: standard) ? standard : nil
        }
        for folder in path.split(separator: ":") where folder.hasPrefix("/") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(command).standardizedFileURL.path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    // MARK: Files

    /// What is at a hook's path (symbolic links followed for the contents, not for existence).
    enum Existing {
        case none
        case folder
        /// `contents` is nil when unreadable or not UTF-8 (then it is not ours).
        case file(contents: String?, executable: Bool)
    }

    static func existing(_ path: String) -> Existing {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return .none }
        var isFolder: ObjCBool = false
        if attributes[.type] as? FileAttributeType == .typeDirectory
            || (FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue) {
            return .folder
        }
        let contents = FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
        return .file(contents: contents, executable: FileManager.default.isExecutableFile(atPath: path))
    }

    /// Whether anything (a dangling symbolic link included) is at `path`.
    static func exists(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }

    static func rename(_ from: String, to destination: String) throws {
        guard systemRename(from, destination) == 0 else {
            throw HookError.cannotWrite(path: destination, reason: String(cString: strerror(errno)))
        }
    }

    /// Writes `text` to a temporary file beside `path`, makes it 0755, and renames it over
    /// `path`: git never sees a half-written hook.
    static func writeAtomically(_ text: String, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = folder + "/.\(name).rationale-\(UUID().uuidString).tmp"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temporary)
            try rename(temporary, to: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            if let error = error as? HookError { throw error }
            throw HookError.cannotWrite(path: path, reason: error.localizedDescription)
        }
    }

    /// `path` with symbolic links resolved, also when its last components do not exist yet.
    static func realPath(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardizedFileURL
        var missing: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            missing.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        var resolved = existing.resolvingSymlinksInPath()
        for component in missing { resolved.appendPathComponent(component) }
        return resolved.path
    }

    /// `hooks` without duplicates, each checked against ``hookNames``.
    static func validated(_ hooks: [String]) throws -> [String] {
        var names: [String] = []
        for hook in hooks where !names.contains(hook) {
            guard hookNames.contains(hook) else { throw HookError.unknownHook(hook) }
            names.append(hook)
        }
        return names
    }
}

/// Another tool that manages git hooks.
public enum HookManager: String, Sendable, Equatable, CaseIterable {
    /// The pre-commit framework (pre-commit.com), or prek, which works the same way.
    case preCommit = "pre-commit"
    /// lefthook.
    case lefthook
    /// husky.
    case husky

    /// The manager that wrote a hook script, when its text says so.
    public static func detect(script: String) -> HookManager? {
        // pre-commit's script, and prek's (a reimplementation with the same hook-impl and .legacy logic).
        if script.contains("File generated by pre-commit") || script.contains("-mpre_commit") || script.contains("hook-impl") {
            return .preCommit
        }
        if script.contains("lefthook") { return .lefthook }
        if script.contains("husky") { return .husky }
        return nil
    }

    /// The configuration files that show the manager is used in a repository, relative to
    /// its root.
    public var configFiles: [String] {
        switch self {
        case .preCommit: return [".pre-commit-config.yaml", ".pre-commit-config.yml"]
        case .lefthook: return ["lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml", "lefthook.toml", "lefthook.json"]
        case .husky: return [".husky"]
        }
    }

    /// The command that makes this manager install its `hook` script into the hooks folder.
    public func installCommand(for hook: String) -> String {
        switch self {
        case .preCommit: return "pre-commit install --hook-type \(hook)"
        case .lefthook: return "lefthook install"
        case .husky: return "npx husky (husky's prepare script writes .husky/_)"
        }
    }

    /// How to run rationale from this manager instead of installing rationale's own hooks.
    public var snippet: String {
        switch self {
        case .preCommit:
            return "add to .pre-commit-config.yaml: `- repo: local` with hooks `rationale-check` and `rationale-commit-msg` (README: Hooks with pre-commit, lefthook or husky), then `pre-commit install --hook-type pre-commit --hook-type commit-msg`"
        case .lefthook:
            return "add to lefthook.yml: `pre-commit: {commands: {rationale: {run: rationale check}}}` and `commit-msg: {commands: {rationale: {run: rationale check --commit-msg {1}}}}`"
        case .husky:
            return "echo 'rationale check' >> .husky/pre-commit && echo 'rationale check --commit-msg \"$1\"' >> .husky/commit-msg"
        }
    }
}

/// Why installing or removing hooks could not run.
public enum HookError: Error, LocalizedError, Equatable {
    /// `--hook` named a hook rationale does not provide.
    case unknownHook(String)
    /// The repository has no working tree, so no commit runs a hook.
    case bareRepository(path: String)
    /// `core.hooksPath` points outside the repository; `level` is the config file that set it.
    case outsideRepository(folder: String, level: ConfigLevel)
    /// `core.hooksPath` is husky's folder.
    case husky(folder: String, setting: String)
    /// A foreign hook is there and `<hook>.legacy` exists too: installing would lose one.
    case legacyExists(hook: String, path: String, legacy: String)
    /// The pre-commit framework's hook is there; it runs `<hook>.legacy` itself.
    case preCommitFramework(hook: String, path: String)
    /// A folder stands where the hook file should be.
    case notAFile(path: String)
    /// A file could not be written, renamed or removed.
    case cannotWrite(path: String, reason: String)
    /// `--binary` names no executable file.
    case binaryNotExecutable(String)
    /// The running executable's path could not be found.
    case binaryNotFound

    /// What went wrong and what to do next.
    public var errorDescription: String? {
        switch self {
        case .unknownHook(let hook):
            return "rationale has no `\(hook)` hook; choose from \(HookInstaller.hookNames.joined(separator: ", "))."
        case .bareRepository(let path):
            return "\(path) is a bare repository: no commit is made there, so no hook would run; run `rationale install` in a clone with a working tree."
        case .outsideRepository(let folder, let level):
            let origin = level == .unknown ? "core.hooksPath" : "core.hooksPath (from the \(level.rawValue) git config)"
            return "\(origin) points to \(folder), outside this repository: installing there would change the hooks of every repository that uses it. Unset it (`git config \(level.configFlag) --unset core.hooksPath`) and run `rationale install` again, or pass --force to install there anyway."
        case .husky(let folder, let setting):
            return "husky manages this repository's hooks (core.hooksPath = \(setting), folder \(folder)) and rewrites that folder; add rationale to husky instead: \(HookManager.husky.snippet) — or pass --force to install into husky's folder anyway."
        case .legacyExists(let hook, let path, let legacy):
            return "\(path) is not rationale's, and \(legacy) exists too: installing would overwrite one of them. Merge them into one \(hook) hook by hand (or move one away), then run `rationale install` again."
        case .preCommitFramework(let hook, let path):
            return "\(path) was written by the pre-commit framework (or prek), which runs \(hook).legacy itself: renamed to \(hook).legacy it would call itself and fail. Use the framework instead: \(HookManager.preCommit.snippet)."
        case .notAFile(let path):
            return "\(path) is a folder, not a hook file; move it away and run `rationale install` again."
        case .binaryNotExecutable(let path):
            return "--binary \(path) is not an executable file; pass the absolute path of the rationale binary the hooks should run."
        case .binaryNotFound:
            return "cannot tell where the running rationale binary is; pass its absolute path with --binary PATH."
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason); check the folder's permissions and run the command again."
        }
    }
}

extension ConfigLevel {
    /// The `git config` option that edits this level's file.
    var configFlag: String {
        switch self {
        case .local: return "--local"
        case .system: return "--system"
        case .xdg: return "--file ~/.config/git/config"
        default: return "--global"
        }
    }
}

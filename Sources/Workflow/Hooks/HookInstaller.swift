import Foundation
import GitKit
import RationaleResources
#if canImport(Glibc)
    import Glibc
#endif

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
                    plans.append(
                        Plan(hook: hook, path: path, script: script, action: same ? .unchanged : .updated, moveToLegacy: false, legacyPresent: legacyPresent))
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
}

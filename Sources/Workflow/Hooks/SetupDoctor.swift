import Foundation
import GitKit

/// One line of `rationale doctor`'s checklist.
public struct DoctorCheck: Sendable, Equatable {
    /// How a check came out.
    public enum Status: String, Sendable, Equatable {
        /// Set up as it should be.
        case ok
        /// Worth knowing; nothing is wrong.
        case note
        /// Something is wrong; ``DoctorCheck/fix`` says what to do.
        case problem
    }

    /// A stable identifier: `repository`, `hooks_folder`, `hook.pre-commit`, `hook.commit-msg`,
    /// `hook_managers`, `config`, `sessions`, `history`.
    public let id: String
    /// How it came out.
    public let status: Status
    /// What was found.
    public let message: String
    /// What to do about it; nil when nothing needs doing.
    public let fix: String?

    /// Makes a check.
    public init(id: String, status: Status, message: String, fix: String? = nil) {
        self.id = id
        self.status = status
        self.message = message
        self.fix = fix
    }
}

/// `rationale doctor`'s answer: what is set up, what is missing, and how to fix it.
public struct DoctorReport: Sendable, Equatable {
    /// The checklist, in order.
    public let checks: [DoctorCheck]

    /// Whether any check found a problem (the command then exits 1).
    public var hasProblems: Bool { checks.contains { $0.status == .problem } }
}

/// Examines a repository's rationale setup. Never prints; reads only.
public enum SetupDoctor {

    /// Runs every check for the repository around `directory`.
    ///
    /// - Parameter searchPath: The `PATH` the hook would fall back to (for the missing-binary
    ///   message).
    public static func examine(directory: String, searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "") -> DoctorReport {
        let repository: Repository
        do {
            repository = try Repository.discover(from: directory)
        } catch {
            let message = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
            return DoctorReport(checks: [
                DoctorCheck(
                    id: "repository", status: .problem, message: "repository: none found (\(message))",
                    fix: "run `rationale doctor` inside a git working tree, or pass -C DIR")
            ])
        }
        var checks: [DoctorCheck] = []
        let root = repository.workdir ?? repository.gitDirectory
        let isWorktree = repository.gitDirectory != repository.commonDirectory
        var repositoryLine = "repository: \(root)"
        if isWorktree {
            repositoryLine += " (a linked worktree of \(repository.commonDirectory); hooks are shared with every worktree)"
        }
        if repository.isBare {
            checks.append(
                DoctorCheck(
                    id: "repository", status: .problem, message: repositoryLine + " is bare: no commit is made here, so no hook runs",
                    fix: "run rationale in a clone with a working tree"))
            return DoctorReport(checks: checks)
        }
        checks.append(DoctorCheck(id: "repository", status: .ok, message: repositoryLine))

        let installer: HookInstaller
        do {
            installer = try HookInstaller(repository: repository)
        } catch {
            let message = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
            checks.append(
                DoctorCheck(
                    id: "hooks_folder", status: .problem, message: "hooks folder: cannot be found (\(message))",
                    fix: "check core.hooksPath with `git config --show-origin core.hooksPath`"))
            return DoctorReport(checks: checks)
        }
        let managers = detectManagers(installer: installer, root: repository.workdir)
        checks.append(hooksFolderCheck(installer, root: root))
        for hook in HookInstaller.hookNames {
            checks.append(hookCheck(installer.state(of: hook), installer: installer, managers: managers, root: root, searchPath: searchPath))
        }
        checks.append(managersCheck(managers))
        let (configResult, config) = configCheck(workdir: repository.workdir)
        checks.append(configResult)
        checks.append(sessionsCheck(root: root, sessionsFolder: config?.sessions ?? RationaleConfig.defaultSessions))
        if repository.isShallow {
            checks.append(
                DoctorCheck(
                    id: "history", status: .problem,
                    message: "history: shallow clone; comparing with a base branch (impact --base, gate, narrate) needs the merge base",
                    fix: "`git fetch --unshallow`; in CI check out full history (`fetch-depth: 0` in actions/checkout, `GIT_DEPTH: 0` in GitLab)"))
        } else {
            checks.append(DoctorCheck(id: "history", status: .ok, message: "history: full clone"))
        }
        return DoctorReport(checks: checks)
    }

    // MARK: The checks

    static func hooksFolderCheck(_ installer: HookInstaller, root: String) -> DoctorCheck {
        let folder = display(installer.location.path, root: root)
        let configured = installer.location.configured
        let origin = configured.map { "core.hooksPath = \($0.value), from the \($0.level.rawValue) git config" }
        switch installer.placement {
        case .commonDirectory:
            return DoctorCheck(
                id: "hooks_folder", status: .ok,
                message: "hooks folder: \(folder) (the default: hooks in the common git directory, shared by every worktree)")
        case .insideRepository:
            return DoctorCheck(id: "hooks_folder", status: .ok, message: "hooks folder: \(folder) (\(origin ?? "core.hooksPath"))")
        case .outsideRepository:
            return DoctorCheck(
                id: "hooks_folder", status: .problem,
                message:
                    "hooks folder: \(folder) (\(origin ?? "core.hooksPath")) lies outside this repository; hooks there run for every repository that uses it",
                fix:
                    "unset it (`git config \(configured?.level.configFlag ?? "--global") --unset core.hooksPath`) and run `rationale install`, or `rationale install --force` to install there anyway"
            )
        case .husky:
            return DoctorCheck(
                id: "hooks_folder", status: .note,
                message: "hooks folder: \(folder) (\(origin ?? "core.hooksPath")): husky manages the hooks; git ignores .git/hooks while it is set")
        }
    }

    static func hookCheck(
        _ state: HookInstaller.State, installer: HookInstaller, managers: [HookManager: Bool],
        root: String, searchPath: String
    ) -> DoctorCheck {
        let id = "hook." + state.hook
        let name = state.hook
        let path = display(state.path, root: root)
        let legacyNote: String
        if state.legacyPresent {
            legacyNote =
                state.legacyExecutable
                ? "; \(name)\(HookInstaller.legacySuffix) (the hook that was there before) runs first"
                : "; \(name)\(HookInstaller.legacySuffix) is there but not executable, so it does not run"
        } else {
            legacyNote = ""
        }
        switch state.kind {
        case .managed(let binary, let current):
            guard let binary else {
                return DoctorCheck(
                    id: id, status: .problem, message: "\(name): \(path) is rationale's but names no binary",
                    fix: "run `rationale install` (rewrites it)")
            }
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                let fallback =
                    HookInstaller.locate("rationale", path: searchPath, currentDirectory: root)
                    .map { "; it falls back to \($0) on PATH, which GUI git clients may not have" }
                    ?? "; there is no rationale on PATH either, so every commit fails"
                return DoctorCheck(
                    id: id, status: .problem,
                    message: "\(name): \(path) runs \(binary), which does not exist or is not executable\(fallback)",
                    fix: "run `rationale install` with the rationale you use now (it writes that binary's path)")
            }
            guard state.executable else {
                return DoctorCheck(
                    id: id, status: .problem, message: "\(name): \(path) is not executable, so git ignores it",
                    fix: "run `rationale install` (writes it with mode 0755)")
            }
            guard current else {
                return DoctorCheck(
                    id: id, status: .problem, message: "\(name): \(path) was written by another version of rationale",
                    fix: "run `rationale install` (rewrites it)")
            }
            return DoctorCheck(id: id, status: .ok, message: "\(name): installed by rationale; runs \(binary)\(legacyNote)")
        case .absent:
            if let manager = runningManager(managers) {
                return DoctorCheck(
                    id: id, status: .problem,
                    message: "\(name): \(manager.rawValue)'s configuration mentions rationale, but no \(name) hook is installed (\(path) does not exist)",
                    fix: manager.installCommand(for: name))
            }
            if installer.placement == .husky {
                return DoctorCheck(
                    id: id, status: .problem, message: "\(name): husky does not run rationale",
                    fix: HookManager.husky.snippet)
            }
            // `rationale install` refuses a hooks folder outside the repository: say so, not a fix that fails.
            return DoctorCheck(
                id: id, status: .problem, message: "\(name): not installed (\(path) does not exist)\(legacyNote)",
                fix: installer.placement == .outsideRepository
                    ? "first fix the hooks folder (above), then run `rationale install`"
                    : "run `rationale install`")
        case .foreign(let manager):
            let detected = manager ?? (installer.placement == .husky ? .husky : nil)
            if let detected, managers[detected] == true {
                return DoctorCheck(id: id, status: .ok, message: "\(name): run by \(detected.rawValue), whose configuration mentions rationale")
            }
            let writer = detected.map { " (written by \($0.rawValue))" } ?? ""
            let fix: String
            switch detected {
            case .preCommit?, .husky?: fix = detected?.snippet ?? ""
            case .lefthook?:
                fix =
                    "run `rationale install` (keeps the lefthook hook as \(name)\(HookInstaller.legacySuffix) and runs it first), or "
                    + HookManager.lefthook.snippet
            case nil: fix = "run `rationale install` (keeps it as \(name)\(HookInstaller.legacySuffix) and runs it first)"
            }
            return DoctorCheck(id: id, status: .problem, message: "\(name): \(path) is not rationale's\(writer); it runs instead of rationale", fix: fix)
        case .notAFile:
            return DoctorCheck(id: id, status: .problem, message: "\(name): \(path) is a folder, not a hook", fix: "move it away, then run `rationale install`")
        }
    }

    static func managersCheck(_ managers: [HookManager: Bool]) -> DoctorCheck {
        guard !managers.isEmpty else {
            return DoctorCheck(id: "hook_managers", status: .ok, message: "hook managers: none detected (husky, lefthook, pre-commit)")
        }
        let names = HookManager.allCases.filter { managers[$0] != nil }
        let described = names.map { "\($0.rawValue)\(managers[$0] == true ? " (runs rationale)" : "")" }.joined(separator: ", ")
        let missing = names.filter { managers[$0] == false }
        guard !missing.isEmpty else {
            return DoctorCheck(id: "hook_managers", status: .ok, message: "hook managers: \(described)")
        }
        // Not a problem by itself: rationale's own hooks chain the manager's (except husky's).
        return DoctorCheck(
            id: "hook_managers", status: .note,
            message: "hook managers: \(described); to run rationale from one instead of its own hooks: "
                + missing.map { "\($0.rawValue): \($0.snippet)" }.joined(separator: "; "))
    }

    /// The check of `.rationale.yml`, and the configuration when it could be read.
    static func configCheck(workdir: String?) -> (DoctorCheck, RationaleConfig?) {
        let file = RationaleConfig.fileName
        guard let workdir, FileManager.default.fileExists(atPath: workdir + "/" + file) else {
            return (DoctorCheck(id: "config", status: .ok, message: "\(file): none (the defaults apply; README: Configuration)"), RationaleConfig())
        }
        do {
            let config = try RationaleConfig.load(workdir: workdir)
            return (DoctorCheck(id: "config", status: .ok, message: "\(file): readable"), config)
        } catch {
            let message = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
            return (
                DoctorCheck(
                    id: "config", status: .problem, message: "\(file): \(message)",
                    fix: "correct the key or value named above (README: Configuration)"), nil
            )
        }
    }

    static func sessionsCheck(root: String, sessionsFolder: String) -> DoctorCheck {
        let folder = root + "/" + sessionsFolder
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            return DoctorCheck(
                id: "sessions", status: .note,
                message: "sessions: \(sessionsFolder) does not exist yet; `rationale session start \"title\"` makes the first session")
        }
        let count = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.count
        return DoctorCheck(id: "sessions", status: .ok, message: "sessions: \(sessionsFolder) (\(count) session\(count == 1 ? "" : "s"))")
    }

    // MARK: Helpers

    /// The hook managers in use, each with whether its configuration mentions rationale.
    static func detectManagers(installer: HookInstaller, root: String?) -> [HookManager: Bool] {
        var found: [HookManager: Bool] = [:]
        if let root {
            for manager in HookManager.allCases {
                for file in manager.configFiles {
                    let path = root + "/" + file
                    var isFolder: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
                    let texts: [String]
                    if isFolder.boolValue {
                        // husky: the hook scripts are the files directly in .husky/.
                        texts = HookInstaller.hookNames.compactMap { try? String(contentsOfFile: path + "/" + $0, encoding: .utf8) }
                    } else {
                        texts = [(try? String(contentsOfFile: path, encoding: .utf8)) ?? ""]
                    }
                    found[manager] = (found[manager] ?? false) || texts.contains { $0.contains("rationale") }
                }
            }
        }
        if installer.placement == .husky, found[.husky] == nil { found[.husky] = false }
        for hook in HookInstaller.hookNames {
            if case .foreign(let manager?) = installer.state(of: hook).kind, found[manager] == nil {
                found[manager] = false
            }
        }
        return found
    }

    /// A manager whose configuration runs rationale, when one does.
    static func runningManager(_ managers: [HookManager: Bool]) -> HookManager? {
        HookManager.allCases.first { managers[$0] == true }
    }

    /// `path` relative to `root` when inside it, else as it is.
    public static func display(_ path: String, root: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}

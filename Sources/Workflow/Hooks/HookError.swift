import Foundation
import GitKit

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
            return
                "\(origin) points to \(folder), outside this repository: installing there would change the hooks of every repository that uses it. Unset it (`git config \(level.configFlag) --unset core.hooksPath`) and run `rationale install` again, or pass --force to install there anyway."
        case .husky(let folder, let setting):
            return
                "husky manages this repository's hooks (core.hooksPath = \(setting), folder \(folder)) and rewrites that folder; add rationale to husky instead: \(HookManager.husky.snippet) — or pass --force to install into husky's folder anyway."
        case .legacyExists(let hook, let path, let legacy):
            return
                "\(path) is not rationale's, and \(legacy) exists too: installing would overwrite one of them. Merge them into one \(hook) hook by hand (or move one away), then run `rationale install` again."
        case .preCommitFramework(let hook, let path):
            return
                "\(path) was written by the pre-commit framework (or prek), which runs \(hook).legacy itself: renamed to \(hook).legacy it would call itself and fail. Use the framework instead: \(HookManager.preCommit.snippet)."
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

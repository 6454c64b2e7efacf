import Workflow
import Foundation

/// Describes what `install` and `uninstall` did, one line per hook.
enum HookRenderer {
    static func install(_ changes: [HookInstaller.Change], binary: String, root: String, folderInWorkTree: String? = nil) -> String {
        var lines: [String] = []
        for change in changes {
            let path = SetupDoctor.display(change.path, root: root)
            let legacy = change.hook + HookInstaller.legacySuffix
            var line: String
            switch change.action {
            case .installed: line = "installed \(change.hook): \(path)"
            case .updated: line = "updated \(change.hook): \(path)"
            default: line = "unchanged \(change.hook): \(path) (already installed)"
            }
            if change.legacyMoved {
                line += "; the hook that was there is now \(legacy) and runs first"
            } else if change.legacy {
                line += "; \(legacy) runs first"
            }
            lines.append(line)
        }
        lines.append("the hooks run \(binary) (or `rationale` on PATH when it is gone); `rationale uninstall` removes them")
        if let folderInWorkTree {
            lines.append(
                "note: \(folderInWorkTree) is inside the working tree (core.hooksPath), so `git status` shows these files; keep them out of commits: they hold this machine's binary path"
            )
        }
        return lines.joined(separator: "\n")
    }

    static func uninstall(_ changes: [HookInstaller.Change], root: String) -> String {
        changes.map { change in
            let path = SetupDoctor.display(change.path, root: root)
            let legacy = change.hook + HookInstaller.legacySuffix
            switch change.action {
            case .removed where change.legacy:
                return "removed \(change.hook): \(path); put back the hook that was there before (from \(legacy))"
            case .removed:
                return "removed \(change.hook): \(path)"
            case .restored:
                return "restored \(change.hook): \(path) (from \(legacy))"
            case .foreign:
                return "left \(change.hook) alone: \(path) is not rationale's"
            default:
                return "\(change.hook): not installed; nothing to remove"
            }
        }.joined(separator: "\n")
    }
}

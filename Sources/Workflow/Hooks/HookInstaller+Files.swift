import Foundation
import GitKit
#if canImport(Glibc)
    import Glibc
#endif

/// rename(2), named apart from ``HookInstaller``'s own helper.
private func systemRename(_ from: String, _ to: String) -> Int32 {
    rename(from, to)
}

/// Files in the hooks folder: what is there, atomic writes, renames.
extension HookInstaller {
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
            || (FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue)
        {
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

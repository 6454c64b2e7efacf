import Foundation
import GitKit

/// Locating the `rationale` executable the hooks will run.
extension HookInstaller {
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
            running == nil || realPath(candidate) == running
        {
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
            FileManager.default.isExecutableFile(atPath: path)
        else {
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
}

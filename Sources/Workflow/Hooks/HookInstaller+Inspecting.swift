import Foundation
import GitKit

/// What is in the hooks folder now.
extension HookInstaller {
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
        return State(
            hook: hook, path: path, kind: kind, executable: executable,
            legacyPresent: legacyPresent, legacyExecutable: legacyExecutable)
    }
}

import CLibgit2
import Foundation

/// The configuration file a value was read from, as git layers them (later levels win).
public enum ConfigLevel: String, Sendable, Equatable {
    /// Windows' `%PROGRAMDATA%\Git\config`.
    case programData = "programdata"
    /// The system-wide file, such as `/etc/gitconfig`.
    case system
    /// `$XDG_CONFIG_HOME/git/config`.
    case xdg
    /// The user's `~/.gitconfig` (`git config --global`).
    case global
    /// The repository's own `config` file (`git config --local`).
    case local
    /// Set by the application at run time.
    case app
    /// A level this version does not know.
    case unknown

    /// Whether a value at this level applies to more than this repository.
    public var isSharedBeyondRepository: Bool {
        switch self {
        case .programData, .system, .xdg, .global: return true
        case .local, .app, .unknown: return false
        }
    }
}

/// One configuration value and where it came from.
public struct ConfigEntry: Sendable, Equatable {
    /// The key, normalised by libgit2 (`core.hookspath`).
    public let name: String
    /// The value as written.
    public let value: String
    /// The file it was read from.
    public let level: ConfigLevel

    /// Makes an entry.
    public init(name: String, value: String, level: ConfigLevel) {
        self.name = name
        self.value = value
        self.level = level
    }
}

/// Where git runs this repository's hooks from, and why.
public struct HooksLocation: Sendable, Equatable {
    /// The absolute folder, without a trailing slash.
    public let path: String
    /// `core.hooksPath` when it is set and not empty; nil means the default folder, `hooks` in
    /// the common git directory (shared by every worktree).
    public let configured: ConfigEntry?

    /// Makes a location.
    public init(path: String, configured: ConfigEntry?) {
        self.path = path
        self.configured = configured
    }
}

extension Repository {
    /// Reads a configuration value with the level of the file it came from (local, global and
    /// system, as git layers them); nil when unset or unreadable.
    public func configEntry(_ key: String) -> ConfigEntry? {
        try? withConfigSnapshot { config in
            var entry: UnsafeMutablePointer<git_config_entry>?
            let code = git_config_get_entry(&entry, config, key)
            if code == GIT_ENOTFOUND.rawValue {
                return nil
            }
            try check(code, "git_config_get_entry")
            defer { git_config_entry_free(entry) }
            guard let found = entry?.pointee, let name = found.name, let value = found.value else {
                return nil
            }
            return ConfigEntry(name: String(cString: name), value: String(cString: value), level: ConfigLevel(found.level))
        }
    }

    /// The folder git runs hooks from, like `git rev-parse --git-path hooks`, and whether
    /// `core.hooksPath` chose it: `core.hooksPath` when set (`~` expanded; relative to the
    /// working tree, or to the git directory when bare), else `hooks` in the common directory.
    public func hooksLocation() throws -> HooksLocation {
        let expanded: String? = try withConfigSnapshot { config in
            var buffer = git_buf()
            let code = git_config_get_path(&buffer, config, "core.hooksPath")
            if code == GIT_ENOTFOUND.rawValue {
                return nil
            }
            try check(code, "git_config_get_path")
            defer { git_buf_dispose(&buffer) }
            return buffer.ptr.map { String(cString: $0) }
        }
        guard let expanded, !expanded.isEmpty else {
            return HooksLocation(path: commonDirectory + "/hooks", configured: nil)
        }
        let base = workdir ?? gitDirectory
        let url =
            expanded.hasPrefix("/")
            ? URL(fileURLWithPath: expanded)
            : URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent(expanded)
        var path = url.standardizedFileURL.path
        while path.count > 1, path.hasSuffix("/") {
            path.removeLast()
        }
        let entry = configEntry("core.hooksPath") ?? ConfigEntry(name: "core.hookspath", value: expanded, level: .unknown)
        return HooksLocation(path: path, configured: entry)
    }
}

extension ConfigLevel {
    /// The level of a libgit2 config level value.
    init(_ level: git_config_level_t) {
        switch level {
        case GIT_CONFIG_LEVEL_PROGRAMDATA: self = .programData
        case GIT_CONFIG_LEVEL_SYSTEM: self = .system
        case GIT_CONFIG_LEVEL_XDG: self = .xdg
        case GIT_CONFIG_LEVEL_GLOBAL: self = .global
        case GIT_CONFIG_LEVEL_LOCAL: self = .local
        case GIT_CONFIG_LEVEL_APP: self = .app
        default: self = .unknown
        }
    }
}

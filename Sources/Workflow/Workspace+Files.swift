import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// open(2), named apart from ``Workspace/open(_:)``.
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}

/// The one way rationale reads and writes files of the working tree (sessions, STATE.md,
/// templates, .rationale.yml, an export inside the tree).
///
/// **No symbolic links.** git stores a link as its target text (mode 120000) and never follows
/// it, and neither does rationale: a path whose file or any folder below the working tree's root
/// is a link is refused (``WorkspaceError/symbolicLink(_:target:)``), so a committed link can
/// neither make rationale write outside the repository nor copy an outside file into a session.
///
/// **Atomic writes.** A file is written whole to a temporary file beside it
/// (`.<name>.rationale-<pid>-<random>.tmp`) and renamed into place: a reader sees the old file
/// or the new one, never half of one. Temporary files a killed process left behind are removed
/// by ``removeStaleTemporaries(in:)``.
extension Workspace {
    /// The absolute path of a repository-relative one, after checking that it stays inside the
    /// working tree and that nothing on the way to it is a symbolic link.
    ///
    /// - Throws: ``WorkspaceError/outsideRepository(_:)`` for an absolute path or `..`,
    ///   ``WorkspaceError/symbolicLink(_:target:)`` naming the first link on the way.
    public func contained(_ relative: String) throws -> String {
        try Self.contained(relative, in: root)
    }

    /// ``contained(_:)`` for a working tree `root` known before a workspace is open (the
    /// configuration is read first).
    public static func contained(_ relative: String, in root: String) throws -> String {
        let parts = relative.split(separator: "/").filter { $0 != "." }
        guard !relative.hasPrefix("/"), !parts.contains("..") else { throw WorkspaceError.outsideRepository(relative) }
        var path = root
        for (index, part) in parts.enumerated() {
            path += "/" + part
            var info = stat()
            // Absent (or not a folder): nothing further down exists to be a link.
            guard lstat(path, &info) == 0 else { break }
            if info.st_mode & S_IFMT == S_IFLNK {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                throw WorkspaceError.symbolicLink(parts[...index].joined(separator: "/"), target: target)
            }
        }
        return ([root] + parts.map(String.init)).joined(separator: "/")
    }

    /// A file's text, or nil when there is no file.
    ///
    /// - Throws: ``WorkspaceError/symbolicLink(_:target:)``, or the errors of
    ///   ``TextFile/decode(_:file:)`` for a file that is not UTF-8 text.
    public func read(_ relative: String) throws -> String? {
        let path = try contained(relative)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw WorkspaceError.cannotRead(relative) }
        return try TextFile.decode(data, file: relative)
    }

    /// The names of the folders inside a folder of the working tree (hidden ones left out),
    /// sorted; none when the folder does not exist.
    ///
    /// - Throws: ``WorkspaceError/symbolicLink(_:target:)`` when the folder, or an entry in it,
    ///   is a link.
    public func folders(in relative: String) throws -> [String] {
        let path = try contained(relative)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var folders: [String] = []
        for name in names where !name.hasPrefix(".") {
            var info = stat()
            guard lstat(path + "/" + name, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: folders.append(name)
            case S_IFLNK: _ = try contained(relative + "/" + name) // throws, naming the link
            default: continue
            }
        }
        return folders.sorted()
    }

    /// Creates a folder and the folders above it that are missing.
    ///
    /// - Parameter exclusive: Fail with ``WorkspaceError/sessionExists(_:)`` when the last
    ///   folder exists already (two starts racing for one name: only one wins).
    public func makeFolder(_ relative: String, exclusive: Bool = false) throws {
        let path = try contained(relative)
        let parent = (relative as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: try contained(parent), withIntermediateDirectories: true)
            } catch let error as WorkspaceError {
                throw error
            } catch {
                throw WorkspaceError.cannotWrite(parent, String(describing: error))
            }
        }
        guard mkdir(path, 0o777) == 0 else {
            let code = errno
            if code == EEXIST {
                if exclusive { throw WorkspaceError.sessionExists(relative) }
                _ = try contained(relative) // an existing link is refused, naming it
                return
            }
            throw WorkspaceError.cannotWrite(relative, String(cString: strerror(code)))
        }
    }

    /// Writes a new file; never replaces one (nor follows a link).
    public func create(_ relative: String, _ text: String) throws {
        let path = try contained(relative)
        let descriptor = openFile(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o666)
        guard descriptor >= 0 else {
            throw WorkspaceError.cannotWrite(relative, String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        try Self.writeAll(Array(text.utf8), to: descriptor, name: relative)
    }

    /// Replaces a file's content atomically: a temporary file beside it, renamed into place.
    /// Missing folders above it are created.
    public func replace(_ relative: String, _ text: String) throws {
        let path = try contained(relative)
        let parent = (relative as NSString).deletingLastPathComponent
        if !parent.isEmpty { try makeFolder(parent) }
        try Self.writeAtomically(Array(text.utf8), to: path, name: relative)
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it over `path`.
    /// - Parameter name: the file as messages show it.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, name: String) throws {
        let temporary = try writeTemporary(bytes, beside: path, name: name)
        try commit(temporary, to: path, name: name)
    }

    /// Writes `bytes` to a new temporary file beside `path` (flushed to disk) and returns its
    /// path: the first half of an atomic write, for a caller that has more to do before
    /// ``commit(_:to:name:)`` makes it visible.
    public static func writeTemporary(_ bytes: [UInt8], beside path: String, name: String) throws -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let file = (path as NSString).lastPathComponent
        let temporary = folder + "/." + file + temporarySuffix(pid: getpid())
        let descriptor = openFile(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o666)
        guard descriptor >= 0 else {
            throw WorkspaceError.cannotWrite(name, String(cString: strerror(errno)))
        }
        do {
            try writeAll(bytes, to: descriptor, name: name)
            guard fsync(descriptor) == 0 else { throw WorkspaceError.cannotWrite(name, String(cString: strerror(errno))) }
            close(descriptor)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        return temporary
    }

    /// Renames a temporary file from ``writeTemporary(_:beside:name:)`` over `path`.
    public static func commit(_ temporary: String, to path: String, name: String) throws {
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WorkspaceError.cannotWrite(name, reason)
        }
    }

    /// Removes the temporary files that writers killed mid-way left in a folder: those of
    /// processes that no longer run (a running one may be about to rename its own).
    public func removeStaleTemporaries(in relative: String) throws {
        let path = try contained(relative)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            guard let pid = Self.temporaryOwner(name), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(path + "/" + name)
        }
    }

    /// `.rationale-<pid>-<random>.tmp`, the end of a temporary file's name.
    public static func temporarySuffix(pid: Int32) -> String {
        ".rationale-\(pid)-\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    /// The process that wrote a temporary file, from its name; nil for any other file.
    public static func temporaryOwner(_ name: String) -> Int32? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp"), let marker = name.range(of: ".rationale-", options: .backwards) else { return nil }
        let fields = name[marker.upperBound...].dropLast(".tmp".count).split(separator: "-")
        guard fields.count == 2, let pid = Int32(fields[0]), pid > 0, UInt32(fields[1]) != nil else { return nil }
        return pid
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, name: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw WorkspaceError.cannotWrite(name, String(cString: strerror(errno)))
            }
            offset += written
        }
    }
}

/// Text files the tool reads (sessions, STATE.md, templates, configuration, GTD files): UTF-8,
/// and never a binary file.
public enum TextFile {
    /// The text of `bytes`.
    ///
    /// - Throws: ``WorkspaceError/holdsNUL(_:line:)`` when it holds a NUL byte (a binary file, or
    ///   one saved as UTF-16), ``WorkspaceError/notUTF8(_:)`` when it is not UTF-8.
    public static func decode(_ bytes: some Collection<UInt8>, file: String) throws -> String {
        if let line = nulLine(bytes) { throw WorkspaceError.holdsNUL(file, line: line) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw WorkspaceError.notUTF8(file) }
        return text
    }

    /// The 1-based line of the first NUL byte, or nil when there is none.
    public static func nulLine(_ bytes: some Collection<UInt8>) -> Int? {
        guard let nul = bytes.firstIndex(of: 0) else { return nil }
        return bytes[..<nul].reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }
}

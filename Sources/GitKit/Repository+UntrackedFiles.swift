import CLibgit2
import Foundation

extension Repository {
    /// Regular files under a working-tree folder, read from disk whether git tracks or ignores
    /// them (installed dbt packages are ignored), each with the id git would give its content and
    /// `onDisk` set. Symbolic links are neither followed nor listed, and a folder reached through
    /// one (at any level below the working tree's root) yields nothing: nothing outside the
    /// working tree is read.
    ///
    /// - Parameters:
    ///   - folder: Repository-relative folder.
    ///   - depth: Folders deeper than this below `folder` are not entered.
    ///   - limit: At most this many files are listed; `truncated` says when more were left.
    ///   - include: Sees each path relative to `folder`; only files it accepts are hashed.
    public func workingTreeFiles(
        under folder: String, depth: Int = 24, limit: Int = 20_000,
        include: (String) -> Bool
    ) throws -> (entries: [TreeEntry], truncated: Bool) {
        guard let workdir, reachableWithoutLinks(folder, in: workdir) else { return ([], false) }
        var entries: [TreeEntry] = []
        var truncated = false
        // Folders to read: (path relative to `folder`, depth).
        var pending: [(String, Int)] = [("", 0)]
        while let (relative, level) = pending.popLast() {
            let path = Self.join(folder, relative)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: workdir + "/" + path) else { continue }
            for name in names.sorted() where name != ".git" {
                let childRelative = Self.join(relative, name)
                let full = workdir + "/" + Self.join(folder, childRelative)
                var info = stat()
                guard lstat(full, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    if level + 1 <= depth { pending.append((childRelative, level + 1)) }
                case S_IFREG:
                    guard include(childRelative) else { continue }
                    guard entries.count < limit else {
                        truncated = true
                        continue
                    }
                    var oid = git_oid()
                    try check(git_odb_hashfile(&oid, full, GIT_OBJECT_BLOB), "git_odb_hashfile")
                    let executable = info.st_mode & 0o111 != 0
                    entries.append(
                        TreeEntry(
                            path: Self.join(folder, childRelative), id: ObjectID(oid),
                            isExecutable: executable, onDisk: true))
                default:
                    continue // symbolic links, sockets, devices
                }
            }
        }
        entries.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return (entries, truncated)
    }

    /// The names of the real folders (not symbolic links) directly inside a working-tree folder,
    /// sorted; none when the folder is absent, is reached through a link, or the repository is bare.
    public func workingTreeFolders(in folder: String) -> [String] {
        guard let workdir, reachableWithoutLinks(folder, in: workdir),
            let names = try? FileManager.default.contentsOfDirectory(atPath: workdir + "/" + folder)
        else { return [] }
        return names.sorted().filter { name in
            var info = stat()
            return !name.hasPrefix(".") && lstat(workdir + "/" + Self.join(folder, name), &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
        }
    }

    /// The id of the content `bytes` as a blob (a digest, e.g. for a cache key).
    public static func blobID(hashing bytes: [UInt8]) throws -> ObjectID {
        var oid = git_oid()
        var copy = bytes
        try check(git_odb_hash(&oid, &copy, copy.count, GIT_OBJECT_BLOB), "git_odb_hash")
        return ObjectID(oid)
    }

    /// Whether every component of `folder` below the working tree's root is a real folder.
    private func reachableWithoutLinks(_ folder: String, in workdir: String) -> Bool {
        var path = workdir
        for component in folder.split(separator: "/") {
            guard component != "..", component != "." else { return false }
            path += "/" + component
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return false }
        }
        return true
    }

    private static func join(_ a: String, _ b: String) -> String {
        a.isEmpty ? b : b.isEmpty ? a : a + "/" + b
    }
}

import Foundation
import GitKit

/// Resolved projects keyed by the git tree of their folder (plus adapter and tool version):
/// a revision already seen — HEAD, in a hook — is loaded whole instead of rebuilt file by file.
final class ProjectCache {
    /// How many resolved projects to keep.
    static let limit = 8

    let folder: String?
    let version: String
    /// Projects to write, already encoded: the project itself stays free to change in place
    /// (the head is patched from the base) without a copy of its nodes.
    private var pending: [(key: String, pieces: [[UInt8]])] = []
    /// How many answers were built from a lookup section rather than a whole project.
    var lookupAnswers = 0
    /// How many heads were read by their staged state's key (``ImpactEngine/stagedKey(_:baseKey:changes:)``).
    var stagedAnswers = 0

    init(folder: String?, version: String) {
        self.folder = folder
        self.version = version
    }

    func key(tree: ObjectID, root: String, adapter: String?) -> String {
        "\(version)\u{1}\(root)\u{1}\(adapter ?? "")\u{1}\(tree.hex)"
    }

    private func file(for key: String) -> String? {
        // FNV-1a over the key: a stable file name (Swift's Hasher is seeded per process).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return folder.map { $0 + "/" + String(hash, radix: 16) + ".bin" }
    }

    func load(_ key: String) -> DbtProject? {
        guard let path = file(for: key), let storage = ByteStorage(mapping: path), let project = ProjectCoding.decode(storage, key: key) else {
            return nil
        }
        Self.touch(path)
        return project
    }

    /// The cached project for `key`, read through its lookup section (nothing decoded yet).
    func lookup(_ key: String) -> ProjectLookup? {
        guard let path = file(for: key), let storage = ByteStorage(mapping: path), let lookup = ProjectLookup(storage: storage, key: key) else {
            return nil
        }
        Self.touch(path)
        return lookup
    }

    /// Marks a file used now: `save()` keeps the most recently used, so HEAD's project, read at
    /// every commit, outlives the staged states written after it. A read-only cache stays as is.
    private static func touch(_ path: String) {
        _ = utimes(path, nil)
    }

    /// Encodes a project to write on `save()`.
    func store(_ project: DbtProject, key: String) {
        guard folder != nil else { return }
        pending.append((key, ProjectCoding.pieces(project, key: key)))
    }

    /// Writes what was stored, atomically, and keeps only the `limit` most recently used files.
    func save() throws {
        guard let folder, !pending.isEmpty else { return }
        for (key, pieces) in pending {
            guard let path = file(for: key) else { continue }
            try CacheFile.write(pieces, to: path)
        }
        pending = []
        let fm = FileManager.default
        let files = (try? fm.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".bin") }) ?? []
        guard files.count > Self.limit else { return }
        let dated = files.map { name -> (String, Date) in
            let date = (try? fm.attributesOfItem(atPath: folder + "/" + name)[.modificationDate] as? Date) ?? .distantPast
            return (name, date ?? .distantPast)
        }.sorted { $0.1 > $1.1 }
        for (name, _) in dated.dropFirst(Self.limit) {
            try? fm.removeItem(atPath: folder + "/" + name)
        }
    }
}

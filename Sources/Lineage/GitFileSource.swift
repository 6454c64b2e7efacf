import Foundation
import GitKit

/// Reads and parses project files from a repository through the parse cache.
final class GitFileSource: ProjectFileSource {
    /// Larger files are refused: no dbt source file is this big.
    static let sizeLimit = 64 * 1_048_576

    let repository: Repository
    let cache: ParseCache
    private var sizes: [ObjectID: Int] = [:]

    init(repository: Repository, cache: ParseCache) {
        self.repository = repository
        self.cache = cache
    }

    func parsed(_ entry: TreeEntry, as kind: ParsedFile.Kind) throws -> ParsedFile {
        if let hit = cache.lookup(entry.id, kind) { return hit }
        let size = try self.size(entry)
        if size > Self.sizeLimit {
            throw LineageError.fileTooLarge(file: entry.path, bytes: size, limit: Self.sizeLimit)
        }
        let parsed = ParsedFile.parse(try repository.read(entry), as: kind)
        cache.store(entry.id, kind, parsed)
        return parsed
    }

    func size(_ entry: TreeEntry) throws -> Int {
        if let known = sizes[entry.id] { return known }
        let size: Int
        if entry.onDisk, let workdir = repository.workdir {
            let attributes = try FileManager.default.attributesOfItem(atPath: workdir + "/" + entry.path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } else {
            size = try repository.blobSize(entry.id)
        }
        sizes[entry.id] = size
        return size
    }
}

import Foundation
import GitKit

/// Slots that parallel iterations fill, each its own index: no two threads touch one slot, and
/// no Swift property is accessed (a raw buffer, so no exclusivity check can trip).
private final class ParallelResults: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<ParsedFile?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func set(_ index: Int, _ value: ParsedFile) {
        slots[index] = value
    }

    func get(_ index: Int) -> ParsedFile? {
        slots[index]
    }
}

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

    func prefetch(_ items: [(entry: TreeEntry, kind: ParsedFile.Kind)]) throws {
        // Read sequentially (the repository handle stays on this thread), parse in parallel.
        var seen: Set<ParseCache.Key> = []
        var work: [(id: ObjectID, kind: ParsedFile.Kind, bytes: [UInt8])] = []
        for (entry, kind) in items where cache.peek(entry.id, kind) == nil {
            guard seen.insert(ParseCache.Key(id: entry.id, kind: kind)).inserted else { continue }
            let size = try self.size(entry)
            if size > Self.sizeLimit {
                throw LineageError.fileTooLarge(file: entry.path, bytes: size, limit: Self.sizeLimit)
            }
            work.append((entry.id, kind, try repository.read(entry)))
        }
        guard !work.isEmpty else { return }
        let results = ParallelResults(count: work.count)
        let input = work
        DispatchQueue.concurrentPerform(iterations: input.count) { index in
            results.set(index, ParsedFile.parse(input[index].bytes, as: input[index].kind))
        }
        for (index, item) in work.enumerated() {
            if let parsed = results.get(index) { cache.store(item.id, item.kind, parsed) }
        }
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

import Foundation
import GitKit

/// Slots that parallel iterations fill, each its own index: no two threads touch one slot, and
/// no Swift property is accessed (a raw buffer, so no exclusivity check can trip).
private final class ParallelResults: @unchecked Sendable {
    enum Outcome {
        case parsed(ParsedFile)
        case failed(any Error)
    }

    private let slots: UnsafeMutablePointer<Outcome?>
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

    func set(_ index: Int, _ value: Outcome) {
        slots[index] = value
    }

    func get(_ index: Int) -> Outcome? {
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
    /// Files whose blob this clone lacks (a partial clone), by repository path.
    private(set) var missingPaths: Set<String> = []

    init(repository: Repository, cache: ParseCache) {
        self.repository = repository
        self.cache = cache
    }

    func parsed(_ entry: TreeEntry, as kind: ParsedFile.Kind) throws -> ParsedFile {
        if let hit = cache.lookup(entry.id, kind) { return hit }
        let parsed = try Self.readAndParse(entry, as: kind, in: repository)
        if parsed == .missing {
            missingPaths.insert(entry.path)
            return parsed
        }
        cache.store(entry.id, kind, parsed)
        return parsed
    }

    func prefetch(_ items: [(entry: TreeEntry, kind: ParsedFile.Kind)]) throws {
        var seen: Set<ParseCache.Key> = []
        var work: [(entry: TreeEntry, kind: ParsedFile.Kind)] = []
        for (entry, kind) in items where cache.peek(entry.id, kind) == nil {
            guard seen.insert(ParseCache.Key(id: entry.id, kind: kind)).inserted else { continue }
            work.append((entry, kind))
        }
        guard !work.isEmpty else { return }
        // Read and parse on every core. Each lane opens its own repository handle: libgit2
        // objects are never shared between threads.
        let lanes = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, work.count / 64 + 1))
        let location = repository.workdir ?? repository.gitDirectory
        let outcomes = ParallelResults(count: work.count)
        let input = work
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            let handle: Repository
            do {
                handle = try Repository.open(at: location)
            } catch {
                for index in stride(from: lane, to: input.count, by: lanes) { outcomes.set(index, .failed(error)) }
                return
            }
            for index in stride(from: lane, to: input.count, by: lanes) {
                let (entry, kind) = input[index]
                do {
                    outcomes.set(index, .parsed(try Self.readAndParse(entry, as: kind, in: handle)))
                } catch {
                    outcomes.set(index, .failed(error))
                }
            }
        }
        for (index, item) in work.enumerated() {
            switch outcomes.get(index) {
            case .parsed(.missing)?: missingPaths.insert(item.entry.path)
            case .parsed(let parsed)?: cache.store(item.entry.id, item.kind, parsed)
            case .failed(let error)?: throw error
            case nil: break
            }
        }
    }

    /// Reads a file (refusing one over the size limit) and parses it.
    static func readAndParse(_ entry: TreeEntry, as kind: ParsedFile.Kind, in repository: Repository) throws -> ParsedFile {
        do {
            let size = try size(of: entry, in: repository)
            if size > sizeLimit {
                throw LineageError.fileTooLarge(file: entry.path, bytes: size, limit: sizeLimit)
            }
            return ParsedFile.parse(try repository.read(entry), as: kind)
        } catch GitError.objectMissing {
            return .missing
        }
    }

    /// The size of a file: on disk for working-tree content, else from the object database.
    static func size(of entry: TreeEntry, in repository: Repository) throws -> Int {
        if entry.onDisk, let workdir = repository.workdir {
            let attributes = try FileManager.default.attributesOfItem(atPath: workdir + "/" + entry.path)
            return (attributes[.size] as? NSNumber)?.intValue ?? 0
        }
        return try repository.blobSize(entry.id)
    }

    func size(_ entry: TreeEntry) throws -> Int {
        if let known = sizes[entry.id] { return known }
        let size: Int
        do {
            size = try Self.size(of: entry, in: repository)
        } catch GitError.objectMissing {
            // A seed whose blob this clone lacks is compared by blob id (as below 1 MiB).
            missingPaths.insert(entry.path)
            return 0
        }
        sizes[entry.id] = size
        return size
    }
}

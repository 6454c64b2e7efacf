import Foundation
import GitKit

/// Slots that parallel iterations fill, each its own index: no two threads touch one slot, and
/// no Swift property is accessed (a raw buffer, so no exclusivity check can trip).
final class ParallelSlots<Item>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Item?>
    let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func set(_ index: Int, _ value: Item) {
        slots[index] = value
    }

    func get(_ index: Int) -> Item? {
        slots[index]
    }

    /// Takes the item out of its slot.
    func take(_ index: Int) -> Item? {
        let item = slots[index]
        slots[index] = nil
        return item
    }
}

/// What a lane made of one file: the parse with where its record lies in the lane's chunk, or
/// the error.
private enum Outcome {
    case parsed(ParsedFile, chunk: Int, start: Int, end: Int)
    case failed(any Error)
}

/// Reads and parses project files from a repository through the parse cache.
final class GitFileSource: ProjectFileSource {
    /// Larger files are refused: no dbt source file is this big.
    static let sizeLimit = 64 * 1_048_576

    let repository: Repository
    let cache: ParseCache
    private var sizes: [ObjectID: Int] = [:]
    /// About how many bytes of cache records a lane gathers into one chunk.
    static let chunkSize = 1 << 20
    /// Files the last prefetch parsed, until the loader takes them.
    private var prefetched: [ParseCache.Key: ParsedFile] = [:]
    /// Files whose blob this clone lacks (a partial clone), by repository path.
    private(set) var missingPaths: Set<String> = []

    init(repository: Repository, cache: ParseCache) {
        self.repository = repository
        self.cache = cache
    }

    func parsed(_ entry: TreeEntry, as kind: ParsedFile.Kind) throws -> ParsedFile {
        // A file parsed ahead is handed over once: the loader keeps what it needs of it.
        if let ahead = prefetched.removeValue(forKey: ParseCache.Key(id: entry.id, kind: kind)) {
            // The table keeps its capacity when emptied (20 MB at 50,000 files): let it go.
            if prefetched.isEmpty { prefetched = [:] }
            cache.countHit()
            return ahead
        }
        if let hit = cache.lookup(entry.id, kind) { return hit }
        let parsed = try Self.readAndParse(entry, as: kind, in: repository)
        if parsed == .missing {
            missingPaths.insert(entry.path)
            return parsed
        }
        cache.store(entry.id, kind, parsed)
        return parsed
    }

    /// Reads and parses on every core what the cache does not hold; each lane also encodes its
    /// records for the cache file, so saving the cache only writes bytes. The parses wait in
    /// `prefetched` for the loader (anything a previous load left there is dropped).
    func prefetch(_ items: [(entry: TreeEntry, kind: ParsedFile.Kind)]) throws {
        prefetched = [:]
        var seen: Set<ParseCache.Key> = []
        var work: [(entry: TreeEntry, kind: ParsedFile.Kind)] = []
        for (entry, kind) in items where !cache.contains(entry.id, kind) {
            guard seen.insert(ParseCache.Key(id: entry.id, kind: kind)).inserted else { continue }
            work.append((entry, kind))
        }
        guard !work.isEmpty else { return }
        // Each lane opens its own repository handle: libgit2 objects are never shared between
        // threads. Lanes take files in turn, so every lane gets a share of the big ones.
        let lanes = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, work.count / 64 + 1))
        let location = repository.workdir ?? repository.gitDirectory
        let outcomes = ParallelSlots<Outcome>(count: work.count)
        let bases = ParallelSlots<[Int?]>(count: lanes)
        let input = work
        // An in-memory cache (`--no-cache`) is never written: no records then; a file read
        // twice is parsed twice.
        let spool = cache.spool
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            let handle: Repository
            do {
                handle = try Repository.open(at: location)
            } catch {
                for index in stride(from: lane, to: input.count, by: lanes) { outcomes.set(index, .failed(error)) }
                return
            }
            // Records go to the spool about a megabyte at a time: where each chunk landed is
            // known once it is written.
            var written: [Int?] = []
            var records = CacheCoding.Writer()
            var count = 0
            func flush() {
                written.append(spool?.append(records.bytes, records: count))
                records.bytes.removeAll(keepingCapacity: true)
                count = 0
            }
            for index in stride(from: lane, to: input.count, by: lanes) {
                let (entry, kind) = input[index]
                do {
                    let parsed = try Self.readAndParse(entry, as: kind, in: handle)
                    if records.bytes.count >= Self.chunkSize { flush() }
                    var start = 0
                    if spool != nil, parsed != .missing {
                        start = records.record(entry.id, kind, parsed)
                        count += 1
                    }
                    outcomes.set(index, .parsed(parsed, chunk: written.count, start: start, end: records.bytes.count))
                } catch {
                    outcomes.set(index, .failed(error))
                }
            }
            if spool != nil { flush() }
            bases.set(lane, written)
        }
        var spooled: [(key: ParseCache.Key, start: Int, end: Int)] = []
        prefetched.reserveCapacity(work.count)
        for (index, item) in work.enumerated() {
            let key = ParseCache.Key(id: item.entry.id, kind: item.kind)
            switch outcomes.take(index) {
            case .parsed(.missing, _, _, _)?: missingPaths.insert(item.entry.path)
            case .parsed(let parsed, let chunk, let start, let end)?:
                prefetched[key] = parsed
                if let lane = bases.get(index % lanes), chunk < lane.count, let base = lane[chunk] {
                    spooled.append((key, base + start, base + end))
                }
            case .failed(let error)?: throw error
            case nil: break
            }
        }
        cache.adoptSpooled(spooled)
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

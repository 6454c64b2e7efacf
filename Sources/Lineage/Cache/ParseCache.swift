import Foundation
import GitKit

/// Parsed files keyed by git blob id and parse kind, kept between runs inside the repository's
/// git directory, so a hook re-reads only what changed.
///
/// The file is written atomically (a unique temporary file renamed over the old one), so two
/// processes running at once each leave a complete cache; a tool version change invalidates it.
public final class ParseCache {
    struct Key: Hashable {
        var id: ObjectID
        var kind: ParsedFile.Kind
    }

    /// Where the cache lives, or nil for an in-memory cache.
    public let file: String?
    let version: String
    private var loadedEntries: [Key: ParsedFile]?
    /// Files parsed by this run, kept only as encoded records (what the file will hold): runs of
    /// whole records, and where each key's record lies. A parsed file lives no longer than the
    /// loader needs it; a second lookup decodes the record.
    private var chunks: [[UInt8]] = []
    private var fresh: [Key: (chunk: Int, start: Int, end: Int)] = [:]
    private(set) var dirty = false
    /// How many lookups were served from the cache, and how many parsed anew.
    public private(set) var hits = 0
    /// Lookups that missed.
    public private(set) var misses = 0

    /// What the engine reads out of a file, versioned apart from the tool: bump it with any
    /// change to parsing or to what a parsed file holds, so no cache from before the change is
    /// taken for an answer (a development build keeps the tool's version number).
    static let format = 2

    /// Opens the cache at `file` (nil: memory only), dropping it when `version` differs.
    public init(file: String?, version: String) {
        self.file = file
        self.version = "\(version) lineage-\(Self.format)"
    }

    /// The entries, read from disk on first use: a run that finds its answer in the project
    /// cache never pays for decoding per-file parses.
    var entries: [Key: ParsedFile] {
        get {
            if let loadedEntries { return loadedEntries }
            var decoded: [Key: ParsedFile] = [:]
            if let file, let data = FileManager.default.contents(atPath: file) {
                decoded = CacheCoding.decode([UInt8](data), version: version) ?? [:]
            }
            loadedEntries = decoded
            return decoded
        }
        set { loadedEntries = newValue }
    }

    /// The folder of the project cache beside this file, if the cache is on disk.
    var projectFolder: String? {
        file.map { ($0 as NSString).deletingLastPathComponent + "/projects" }
    }

    /// The cache file for a repository: `<common git dir>/rationale/parse-cache.bin`.
    public static func defaultFile(for repository: Repository) -> String {
        repository.commonDirectory + "/rationale/parse-cache.bin"
    }

    func lookup(_ id: ObjectID, _ kind: ParsedFile.Kind) -> ParsedFile? {
        if let hit = peek(id, kind) {
            hits += 1
            return hit
        }
        misses += 1
        return nil
    }

    /// A lookup that does not count as a hit or a miss.
    func peek(_ id: ObjectID, _ kind: ParsedFile.Kind) -> ParsedFile? {
        if loadedEntries == nil { _ = entries }
        let key = Key(id: id, kind: kind)
        if let hit = loadedEntries?[key] { return hit }
        guard let place = fresh[key] else { return nil }
        return chunks[place.chunk].withUnsafeBufferPointer { buffer in
            var r = CacheCoding.Reader(buffer: UnsafeBufferPointer(rebasing: buffer[0..<place.end]), offset: place.start)
            return r.parsed()
        }
    }

    /// Whether the cache holds a parse of this file.
    func contains(_ id: ObjectID, _ kind: ParsedFile.Kind) -> Bool {
        if loadedEntries == nil { _ = entries }
        let key = Key(id: id, kind: kind)
        return loadedEntries?[key] != nil || fresh[key] != nil
    }

    /// Counts a hit served by the caller (a file parsed ahead by this run).
    func countHit() {
        hits += 1
    }

    func store(_ id: ObjectID, _ kind: ParsedFile.Kind, _ parsed: ParsedFile) {
        guard parsed != .missing, !contains(id, kind) else { return }
        var w = CacheCoding.Writer()
        let start = w.record(id, kind, parsed)
        adopt(w.bytes, records: [(Key(id: id, kind: kind), start, w.bytes.count)])
    }

    /// Takes a run of encoded records (see ``CacheCoding/Writer/record(_:_:_:)``) with where
    /// each record's parse starts and ends in it. Records of files the cache already holds are
    /// left out, so the file never holds one twice.
    func adopt(_ chunk: [UInt8], records: [(key: Key, start: Int, end: Int)]) {
        guard !records.isEmpty else { return }
        if loadedEntries == nil { _ = entries }
        let isNew = { (key: Key) in self.fresh[key] == nil && self.loadedEntries?[key] == nil }
        var kept = chunk
        var places = records
        if !records.allSatisfy({ isNew($0.key) }) {
            kept = []
            places = []
            for record in records where isNew(record.key) && !places.contains(where: { $0.key == record.key }) {
                let begin = record.start - CacheCoding.recordPrefix
                places.append((record.key, kept.count + CacheCoding.recordPrefix, kept.count + record.end - begin))
                kept.append(contentsOf: chunk[begin..<record.end])
            }
            guard !places.isEmpty else { return }
        }
        chunks.append(kept)
        for record in places { fresh[record.key] = (chunks.count - 1, record.start, record.end) }
        dirty = true
    }

    /// Writes the cache when something new was parsed: the header, the entries read from the
    /// file before, and this run's records as they were encoded, one after the other.
    public func save() throws {
        guard dirty, let file else { return }
        let old = (loadedEntries ?? [:]).filter { $0.value != .missing }
        var head = CacheCoding.Writer()
        head.bytes.append(contentsOf: CacheCoding.magic)
        head.string(version)
        head.u32(old.count + fresh.count)
        for (key, parsed) in old { _ = head.record(key.id, key.kind, parsed) }
        try CacheFile.write([head.bytes] + chunks, to: file)
        dirty = false
    }
}

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
    /// Files parsed by this run, on disk only: the spool holds their records (what the next
    /// cache file will hold), `fresh` where each lies in it. A parsed file lives no longer than
    /// the loader needs it; a second lookup reads its record back. In-memory caches (no file)
    /// keep parses in `loadedEntries` instead.
    private var spoolFile: ParseCacheSpool?
    private var fresh: [Key: (start: Int, end: Int)] = [:]
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
        guard let place = fresh[key], let bytes = spoolFile?.read(place.start, place.end) else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            var r = CacheCoding.Reader(buffer: buffer)
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

    /// Where this run's records go, for a cache with a file; made on first use (nil when the
    /// temporary file cannot be made: nothing is cached then).
    var spool: ParseCacheSpool? {
        if spoolFile == nil, let file { spoolFile = ParseCacheSpool(beside: file, version: version) }
        return spoolFile
    }

    func store(_ id: ObjectID, _ kind: ParsedFile.Kind, _ parsed: ParsedFile) {
        guard parsed != .missing, !contains(id, kind) else { return }
        let key = Key(id: id, kind: kind)
        guard file != nil else {
            loadedEntries?[key] = parsed
            return
        }
        var w = CacheCoding.Writer()
        let start = w.record(id, kind, parsed)
        guard let at = spool?.append(w.bytes, records: 1) else { return }
        fresh[key] = (at + start, at + w.bytes.count)
        dirty = true
    }

    /// Records that lanes appended to the spool: where each record's parse starts and ends in it.
    func adoptSpooled(_ records: [(key: Key, start: Int, end: Int)]) {
        guard !records.isEmpty else { return }
        for record in records where fresh[record.key] == nil { fresh[record.key] = (record.start, record.end) }
        dirty = true
    }

    /// Writes the cache when something new was parsed: completes the spool — this run's
    /// records are in it already — with the entries read from the file before.
    public func save() throws {
        guard dirty, let file, let spoolFile else { return }
        var old = CacheCoding.Writer()
        var count = 0
        for (key, parsed) in loadedEntries ?? [:] where parsed != .missing {
            _ = old.record(key.id, key.kind, parsed)
            count += 1
        }
        try spoolFile.complete(to: file, extra: old.bytes, extraRecords: count)
        self.spoolFile = nil
        fresh = [:]
        dirty = false
    }
}

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
        if loadedEntries == nil { _ = entries }
        if let hit = loadedEntries?[Key(id: id, kind: kind)] {
            hits += 1
            return hit
        }
        misses += 1
        return nil
    }

    /// A lookup that does not count as a hit or a miss.
    func peek(_ id: ObjectID, _ kind: ParsedFile.Kind) -> ParsedFile? {
        if loadedEntries == nil { _ = entries }
        return loadedEntries?[Key(id: id, kind: kind)]
    }

    func store(_ id: ObjectID, _ kind: ParsedFile.Kind, _ parsed: ParsedFile) {
        if loadedEntries == nil { _ = entries }
        // In place: going through `entries` would copy the whole dictionary on every store.
        loadedEntries?[Key(id: id, kind: kind)] = parsed
        dirty = true
    }

    /// Writes the cache when something new was parsed.
    public func save() throws {
        guard dirty, let file else { return }
        try Self.writeAtomically(CacheCoding.encode(entries, version: version), to: file)
        dirty = false
    }

    /// Writes to a unique temporary file in the same folder, then renames it over `file`:
    /// readers see the old or the new content, never a torn one.
    static func writeAtomically(_ bytes: [UInt8], to file: String) throws {
        let folder = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/.tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        if rename(temporary, file) != 0 {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
        }
    }
}

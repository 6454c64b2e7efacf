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
    var entries: [Key: ParsedFile] = [:]
    private(set) var dirty = false
    /// How many lookups were served from the cache, and how many parsed anew.
    public private(set) var hits = 0
    /// Lookups that missed.
    public private(set) var misses = 0

    /// Opens the cache at `file` (nil: memory only), dropping it when `version` differs.
    public init(file: String?, version: String) {
        self.file = file
        self.version = version
        if let file, let data = FileManager.default.contents(atPath: file) {
            entries = CacheCoding.decode([UInt8](data), version: version) ?? [:]
        }
    }

    /// The cache file for a repository: `<common git dir>/rationale/parse-cache.bin`.
    public static func defaultFile(for repository: Repository) -> String {
        repository.commonDirectory + "/rationale/parse-cache.bin"
    }

    func lookup(_ id: ObjectID, _ kind: ParsedFile.Kind) -> ParsedFile? {
        if let hit = entries[Key(id: id, kind: kind)] {
            hits += 1
            return hit
        }
        misses += 1
        return nil
    }

    func store(_ id: ObjectID, _ kind: ParsedFile.Kind, _ parsed: ParsedFile) {
        entries[Key(id: id, kind: kind)] = parsed
        dirty = true
    }

    /// Writes the cache when something new was parsed. Keeps at most `limit` entries (the ones
    /// used or added in this run first).
    public func save(keeping used: Set<ObjectID>? = nil) throws {
        guard dirty, let file else { return }
        let folder = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let bytes = CacheCoding.encode(entries, version: version)
        let temporary = folder + "/.parse-cache-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        if rename(temporary, file) != 0 {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
        }
        dirty = false
    }
}

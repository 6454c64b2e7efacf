import Foundation

/// The next parse-cache file while a run fills it: a temporary file beside the cache that the
/// parsing lanes append their records to as they go, so no run holds its records in memory;
/// `ParseCache.save()` completes it (count, entries kept from before, seal) and renames it over
/// the cache. A spool that is never completed is removed. Any failure only loses the cache.
final class ParseCacheSpool: @unchecked Sendable {
    private let path: String
    private var fd: Int32
    private let lock = NSLock()
    /// Where the record count lies in the header.
    private let countAt: Int
    private var length = 0
    private(set) var records = 0
    private(set) var failed = false
    private var completed = false
    private let madeFolder: String?

    /// Creates the temporary file beside `file` with the header (magic, version, a count to fill).
    init?(beside file: String, version: String) {
        let folder = (file as NSString).deletingLastPathComponent
        // A run that cannot finish leaves nothing behind: a folder made here goes with the spool.
        madeFolder = !FileManager.default.fileExists(atPath: folder) ? folder : nil
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = folder + "/.tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        var head = CacheCoding.Writer()
        head.bytes.append(contentsOf: CacheCoding.magic)
        head.string(version)
        countAt = head.bytes.count
        head.u32(0)
        guard append(head.bytes, records: 0) != nil else { return nil }
    }

    deinit {
        if fd >= 0 { close(fd) }
        unlink(path)
        if let madeFolder, !completed { rmdir(madeFolder) }
    }

    /// Appends whole records; returns where `bytes` start in the file, nil once writing failed.
    func append(_ bytes: [UInt8], records count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard !failed, fd >= 0 else { return nil }
        let at = length
        guard Self.writeAll(fd, bytes, at: at) else {
            failed = true
            return nil
        }
        length += bytes.count
        records += count
        return at
    }

    /// The bytes `start..<end` of the file, nil when they cannot be read.
    func read(_ start: Int, _ end: Int) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        guard !failed, fd >= 0, start <= end, end <= length else { return nil }
        var bytes = [UInt8](repeating: 0, count: end - start)
        let done = bytes.withUnsafeMutableBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                guard let base = raw.baseAddress else { return false }
                let n = pread(fd, base + offset, raw.count - offset, off_t(start + offset))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
        return done ? bytes : nil
    }

    /// Completes the file — `extra` records appended, the count filled in, the seal (the
    /// checksum of everything, read back) after it — and renames it to `file`.
    func complete(to file: String, extra: [UInt8], extraRecords: Int) throws {
        guard append(extra, records: extraRecords) != nil else { throw Self.failure(path) }
        lock.lock()
        defer { lock.unlock() }
        var count = CacheCoding.Writer()
        count.u32(records)
        var stream = ChecksumStream(length: length)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var ok = Self.writeAll(fd, count.bytes, at: countAt)
        var offset = 0
        while ok, offset < length {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress, min(raw.count, length - offset), off_t(offset))
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                ok = false
                break
            }
            buffer.withUnsafeBytes { stream.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            offset += n
        }
        var seal = CacheCoding.Writer()
        seal.u64(stream.finish())
        ok = ok && Self.writeAll(fd, seal.bytes, at: length)
        ok = close(fd) == 0 && ok
        fd = -1
        failed = true
        guard ok, rename(path, file) == 0 else { throw Self.failure(file) }
        completed = true
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], at start: Int) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                guard let base = raw.baseAddress else { return false }
                let n = pwrite(fd, base + offset, raw.count - offset, off_t(start + offset))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }

    private static func failure(_ path: String) -> Error {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
}

import Foundation

/// A project cache file held in memory: its string table is decoded string by string on first
/// use, and node details when a node is looked at.
final class ProjectArchive: @unchecked Sendable {
    let storage: ByteStorage
    let values: [Value]
    let bodyOffset: Int
    /// Where the details section starts.
    let detailsOffset: Int
    private let stringOffsets: [Int]
    private var strings: [String?]
    /// In lookup mode: where the table of string offsets lies and how many it holds, the
    /// strings read so far, and the page checksums every read goes through.
    private let stringTable: (at: Int, count: Int)?
    private var looked: [Int: String] = [:]
    let pages: PageCheck?
    private let lock = NSLock()

    init?(storage: ByteStorage, key: String) {
        let magic = ProjectCoding.magic
        guard storage.count >= magic.count, Array(storage.buffer[0..<magic.count]) == magic,
            CacheCoding.verifiedLength(UnsafeRawBufferPointer(storage.buffer)) != nil
        else { return nil }
        var offsets: [Int] = []
        var values: [Value] = []
        let body: (Int, Int)? = storage.withUnsafeBufferPointer { buffer -> (Int, Int)? in
            var r = CacheCoding.Reader(buffer: buffer, offset: magic.count)
            guard r.string() == key, let count = r.u32(), count <= buffer.count / 4 else { return nil }
            offsets.reserveCapacity(count)
            for _ in 0..<count {
                offsets.append(r.offset)
                guard let length = r.u32(), r.offset + length <= buffer.count else { return nil }
                r.offset += length
            }
            guard let valueCount = r.u32() else { return nil }
            for _ in 0..<valueCount {
                guard let v = r.value() else { return nil }
                values.append(v)
            }
            guard let bodyLength = r.u32(), r.offset + bodyLength <= buffer.count else { return nil }
            return (r.offset, bodyLength)
        }
        guard let (bodyStart, bodyLength) = body else { return nil }
        self.storage = storage
        self.values = values
        self.bodyOffset = bodyStart
        self.detailsOffset = bodyStart + bodyLength
        self.stringOffsets = offsets
        self.strings = Array(repeating: nil, count: offsets.count)
        self.stringTable = nil
        self.pages = nil
    }

    /// An archive read through its lookup section: nothing is walked or checked whole; each
    /// string is found through the offset table and checked page by page when first read.
    init(storage: ByteStorage, values: [Value], bodyOffset: Int, detailsOffset: Int, stringTable: (at: Int, count: Int), pages: PageCheck) {
        self.storage = storage
        self.values = values
        self.bodyOffset = bodyOffset
        self.detailsOffset = detailsOffset
        self.stringOffsets = []
        self.strings = []
        self.stringTable = stringTable
        self.pages = pages
    }

    /// Runs `body` holding the archive's lock.
    func locked<Result>(_ body: () -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// String `index` of the table; the caller holds the lock.
    func unlockedString(_ index: Int) -> String? {
        if let stringTable, let pages {
            guard index < stringTable.count else { return nil }
            if let known = looked[index] { return known }
            let at = stringTable.at + 4 * index
            guard let offset = pages.u32(at), let length = pages.u32(offset), pages.verify(offset + 4, offset + 4 + length) else { return nil }
            let decoded = String(decoding: UnsafeBufferPointer(rebasing: storage.buffer[(offset + 4)..<(offset + 4 + length)]), as: UTF8.self)
            looked[index] = decoded
            return decoded
        }
        guard index < stringOffsets.count else { return nil }
        if let known = strings[index] { return known }
        let decoded = storage.withUnsafeBufferPointer { buffer -> String? in
            var r = CacheCoding.Reader(buffer: buffer, offset: stringOffsets[index])
            return r.string()
        }
        strings[index] = decoded
        return decoded
    }

    /// The details recorded at `offset`. The archive was validated when it was loaded, so a
    /// record that does not decode means the file changed underneath: empty details then.
    func details(at offset: Int) -> NodeDetails {
        locked {
            storage.withUnsafeBufferPointer { buffer in
                var r = CacheCoding.Reader(buffer: buffer, offset: offset)
                return r.nodeDetails() ?? NodeDetails()
            }
        }
    }
}

/// Read-only bytes that outlive the call that produced them: a memory-mapped cache file (the
/// kernel's page cache, nothing copied or zero-filled) or a private copy.
final class ByteStorage: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
    private let mapped: Bool

    var count: Int { buffer.count }

    init(copying bytes: [UInt8]) {
        let memory = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = memory.initialize(from: bytes)
        buffer = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(memory)[0..<bytes.count])
        mapped = false
    }

    /// Maps the file at `path`; nil when it cannot be opened or is empty.
    init?(mapping path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else { return nil }
        buffer = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size)
        mapped = true
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count)
        } else {
            UnsafeMutablePointer(mutating: buffer.baseAddress)?.deallocate()
        }
    }

    func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(buffer)
    }
}

/// Per-page checksums over the checked part of a project cache file: a page is hashed the first
/// time anything on it is read, and a page that does not match makes the read fail (a miss).
final class PageCheck: @unchecked Sendable {
    static let shift = 12
    private let buffer: UnsafeBufferPointer<UInt8>
    /// The checked length, and where the page sums (one u64 per page) lie.
    let length: Int
    private let sumsAt: Int
    private var checked: [UInt64]
    private let lock = NSLock()

    /// `buffer` must hold the `(length + 4095) / 4096` sums at `sumsAt` (the caller checked them).
    init(buffer: UnsafeBufferPointer<UInt8>, length: Int, sumsAt: Int) {
        self.buffer = buffer
        self.length = length
        self.sumsAt = sumsAt
        self.checked = Array(repeating: 0, count: ((length >> Self.shift) + 64) / 64)
    }

    /// Whether bytes `start..<end` lie in the checked part and every page they touch matches.
    func verify(_ start: Int, _ end: Int) -> Bool {
        guard start >= 0, start <= end, end <= length else { return false }
        guard start < end else { return true }
        lock.lock()
        defer { lock.unlock() }
        for page in (start >> Self.shift)...((end - 1) >> Self.shift) {
            let (word, bit) = (page / 64, UInt64(1) << UInt64(page % 64))
            if checked[word] & bit != 0 { continue }
            let from = page << Self.shift
            let to = min(from + (1 << Self.shift), length)
            let raw = UnsafeRawBufferPointer(buffer)
            let sum = CacheCoding.checksum(UnsafeRawBufferPointer(rebasing: raw[from..<to]))
            guard sum == UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: sumsAt + 8 * page, as: UInt64.self)) else { return false }
            checked[word] |= bit
        }
        return true
    }

    /// The little-endian u32 at `offset`, once its page checks out.
    func u32(_ offset: Int) -> Int? {
        guard verify(offset, offset + 4) else { return nil }
        return Int(UInt32(littleEndian: UnsafeRawBufferPointer(buffer).loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }
}

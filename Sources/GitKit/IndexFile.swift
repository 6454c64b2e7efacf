import Foundation

/// git's index file read directly, for one question: which staged files differ from HEAD.
///
/// libgit2 answers that by loading the whole index (hashing the file, allocating every entry,
/// validating every path) and walking every folder of HEAD's tree: linear in the project, about
/// 57 million instructions of a warm 5,000-model `rationale check`. git itself answers it from the
/// index's cache tree (the TREE extension): a folder whose recorded tree id is still valid and
/// equals HEAD's has no staged change, so only the folders on the way to a staged change are
/// compared. This reader gives that comparison what it needs — entries as offsets into the file's
/// bytes, and the cache tree — and declines (nil) whatever it does not fully understand, so that
/// libgit2 answers instead: split or sparse indexes, unmerged entries, intent-to-add and
/// skip-worktree entries, unknown required extensions, any inconsistency.
///
/// The file is untrusted input: every length is checked against the bytes that are there, the
/// cache tree's depth and size are bounded, and nothing is read past the end. The trailing
/// checksum is not verified (as with git's `index.skipHash`): git replaces the index by renaming
/// a complete new file over it, and a damaged file that still parses gives at worst a wrong list
/// of staged files, never a read outside it.
struct IndexFile {
    /// One stage-0 entry: where its path and id are in `bytes`, and its mode.
    struct Entry {
        let pathStart: Int
        let pathEnd: Int
        let idStart: Int
        let mode: UInt32
    }

    /// A folder of the cache tree; `id` is nil where git marked it invalid (something under it
    /// was staged since the tree was last written).
    final class TreeNode {
        let name: [UInt8]
        let id: ObjectID?
        var children: [TreeNode] = []

        init(name: [UInt8], id: ObjectID?) {
            self.name = name
            self.id = id
        }

        func child(named name: ArraySlice<UInt8>) -> TreeNode? {
            children.first { $0.name.elementsEqual(name) }
        }
    }

    /// The file's bytes, then (for version 4, whose paths are prefix-compressed) each entry's
    /// path written out whole: entries point into it.
    let storage: [UInt8]
    let entries: [Entry]
    /// The cache tree's root, nil when the index has none.
    let tree: TreeNode?

    /// What identifies one version of the file: git replaces the index by renaming a new file
    /// over it (a new inode), and any write in place changes the change time.
    struct Stamp: Equatable {
        let device: UInt64
        let inode: UInt64
        let size: Int64
        let changed: Int
        let changedNanoseconds: Int
        let modified: Int
        let modifiedNanoseconds: Int

        init?(path: String) {
            var status = stat()
            guard stat(path, &status) == 0 else { return nil }
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            size = Int64(status.st_size)
            changed = Int(status.st_ctim.tv_sec)
            changedNanoseconds = Int(status.st_ctim.tv_nsec)
            modified = Int(status.st_mtim.tv_sec)
            modifiedNanoseconds = Int(status.st_mtim.tv_nsec)
        }
    }

    /// A read (or a refusal, nil) and the version of the file it was of.
    struct Cached {
        let stamp: Stamp
        let file: IndexFile?
    }

    /// Larger files are left to libgit2 (a 1,000,000-file index is about 100 MB).
    static let maximumSize = 512 << 20
    static let maximumTreeDepth = 4096

    /// The bytes a path of `entry` occupies.
    func path(_ entry: Entry) -> ArraySlice<UInt8> {
        storage[entry.pathStart..<entry.pathEnd]
    }

    func id(_ entry: Entry) -> ObjectID {
        storage.withUnsafeBytes { ObjectID(rawBuffer: UnsafeRawBufferPointer(rebasing: $0[entry.idStart..<entry.idStart + 20])) }
    }

    /// Lends `body` the storage the entries point into, for reads without copies.
    func withStorage<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Reads the index at `path`; nil when the file is missing, too large, or not one this reader
    /// fully understands.
    static func read(at path: String) -> IndexFile? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size >= 32, size <= UInt64(maximumSize) else { return nil }
        guard (try? handle.seek(toOffset: 0)) != nil, let data = try? handle.readToEnd(), data.count == Int(size) else { return nil }
        return parse([UInt8](data))
    }

    static func parse(_ bytes: [UInt8]) -> IndexFile? {
        bytes.withUnsafeBufferPointer { parse(bytes, base: $0) }
    }

    private static func parse(_ bytes: [UInt8], base: UnsafeBufferPointer<UInt8>) -> IndexFile? {
        var reader = Reader(base: base, end: base.count - 20)
        guard let signature = reader.take(4), base[signature].elementsEqual("DIRC".utf8), let version = reader.uint32(), (2...4).contains(version),
            let count = reader.uint32(), Int(count) <= base.count / 40
        else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(count))
        var storage = bytes
        // Version 4: the previous path and the one being rebuilt from it.
        var (previous, current): ([UInt8], [UInt8]) = ([], [])
        for _ in 0..<count {
            let start = reader.offset
            guard reader.skip(24), let mode = reader.uint32(), reader.skip(12) else { return nil }
            let idStart = reader.offset
            guard reader.skip(20), let flags = reader.uint16() else { return nil }
            // Unmerged entries (stage 1-3) and any extended flag (intent-to-add, skip-worktree)
            // are libgit2's to interpret.
            guard flags & 0x3000 == 0, flags & 0x4000 == 0 else { return nil }
            guard mode == 0o100644 || mode == 0o100755 || mode == 0o120000 || mode == 0o160000 else { return nil }
            let pathRange: Range<Int>
            // Sorted by path, each once (stage 0 only): the cache-tree walk relies on it.
            if version == 4 {
                guard let strip = reader.varint(), strip <= previous.count, let suffix = reader.cString() else { return nil }
                current.removeAll(keepingCapacity: true)
                current.append(contentsOf: previous[0..<previous.count - strip])
                current.append(contentsOf: base[suffix])
                guard !current.isEmpty, entries.isEmpty || precedes(previous[...], current[...]) else { return nil }
                pathRange = storage.count..<storage.count + current.count
                storage.append(contentsOf: current)
                swap(&previous, &current)
            } else {
                guard let name = reader.cString(), !name.isEmpty else { return nil }
                if let last = entries.last {
                    let earlier = UnsafeBufferPointer(rebasing: base[last.pathStart..<last.pathEnd])
                    guard bytesPrecede(earlier, UnsafeBufferPointer(rebasing: base[name])) else { return nil }
                }
                pathRange = name
                // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes (the NUL read counts).
                let length = reader.offset - start
                let padded = (length + 7) / 8 * 8
                guard reader.skip(padded - length) else { return nil }
            }
            entries.append(Entry(pathStart: pathRange.lowerBound, pathEnd: pathRange.upperBound, idStart: idStart, mode: mode))
        }
        var tree: TreeNode?
        while reader.offset < reader.end {
            guard let signature = reader.take(4), let size = reader.uint32(), Int(size) <= reader.end - reader.offset else { return nil }
            let body = reader.offset..<reader.offset + Int(size)
            switch String(decoding: base[signature], as: UTF8.self) {
            case "TREE":
                var treeReader = Reader(base: base, offset: body.lowerBound, end: body.upperBound)
                guard !body.isEmpty else { break }
                guard let root = readTree(&treeReader, depth: 0), treeReader.offset == body.upperBound else { return nil }
                tree = root
            case "link", "sdir":
                return nil // a split index, or a sparse index with folder entries
            default:
                // An optional extension starts with an upper-case letter; git refuses an index
                // with a required one it does not know, and so does this reader.
                guard (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(base[signature.lowerBound]) else { return nil }
            }
            reader.offset = body.upperBound
        }
        return IndexFile(storage: storage, entries: entries, tree: tree)
    }

    /// The first entry in `range` whose path does not sort before `key`.
    func lowerBound(_ key: ArraySlice<UInt8>, in range: Range<Int>) -> Int {
        var (low, high) = (range.lowerBound, range.upperBound)
        while low < high {
            let middle = (low + high) / 2
            if Self.precedes(path(entries[middle]), key) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    /// The entries inside `folder` (no trailing slash; all of them for ""), whose paths start
    /// with `folder/`: those from `folder/` up to, not including, `folder0` ('0' follows '/').
    func range(under folder: [UInt8]) -> Range<Int> {
        guard !folder.isEmpty else { return 0..<entries.count }
        let start = lowerBound((folder + [UInt8(ascii: "/")])[...], in: 0..<entries.count)
        return start..<lowerBound((folder + [UInt8(ascii: "0")])[...], in: start..<entries.count)
    }

    /// The entry at exactly `path`.
    func position(of path: [UInt8]) -> Int? {
        let found = lowerBound(path[...], in: 0..<entries.count)
        return found < entries.count && self.path(entries[found]).elementsEqual(path) ? found : nil
    }

    /// Byte order, as git sorts paths (``bytesPrecede(_:_:)``).
    static func precedes(_ lhs: ArraySlice<UInt8>, _ rhs: ArraySlice<UInt8>) -> Bool {
        lhs.withUnsafeBufferPointer { a in rhs.withUnsafeBufferPointer { b in bytesPrecede(a, b) } }
    }

    /// One cache-tree folder and, recursively, its children: `name NUL count SP subtrees LF [id]`.
    private static func readTree(_ reader: inout Reader, depth: Int) -> TreeNode? {
        guard depth <= maximumTreeDepth, let name = reader.cString(), let count = reader.decimal(until: 0x20),
            let subtrees = reader.decimal(until: 0x0A), count >= -1, subtrees >= 0, subtrees <= reader.end - reader.offset
        else { return nil }
        var id: ObjectID?
        if count >= 0 {
            guard let raw = reader.take(20) else { return nil }
            id = ObjectID(rawBuffer: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(reader.base)[raw]))
        }
        let node = TreeNode(name: Array(reader.base[name]), id: id)
        for _ in 0..<subtrees {
            guard let child = readTree(&reader, depth: depth + 1) else { return nil }
            node.children.append(child)
        }
        return node
    }

    /// Bounded big-endian reads over `base[offset..<end]`.
    struct Reader {
        let base: UnsafeBufferPointer<UInt8>
        var offset = 0
        let end: Int

        init(base: UnsafeBufferPointer<UInt8>, offset: Int = 0, end: Int) {
            self.base = base
            self.offset = offset
            self.end = max(offset, min(end, base.count))
        }

        mutating func skip(_ count: Int) -> Bool {
            guard count >= 0, count <= end - offset else { return false }
            offset += count
            return true
        }

        /// The next `count` bytes, as a range of `base`.
        mutating func take(_ count: Int) -> Range<Int>? {
            let start = offset
            return skip(count) ? start..<offset : nil
        }

        mutating func uint32() -> UInt32? {
            take(4).map { range in base[range].reduce(0) { $0 << 8 | UInt32($1) } }
        }

        mutating func uint16() -> UInt16? {
            take(2).map { range in base[range].reduce(0) { $0 << 8 | UInt16($1) } }
        }

        /// The bytes up to the next NUL (which is consumed), as a range of `base`.
        mutating func cString() -> Range<Int>? {
            guard offset < end, let start = base.baseAddress, let nul = memchr(start + offset, 0, end - offset) else { return nil }
            let stop = UnsafeRawPointer(nul) - UnsafeRawPointer(start)
            defer { offset = stop + 1 }
            return offset..<stop
        }

        /// git's variable-length offset encoding (index version 4).
        mutating func varint() -> Int? {
            guard offset < end else { return nil }
            var byte = base[offset]
            offset += 1
            var value = Int(byte & 0x7F)
            while byte & 0x80 != 0 {
                guard offset < end, value < Int.max >> 8 else { return nil }
                byte = base[offset]
                offset += 1
                value = ((value + 1) << 7) | Int(byte & 0x7F)
            }
            return value
        }

        /// An ASCII decimal (optionally `-1`) ended by `terminator`, which is consumed.
        mutating func decimal(until terminator: UInt8) -> Int? {
            guard let stop = base[offset..<end].firstIndex(of: terminator), stop > offset, stop - offset <= 10 else { return nil }
            defer { offset = stop + 1 }
            let text = base[offset..<stop]
            let negative = text.first == UInt8(ascii: "-")
            let digits = negative ? text.dropFirst() : text
            guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            let value = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            return negative ? -value : value
        }
    }
}

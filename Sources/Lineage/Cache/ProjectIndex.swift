/// The lookup section of a project cache file: tables that let a run read only the nodes a
/// change reaches (by path, by name, by id) and their edges, each byte checked by the checksum
/// of its 4 KiB page when first read, so a warm hook pays for the change, not for the project.
///
/// After the details section, as little-endian u32: the offset of every string; of every node
/// record, then the end of the records; of every node's details, then their end; of every
/// node's children list (0: none); keys by name and by path as (key string, node position)
/// pairs sorted by key, then position. Then the trailer: one u64 checksum per page of all that
/// comes before it, the header (`headerWords` u32), a u64 checksum of the page sums and the
/// header, and the u32 offset of the page sums. The whole-file seal follows, as in every cache
/// file (a full load checks it; a lookup does not read the whole file).
enum ProjectIndex {
    /// The header's first word: `RLK1`.
    static let tag = 0x314B_4C52
    static let headerWords = 16

    /// Where the encoder put things: absolute offsets (strings, values, body, details start),
    /// body-relative (records, children, the children section), details-relative (details).
    struct Places {
        var strings: [Int] = []
        var values = 0
        var body = 0
        var detailsStart = 0
        var records: [Int] = []
        var details: [Int] = []
        var children: [Int]
        var childSection = 0

        init(nodeCount: Int) {
            children = Array(repeating: 0, count: nodeCount)
            records.reserveCapacity(nodeCount + 1)
            details.reserveCapacity(nodeCount + 1)
        }
    }

    /// The lookup keys as (string index, node position), each list sorted by key then position.
    struct Keys {
        var names: [(Int, Int)]
        var paths: [(Int, Int)]
    }

    /// The name keys of a node: its name, and for a source also the last part of its id (how
    /// `source()` resolution finds candidates by table).
    static func nameKeys(_ node: Node) -> [String] {
        guard node.resourceType == .source else { return [node.name] }
        let last = String(lastComponent(node.uniqueID))
        return last == node.name ? [last] : [node.name, last]
    }

    /// What follows the last dot (all of `text` without one).
    static func lastComponent(_ text: String) -> Substring {
        guard let dot = text.lastIndex(of: ".") else { return text[...] }
        return text[text.index(after: dot)...]
    }

    /// The keys of `nodes` (sorted by id, as encoded), interning each key string.
    static func keys(_ nodes: [Node], intern: (String) -> Int) -> Keys {
        var names: [(String, Int)] = []
        var paths: [(String, Int)] = []
        names.reserveCapacity(nodes.count)
        paths.reserveCapacity(nodes.count)
        for (position, node) in nodes.enumerated() {
            for key in nameKeys(node) { names.append((key, position)) }
            paths.append((node.path, position))
        }
        func sorted(_ list: [(String, Int)]) -> [(Int, Int)] {
            list.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { (intern($0.0), $0.1) }
        }
        return Keys(names: sorted(names), paths: sorted(paths))
    }

    /// The tables and the trailer that follow `pieces` (the file so far; the seal comes after).
    static func tables(_ places: Places, keys: Keys, after pieces: [[UInt8]]) -> [UInt8] {
        let base = pieces.reduce(0) { $0 + $1.count }
        var out = CacheCoding.Writer()
        out.bytes.reserveCapacity(4 * (places.strings.count + 3 * places.children.count + 2 * keys.names.count + 2 * keys.paths.count + 2) + 1_024)
        let stringsAt = base + out.bytes.count
        for offset in places.strings { out.u32(offset) }
        let recordsAt = base + out.bytes.count
        for offset in places.records { out.u32(places.body + offset) }
        let detailsAt = base + out.bytes.count
        for offset in places.details { out.u32(places.detailsStart + offset) }
        let childrenAt = base + out.bytes.count
        for offset in places.children { out.u32(offset == 0 ? 0 : places.body + offset) }
        let namesAt = base + out.bytes.count
        for (key, position) in keys.names { out.u32(key); out.u32(position) }
        let pathsAt = base + out.bytes.count
        for (key, position) in keys.paths { out.u32(key); out.u32(position) }

        let length = base + out.bytes.count
        let sumsAt = out.bytes.count
        let sums = pageSums(pieces + [out.bytes], length: length)
        out.bytes.append(contentsOf: sums)
        let header = [
            tag, places.children.count, places.strings.count, places.values, places.body, places.detailsStart,
            places.body + places.childSection, stringsAt, recordsAt, detailsAt, childrenAt,
            keys.names.count, namesAt, keys.paths.count, pathsAt, length,
        ]
        for word in header { out.u32(word) }
        let sum = out.bytes.withUnsafeBytes { CacheCoding.checksum(UnsafeRawBufferPointer(rebasing: $0[sumsAt...])) }
        out.u64(sum)
        out.u32(length)
        return out.bytes
    }

    /// One checksum per 4 KiB page of `pieces` joined (`length` bytes), each page's bytes
    /// gathered into a scratch page only where it spans two pieces.
    static func pageSums(_ pieces: [[UInt8]], length: Int) -> [UInt8] {
        let size = 1 << PageCheck.shift
        var sums = CacheCoding.Writer()
        sums.bytes.reserveCapacity(8 * ((length + size - 1) / size))
        var scratch: [UInt8] = []
        for piece in pieces {
            piece.withUnsafeBytes { raw in
                var i = 0
                if !scratch.isEmpty {
                    let take = min(size - scratch.count, raw.count)
                    scratch.append(contentsOf: raw[0..<take])
                    i = take
                    guard scratch.count == size else { return }
                    sums.u64(scratch.withUnsafeBytes { CacheCoding.checksum($0) })
                    scratch.removeAll(keepingCapacity: true)
                }
                while i + size <= raw.count {
                    sums.u64(CacheCoding.checksum(UnsafeRawBufferPointer(rebasing: raw[i..<(i + size)])))
                    i += size
                }
                if i < raw.count { scratch.append(contentsOf: raw[i...]) }
            }
        }
        if !scratch.isEmpty { sums.u64(scratch.withUnsafeBytes { CacheCoding.checksum($0) }) }
        return sums.bytes
    }
}

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

    /// Appends the tables and the trailer to `out` (the seal comes after).
    static func append(_ places: Places, keys: Keys, strings: [String], to out: inout CacheCoding.Writer) {
        let stringsAt = out.bytes.count
        for offset in places.strings { out.u32(offset) }
        let recordsAt = out.bytes.count
        for offset in places.records { out.u32(places.body + offset) }
        let detailsAt = out.bytes.count
        for offset in places.details { out.u32(places.detailsStart + offset) }
        let childrenAt = out.bytes.count
        for offset in places.children { out.u32(offset == 0 ? 0 : places.body + offset) }
        let namesAt = out.bytes.count
        for (key, position) in keys.names { out.u32(key); out.u32(position) }
        let pathsAt = out.bytes.count
        for (key, position) in keys.paths { out.u32(key); out.u32(position) }

        let length = out.bytes.count
        let sumsAt = length
        out.bytes.withUnsafeBytes { raw in
            var sums = CacheCoding.Writer()
            var from = 0
            while from < length {
                let to = min(from + (1 << PageCheck.shift), length)
                sums.u64(CacheCoding.checksum(UnsafeRawBufferPointer(rebasing: raw[from..<to])))
                from = to
            }
            return sums.bytes
        }.withUnsafeBufferPointer { out.bytes.append(contentsOf: $0) }
        let header = [
            tag, places.children.count, strings.count, places.values, places.body, places.detailsStart,
            places.body + places.childSection, stringsAt, recordsAt, detailsAt, childrenAt,
            keys.names.count, namesAt, keys.paths.count, pathsAt, length,
        ]
        for word in header { out.u32(word) }
        let sum = out.bytes.withUnsafeBytes { CacheCoding.checksum(UnsafeRawBufferPointer(rebasing: $0[sumsAt...])) }
        out.u64(sum)
        out.u32(sumsAt)
    }
}

import Foundation

/// A project cache file read through its lookup section (see ``ProjectIndex``): nodes by path,
/// by name and by id, and children lists, each decoded on demand, every byte checked by its
/// page's checksum first. A read that fails marks the lookup `failed`: whatever was built from
/// it must then be thrown away (a miss), never used.
final class ProjectLookup: @unchecked Sendable {
    let archive: ProjectArchive
    let nodeCount: Int
    private let pages: PageCheck
    private let body: Int
    private let detailsStart: Int
    private let childSection: Int
    private let recordsAt: Int
    private let detailsAt: Int
    private let childrenAt: Int
    private let names: (at: Int, count: Int)
    private let paths: (at: Int, count: Int)
    private var projectName = ""
    private var refIndexes: [String: ProjectLoader.RefIndex] = [:]
    private let lock = NSLock()
    /// Whether any read failed.
    private(set) var failed = false

    init?(storage: ByteStorage, key: String) {
        let magic = ProjectCoding.magic
        let headerBytes = 4 * ProjectIndex.headerWords
        guard storage.count >= magic.count + 8 + 12 + headerBytes, Array(storage.buffer[0..<magic.count]) == magic else { return nil }
        let raw = UnsafeRawBufferPointer(storage.buffer)
        let end = storage.count - 8
        func word(_ offset: Int) -> Int { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        let sumsAt = word(end - 4)
        let headerAt = end - 12 - headerBytes
        guard sumsAt <= headerAt, (headerAt - sumsAt) % 8 == 0,
            CacheCoding.checksum(UnsafeRawBufferPointer(rebasing: raw[sumsAt..<(end - 12)]))
                == UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end - 12, as: UInt64.self))
        else { return nil }
        let h = (0..<ProjectIndex.headerWords).map { word(headerAt + 4 * $0) }
        let length = h[15]
        let (nodeCount, stringCount, values, body, detailsStart, childSection) = (h[1], h[2], h[3], h[4], h[5], h[6])
        guard h[0] == ProjectIndex.tag, length == sumsAt, (headerAt - sumsAt) / 8 == (length + (1 << PageCheck.shift) - 1) >> PageCheck.shift,
            magic.count < values, values + 4 <= body, body + 16 + 4 * nodeCount <= childSection, childSection <= detailsStart,
            detailsStart <= h[7], h[7] + 4 * stringCount <= length, h[8] + 4 * (nodeCount + 1) <= length,
            h[9] + 4 * (nodeCount + 1) <= length, h[10] + 4 * nodeCount <= length,
            h[12] + 8 * h[11] <= length, h[14] + 8 * h[13] <= length
        else { return nil }
        let pages = PageCheck(buffer: storage.buffer, length: length, sumsAt: sumsAt)
        // The key, then the values section (the project's own YAML, a handful of values).
        guard let keyLength = pages.u32(magic.count), pages.verify(magic.count + 4, magic.count + 4 + keyLength),
            storage.buffer[(magic.count + 4)..<(magic.count + 4 + keyLength)].elementsEqual(key.utf8),
            pages.verify(values, body - 4)
        else { return nil }
        var r = CacheCoding.Reader(buffer: UnsafeBufferPointer(rebasing: storage.buffer[0..<(body - 4)]), offset: values)
        guard let valueCount = r.u32(), valueCount <= r.remainingWords else { return nil }
        var decoded: [Value] = []
        for _ in 0..<valueCount {
            guard let value = r.value() else { return nil }
            decoded.append(value)
        }
        guard r.offset == body - 4 else { return nil }
        self.archive = ProjectArchive(
            storage: storage, values: decoded, bodyOffset: body, detailsOffset: detailsStart,
            stringTable: (h[7], stringCount), pages: pages)
        self.nodeCount = nodeCount
        self.pages = pages
        self.body = body
        self.detailsStart = detailsStart
        self.childSection = childSection
        (recordsAt, detailsAt, childrenAt) = (h[8], h[9], h[10])
        names = (h[12], h[11])
        paths = (h[14], h[13])
    }

    private func string(_ index: Int) -> String? {
        archive.locked { archive.unlockedString(index) }
    }

    /// The project without its nodes (config, macros, docs, unresolved references), with a ref
    /// index that looks names up here.
    func project() -> DbtProject? {
        guard let rootIndex = pages.u32(body), let fileIndex = pages.u32(body + 4), let valueIndex = pages.u32(body + 8),
            pages.u32(body + 12) == nodeCount, let root = string(rootIndex), let file = string(fileIndex),
            valueIndex < archive.values.count, let config = try? ProjectConfig(yaml: archive.values[valueIndex], file: file),
            let macrosAt = pages.u32(recordsAt + 4 * nodeCount), macrosAt <= childSection, pages.verify(macrosAt, childSection)
        else {
            failed = true
            return nil
        }
        let tail = archive.locked {
            archive.storage.withUnsafeBufferPointer { buffer -> ([String: Macro], [String: String], [DbtProject.UnresolvedReference])? in
                let bounded = UnsafeBufferPointer(rebasing: buffer[0..<childSection])
                var r = ProjectCoding.ArchiveReader(raw: CacheCoding.Reader(buffer: bounded, offset: macrosAt), archive: archive)
                guard let tail = r.macrosDocsUnresolved(), r.raw.offset == childSection else { return nil }
                return tail
            }
        }
        guard let (macros, docs, unresolved) = tail else {
            failed = true
            return nil
        }
        projectName = config.name
        var project = DbtProject(root: root, config: config, nodes: [:], macros: macros, docs: docs, unresolved: unresolved, children: [:])
        var refs = ProjectLoader.RefIndex(project: config.name)
        refs.lookup = self
        project.refIndex = refs
        return project
    }

    /// The id of the node at `position` (nodes are sorted by id).
    func id(at position: Int) -> String? {
        guard position >= 0, position < nodeCount, let index = pages.u32(body + 16 + 4 * position), let id = string(index) else {
            failed = true
            return nil
        }
        return id
    }

    /// The position of the node `id`, if the project has it.
    func position(of id: String) -> Int? {
        var (low, high) = (0, nodeCount)
        while low < high {
            let middle = (low + high) / 2
            guard let other = self.id(at: middle) else { return nil }
            if other == id { return middle }
            if other < id { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// The node at `position`, its details checked and left in the archive.
    func node(at position: Int) -> Node? {
        guard position >= 0, position < nodeCount, let start = pages.u32(recordsAt + 4 * position),
            let end = pages.u32(recordsAt + 4 * position + 4), start <= end, pages.verify(start, end),
            let detailStart = pages.u32(detailsAt + 4 * position), let detailEnd = pages.u32(detailsAt + 4 * position + 4),
            detailStart <= detailEnd, pages.verify(detailStart, detailEnd), let id = id(at: position)
        else {
            failed = true
            return nil
        }
        let light = archive.locked {
            archive.storage.withUnsafeBufferPointer { buffer -> (ResourceType, String, String?, String, String, [Int])? in
                let bounded = UnsafeBufferPointer(rebasing: buffer[0..<end])
                var r = ProjectCoding.ArchiveReader(raw: CacheCoding.Reader(buffer: bounded, offset: start), archive: archive)
                guard let typeText = r.str(), let type = ResourceType(rawValue: typeText), let name = r.str(),
                    let version = r.optionalStr(), let path = r.str(), let layer = r.str(), let count = r.raw.u32(),
                    count <= r.raw.remainingWords
                else { return nil }
                var parents: [Int] = []
                for _ in 0..<count {
                    guard let parent = r.raw.u32(), parent < nodeCount else { return nil }
                    parents.append(parent)
                }
                guard let offset = r.raw.u32(), detailsStart + offset == detailStart, r.raw.offset == end else { return nil }
                return (type, name, version, path, layer, parents)
            }
        }
        guard let (type, name, version, path, layer, parentPositions) = light else {
            failed = true
            return nil
        }
        let parents = parentPositions.compactMap { self.id(at: $0) }
        guard parents.count == parentPositions.count else {
            failed = true
            return nil
        }
        return Node(
            uniqueID: id, resourceType: type, name: name, version: version, path: path, layer: layer,
            parents: parents, archive: archive, offset: detailStart)
    }

    /// The ids of the children of the node at `position`, sorted.
    func children(at position: Int) -> [String] {
        guard position >= 0, position < nodeCount, let at = pages.u32(childrenAt + 4 * position) else {
            failed = true
            return []
        }
        guard at != 0 else { return [] }
        guard let count = pages.u32(at), pages.verify(at + 4, at + 4 + 4 * count) else {
            failed = true
            return []
        }
        var ids: [String] = []
        for index in 0..<count {
            guard let child = pages.u32(at + 4 + 4 * index), let id = id(at: child) else {
                failed = true
                return []
            }
            ids.append(id)
        }
        return ids
    }

    /// Positions of the nodes with `key` as a name key (see ``ProjectIndex/nameKeys(_:)``), or
    /// at `key` as a path.
    func positions(_ key: String, byPath: Bool = false) -> [Int] {
        let table = byPath ? paths : names
        func keyAt(_ index: Int) -> String? { pages.u32(table.at + 8 * index).flatMap(string) }
        var (low, high) = (0, table.count)
        while low < high {
            let middle = (low + high) / 2
            guard let other = keyAt(middle) else {
                failed = true
                return []
            }
            if other < key { low = middle + 1 } else { high = middle }
        }
        var found: [Int] = []
        var index = low
        while index < table.count {
            guard let other = keyAt(index), let position = pages.u32(table.at + 8 * index + 4), position < nodeCount else {
                failed = true
                return []
            }
            guard other == key else { break }
            found.append(position)
            index += 1
        }
        return found
    }

    /// Ids of the nodes found under a name key.
    func ids(keyed key: String) -> [String] {
        positions(key).compactMap { id(at: $0) }
    }

    /// The ref index entries for `name`: built from every node of that name, in id order, as the
    /// full index would hold them.
    func refIndex(named name: String) -> ProjectLoader.RefIndex {
        lock.lock()
        let known = refIndexes[name]
        lock.unlock()
        if let known { return known }
        var index = ProjectLoader.RefIndex(project: projectName)
        var nodes: [String: Node] = [:]
        for position in positions(name).sorted() {
            guard let node = node(at: position), node.name == name else { continue }
            nodes[node.uniqueID] = node
            index.add(id: node.uniqueID, type: node.resourceType, name: node.name, version: node.version)
        }
        index.resolveLatest(index.versionedIDs.compactMap { nodes[$0] })
        lock.lock()
        refIndexes[name] = index
        lock.unlock()
        return index
    }
}

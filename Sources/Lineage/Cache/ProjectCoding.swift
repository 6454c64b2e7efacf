import Foundation

/// The binary form of a resolved `DbtProject`, for the project cache.
///
/// Strings and config values are interned, and each node's details sit behind a length so that
/// loading reads only identities and edges; details are decoded when a run looks at them.
enum ProjectCoding {
    static let magic: [UInt8] = Array("RATIONALE-PROJECT 11\n".utf8)

    /// The whole file, sealed (see ``pieces(_:key:)``).
    static func encode(_ project: DbtProject, key: String) -> [UInt8] {
        var bytes = Array(pieces(project, key: key).joined())
        CacheCoding.seal(&bytes)
        return bytes
    }

    /// The file as the pieces the encoder built, in order, without the seal: written one after
    /// the other (``CacheFile/write(_:to:)``) they make the file without a joined copy.
    static func pieces(_ project: DbtProject, key: String) -> [[UInt8]] {
        var w = InterningWriter()
        w.body.bytes.reserveCapacity(project.nodes.count * 64)
        w.str(project.root)
        w.str(project.config.sourceFile)
        w.value(project.config.source)
        // Node ids first; edges then refer to nodes by position, not by string.
        let nodes = project.nodes.values.sorted { $0.uniqueID < $1.uniqueID }
        // Details go to their own section, inline and not interned: encoding skips hashing
        // them, and a run reads the section only for the nodes it looks at. Nothing in it
        // depends on the rest, so a second core writes it meanwhile; each record's offset is
        // filled into the body afterwards.
        let written = ParallelSlots<(bytes: [UInt8], offsets: [Int])>(count: 1)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { written.set(0, detailsSection(nodes)) }
        var detailsAt: [Int] = []
        detailsAt.reserveCapacity(nodes.count)
        var position: [String: Int] = [:]
        position.reserveCapacity(nodes.count)
        w.body.u32(nodes.count)
        for (index, node) in nodes.enumerated() {
            w.str(node.uniqueID)
            position[node.uniqueID] = index
        }
        func edges(_ ids: [String]) {
            let known = ids.compactMap { position[$0] }
            w.body.u32(known.count)
            for index in known { w.body.u32(index) }
        }
        var places = ProjectIndex.Places(nodeCount: nodes.count)
        for node in nodes {
            places.records.append(w.body.bytes.count)
            w.str(node.resourceType.rawValue); w.str(node.name); w.optionalStr(node.version)
            w.str(node.path); w.str(node.layer); edges(node.parents)
            detailsAt.append(w.body.bytes.count)
            w.body.u32(0)
        }
        places.records.append(w.body.bytes.count)
        w.body.u32(project.macros.count)
        for macro in project.macros.values.sorted(by: { $0.uniqueID < $1.uniqueID }) {
            w.str(macro.uniqueID); w.str(macro.name); w.str(macro.path); w.body.u32(macro.line)
            w.str(macro.text); w.strs(macro.calls); w.strs(macro.dispatches); w.strs(macro.vars)
            w.strs(macro.refTexts); w.strs(macro.sourceTexts); w.strs(macro.parameters); w.strs(macro.parameterRefs)
        }
        w.body.u32(project.docs.count)
        for (name, body) in project.docs.sorted(by: { $0.key < $1.key }) { w.str(name); w.str(body) }
        w.body.u32(project.unresolved.count)
        for u in project.unresolved { w.str(u.file); w.body.u32(u.line); w.str(u.text) }
        let withChildren = project.children.filter { position[$0.key] != nil }.sorted { $0.key < $1.key }
        places.childSection = w.body.bytes.count
        w.body.u32(withChildren.count)
        for (parent, children) in withChildren {
            w.body.u32(position[parent] ?? 0)
            places.children[position[parent] ?? 0] = w.body.bytes.count
            edges(children)
        }
        // Lookup keys (names, paths) go into the string table before it is written.
        let keys = ProjectIndex.keys(nodes, intern: { w.stringTable.index(of: $0) })
        group.wait()
        var details = CacheCoding.Writer()
        (details.bytes, places.details) = written.take(0) ?? detailsSection(nodes)
        for (index, at) in detailsAt.enumerated() { w.body.set(at, places.details[index]) }

        var out = CacheCoding.Writer()
        out.bytes.reserveCapacity(magic.count + key.utf8.count + w.strings.count * 48 + 1_024)
        out.bytes.append(contentsOf: magic)
        out.string(key)
        out.u32(w.strings.count)
        for s in w.strings {
            places.strings.append(out.bytes.count)
            out.string(s)
        }
        places.values = out.bytes.count
        out.u32(w.values.count)
        for v in w.values { out.value(v) }
        out.u32(w.body.bytes.count)
        places.body = out.bytes.count
        places.detailsStart = out.bytes.count + w.body.bytes.count
        var pieces = [out.bytes, w.body.bytes, details.bytes]
        (out, w, details) = (CacheCoding.Writer(), InterningWriter(), CacheCoding.Writer())
        pieces.append(ProjectIndex.tables(places, keys: keys, after: pieces))
        return pieces
    }

    /// The details section: each node's details in turn, with where each starts (and the end).
    static func detailsSection(_ nodes: [Node]) -> (bytes: [UInt8], offsets: [Int]) {
        var details = CacheCoding.Writer()
        details.bytes.reserveCapacity(nodes.count * 1_024)
        var offsets: [Int] = []
        offsets.reserveCapacity(nodes.count + 1)
        for node in nodes {
            offsets.append(details.bytes.count)
            details.nodeDetails(node.details)
        }
        offsets.append(details.bytes.count)
        return (details.bytes, offsets)
    }

    static func decode(_ bytes: [UInt8], key: String) -> DbtProject? {
        decode(ByteStorage(copying: bytes), key: key)
    }

    static func decode(_ storage: ByteStorage, key: String) -> DbtProject? {
        guard let archive = ProjectArchive(storage: storage, key: key) else { return nil }
        // One lock for the whole load instead of one per string.
        return archive.locked {
            archive.storage.withUnsafeBufferPointer { buffer -> (DbtProject, [String])? in
                var r = ArchiveReader(raw: CacheCoding.Reader(buffer: buffer, offset: archive.bodyOffset), archive: archive)
                guard let root = r.str(), let sourceFile = r.str(), let yaml = r.value(),
                    let config = try? ProjectConfig(yaml: yaml, file: sourceFile), let nodeCount = r.raw.u32(),
                    nodeCount <= r.raw.remainingWords
                else { return nil }
                var nodes: [String: Node] = [:]
                nodes.reserveCapacity(nodeCount)
                // The ref index is built while the light fields are at hand, so a hook run never
                // walks the nodes again (each walk copies thousands of them); sized once.
                var refs = ProjectLoader.RefIndex(project: config.name)
                refs.byName.reserveCapacity(nodeCount)
                var ids: [String] = []
                ids.reserveCapacity(nodeCount)
                for _ in 0..<nodeCount {
                    guard let id = r.str() else { return nil }
                    ids.append(id)
                }
                for id in ids {
                    guard let typeText = r.str(), let type = ResourceType(rawValue: typeText), let name = r.str(),
                        let version = r.optionalStr(), let path = r.str(), let layer = r.str(), let parents = r.edges(ids),
                        let detailsOffset = r.raw.u32(), archive.detailsOffset + detailsOffset < buffer.count
                    else { return nil }
                    nodes[id] = Node(
                        uniqueID: id, resourceType: type, name: name, version: version, path: path, layer: layer,
                        parents: parents, archive: archive, offset: archive.detailsOffset + detailsOffset)
                    refs.add(id: id, type: type, name: name, version: version)
                }
                guard let (macros, docs, unresolved) = r.macrosDocsUnresolved() else { return nil }
                guard let childCount = r.raw.u32(), childCount <= r.raw.remainingWords else { return nil }
                var children: [String: [String]] = [:]
                children.reserveCapacity(childCount)
                for _ in 0..<childCount {
                    guard let parent = r.raw.u32(), parent < ids.count, let list = r.edges(ids) else { return nil }
                    children[ids[parent]] = list
                }
                guard r.raw.offset == archive.detailsOffset else { return nil }
                var project = DbtProject(
                    root: root, config: config, nodes: nodes, macros: macros, docs: docs,
                    unresolved: unresolved, children: children)
                project.refIndex = refs
                return (project, refs.versionedIDs)
            }
        }.map { loaded in
            // Latest versions live in node details: read them outside the archive's lock.
            var (project, versioned) = loaded
            project.refIndex?.resolveLatest(versioned.map { project.nodes[$0] }.compactMap { $0 })
            return project
        }
    }

    /// Writes the body with string and value references into shared tables.
    struct InterningWriter {
        var body = CacheCoding.Writer()
        var stringTable = Interner<String>()
        var valueTable = Interner<Value>()

        var strings: [String] { stringTable.items }
        var values: [Value] { valueTable.items }

        mutating func str(_ s: String) {
            body.u32(stringTable.index(of: s))
        }

        mutating func optionalStr(_ s: String?) {
            if let s { body.bytes.append(1); str(s) } else { body.bytes.append(0) }
        }

        mutating func strs(_ list: [String]) {
            body.u32(list.count)
            for s in list { str(s) }
        }

        mutating func value(_ v: Value) {
            body.u32(valueTable.index(of: v))
        }

    }

    /// A table of distinct items, each written once and referred to by position.
    struct Interner<Item: Hashable> {
        private(set) var items: [Item] = []
        private var positions: [Item: Int] = [:]

        /// The position of `item`, adding it when new.
        mutating func index(of item: Item) -> Int {
            if let known = positions[item] { return known }
            positions[item] = items.count
            items.append(item)
            return items.count - 1
        }
    }

    /// Reads references into an archive's tables.
    struct ArchiveReader {
        var raw: CacheCoding.Reader
        let archive: ProjectArchive

        /// Call with the archive's lock held.
        mutating func str() -> String? {
            guard let index = raw.u32() else { return nil }
            return archive.unlockedString(index)
        }

        mutating func optionalStr() -> String?? {
            guard let flag = raw.byte() else { return nil }
            if flag == 0 { return .some(nil) }
            guard let s = str() else { return nil }
            return .some(s)
        }

        mutating func strs() -> [String]? {
            guard let n = raw.u32(), n <= raw.remainingWords else { return nil }
            var out: [String] = []
            out.reserveCapacity(n)
            for _ in 0..<n {
                guard let s = str() else { return nil }
                out.append(s)
            }
            return out
        }

        /// Node ids by position.
        mutating func edges(_ ids: [String]) -> [String]? {
            guard let n = raw.u32(), n <= raw.remainingWords else { return nil }
            var out: [String] = []
            out.reserveCapacity(n)
            for _ in 0..<n {
                guard let index = raw.u32(), index < ids.count else { return nil }
                out.append(ids[index])
            }
            return out
        }

        /// The macros, docs blocks and unresolved references that follow the nodes.
        mutating func macrosDocsUnresolved() -> ([String: Macro], [String: String], [DbtProject.UnresolvedReference])? {
            guard let macroCount = raw.u32() else { return nil }
            var macros: [String: Macro] = [:]
            for _ in 0..<macroCount {
                guard let id = str(), let name = str(), let path = str(), let line = raw.u32(),
                    let text = str(), let calls = strs(), let dispatches = strs(), let vars = strs(),
                    let refTexts = strs(), let sourceTexts = strs(), let parameters = strs(),
                    let parameterRefs = strs()
                else { return nil }
                var macro = Macro(uniqueID: id, name: name, path: path, line: line, text: text, calls: calls, dispatches: dispatches, vars: vars)
                macro.setReferences(refTexts: refTexts, sourceTexts: sourceTexts)
                macro.parameters = parameters
                macro.parameterRefs = parameterRefs
                macros[id] = macro
            }
            guard let docCount = raw.u32() else { return nil }
            var docs: [String: String] = [:]
            for _ in 0..<docCount {
                guard let name = str(), let body = str() else { return nil }
                docs[name] = body
            }
            guard let unresolvedCount = raw.u32() else { return nil }
            var unresolved: [DbtProject.UnresolvedReference] = []
            for _ in 0..<unresolvedCount {
                guard let file = str(), let line = raw.u32(), let text = str() else { return nil }
                unresolved.append(.init(file: file, line: line, text: text))
            }
            return (macros, docs, unresolved)
        }

        mutating func value() -> Value? {
            guard let index = raw.u32(), index < archive.values.count else { return nil }
            return archive.values[index]
        }

    }
}

extension CacheCoding.Writer {
    /// Overwrites the u32 at `offset` (written before as a placeholder).
    mutating func set(_ offset: Int, _ v: Int) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { bytes.replaceSubrange(offset..<(offset + 4), with: $0) }
    }

    mutating func optionalInt(_ value: Int?) {
        if let value { bytes.append(1); u32(value) } else { bytes.append(0) }
    }
}

extension CacheCoding.Reader {
    /// How many 4-byte words are left: a bound on any count read here (each item takes at least
    /// one), checked before a count sizes a reservation.
    var remainingWords: Int { (buffer.count - offset) / 4 }

    mutating func optionalInt() -> Int?? {
        guard let flag = byte() else { return nil }
        if flag == 0 { return .some(nil) }
        guard let v = u32() else { return nil }
        return .some(v)
    }
}

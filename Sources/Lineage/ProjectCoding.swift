/// The binary form of a resolved `DbtProject`, for the project cache.
///
/// Strings and config values are interned: a project repeats folder configs, paths and names
/// thousands of times, and decoding each once keeps a warm hook run in milliseconds.
enum ProjectCoding {
    static let magic: [UInt8] = Array("RATIONALE-PROJECT 2\n".utf8)

    static func encode(_ project: DbtProject, key: String) -> [UInt8] {
        var w = InterningWriter()
        w.str(project.root)
        w.str(project.config.sourceFile)
        w.value(project.config.source)
        let nodes = project.nodes.values.sorted { $0.uniqueID < $1.uniqueID }
        w.body.u32(nodes.count)
        for node in nodes { w.node(node) }
        w.body.u32(project.macros.count)
        for macro in project.macros.values.sorted(by: { $0.uniqueID < $1.uniqueID }) {
            w.str(macro.uniqueID); w.str(macro.name); w.str(macro.path); w.body.u32(macro.line)
            w.str(macro.text); w.strs(macro.calls); w.strs(macro.dispatches); w.strs(macro.vars)
        }
        w.body.u32(project.docs.count)
        for (name, body) in project.docs.sorted(by: { $0.key < $1.key }) { w.str(name); w.str(body) }
        w.body.u32(project.unresolved.count)
        for u in project.unresolved { w.str(u.file); w.body.u32(u.line); w.str(u.text) }
        w.body.u32(project.children.count)
        for (parent, children) in project.children.sorted(by: { $0.key < $1.key }) { w.str(parent); w.strs(children) }

        var out = CacheCoding.Writer()
        out.bytes.append(contentsOf: magic)
        out.string(key)
        out.u32(w.strings.count)
        for s in w.strings { out.string(s) }
        out.u32(w.values.count)
        for v in w.values { out.value(v) }
        out.bytes.append(contentsOf: w.body.bytes)
        return out.bytes
    }

    static func decode(_ bytes: [UInt8], key: String) -> DbtProject? {
        bytes.withUnsafeBufferPointer { buffer -> DbtProject? in
            guard buffer.count >= magic.count, Array(buffer[0..<magic.count]) == magic else { return nil }
            var raw = CacheCoding.Reader(buffer: buffer)
            raw.offset = magic.count
            guard raw.string() == key, let stringCount = raw.u32() else { return nil }
            var strings: [String] = []
            strings.reserveCapacity(stringCount)
            for _ in 0..<stringCount {
                guard let s = raw.string() else { return nil }
                strings.append(s)
            }
            guard let valueCount = raw.u32() else { return nil }
            var values: [Value] = []
            for _ in 0..<valueCount {
                guard let v = raw.value() else { return nil }
                values.append(v)
            }
            var r = InterningReader(raw: raw, strings: strings, values: values)
            guard let root = r.str(), let sourceFile = r.str(), let yaml = r.value(),
                  let config = try? ProjectConfig(yaml: yaml, file: sourceFile), let nodeCount = r.raw.u32() else { return nil }
            var nodes: [String: Node] = [:]
            nodes.reserveCapacity(nodeCount)
            for _ in 0..<nodeCount {
                guard let node = r.node() else { return nil }
                nodes[node.uniqueID] = node
            }
            guard let macroCount = r.raw.u32() else { return nil }
            var macros: [String: Macro] = [:]
            for _ in 0..<macroCount {
                guard let id = r.str(), let name = r.str(), let path = r.str(), let line = r.raw.u32(),
                      let text = r.str(), let calls = r.strs(), let dispatches = r.strs(), let vars = r.strs() else { return nil }
                macros[id] = Macro(uniqueID: id, name: name, path: path, line: line, text: text, calls: calls, dispatches: dispatches, vars: vars)
            }
            guard let docCount = r.raw.u32() else { return nil }
            var docs: [String: String] = [:]
            for _ in 0..<docCount {
                guard let name = r.str(), let body = r.str() else { return nil }
                docs[name] = body
            }
            guard let unresolvedCount = r.raw.u32() else { return nil }
            var unresolved: [DbtProject.UnresolvedReference] = []
            for _ in 0..<unresolvedCount {
                guard let file = r.str(), let line = r.raw.u32(), let text = r.str() else { return nil }
                unresolved.append(.init(file: file, line: line, text: text))
            }
            guard let childCount = r.raw.u32() else { return nil }
            var children: [String: [String]] = [:]
            children.reserveCapacity(childCount)
            for _ in 0..<childCount {
                guard let parent = r.str(), let list = r.strs() else { return nil }
                children[parent] = list
            }
            guard r.raw.offset == buffer.count else { return nil }
            return DbtProject(root: root, config: config, nodes: nodes, macros: macros, docs: docs,
                              unresolved: unresolved, children: children)
        }
    }

    /// Writes the body with string and value references into shared tables.
    struct InterningWriter {
        var body = CacheCoding.Writer()
        var strings: [String] = []
        var stringIndex: [String: Int] = [:]
        var values: [Value] = []
        var valueIndex: [Value: Int] = [:]

        mutating func str(_ s: String) {
            if let index = stringIndex[s] {
                body.u32(index)
            } else {
                stringIndex[s] = strings.count
                body.u32(strings.count)
                strings.append(s)
            }
        }

        mutating func optionalStr(_ s: String?) {
            if let s { body.bytes.append(1); str(s) } else { body.bytes.append(0) }
        }

        mutating func strs(_ list: [String]) {
            body.u32(list.count)
            for s in list { str(s) }
        }

        mutating func value(_ v: Value) {
            if let index = valueIndex[v] {
                body.u32(index)
            } else {
                valueIndex[v] = values.count
                body.u32(values.count)
                values.append(v)
            }
        }

        mutating func node(_ n: Node) {
            str(n.uniqueID); str(n.resourceType.rawValue); str(n.name); optionalStr(n.version); str(n.path)
            optionalStr(n.propertiesPath); body.optionalInt(n.line); strs(n.fqn); str(n.layer); strs(n.parents)
            str(n.bodyKey); value(n.config); value(n.inheritedConfig); str(n.description)
            body.u32(n.columns.count)
            for c in n.columns { str(c.name); str(c.description); optionalStr(c.dataType) }
            strs(n.macroDependencies); strs(n.vars)
            body.u32(n.properties.count)
            for (k, v) in n.properties.sorted(by: { $0.key < $1.key }) { str(k); value(v) }
            body.u32(n.tests.count)
            for t in n.tests { str(t.name); str(t.kind); optionalStr(t.column); str(t.attachedTo) }
            strs(n.unknownReferences)
        }
    }

    /// Reads what `InterningWriter` wrote.
    struct InterningReader {
        var raw: CacheCoding.Reader
        let strings: [String]
        let values: [Value]

        mutating func str() -> String? {
            guard let index = raw.u32(), index < strings.count else { return nil }
            return strings[index]
        }

        mutating func optionalStr() -> String?? {
            guard let flag = raw.byte() else { return nil }
            if flag == 0 { return .some(nil) }
            guard let s = str() else { return nil }
            return .some(s)
        }

        mutating func strs() -> [String]? {
            guard let n = raw.u32() else { return nil }
            var out: [String] = []
            out.reserveCapacity(n)
            for _ in 0..<n {
                guard let s = str() else { return nil }
                out.append(s)
            }
            return out
        }

        mutating func value() -> Value? {
            guard let index = raw.u32(), index < values.count else { return nil }
            return values[index]
        }

        mutating func node() -> Node? {
            guard let id = str(), let typeText = str(), let type = ResourceType(rawValue: typeText), let name = str(),
                  let version = optionalStr(), let path = str(), let propertiesPath = optionalStr(), let line = raw.optionalInt(),
                  let fqn = strs(), let layer = str(), let parents = strs(), let bodyKey = str(),
                  let config = value(), let inherited = value(), let description = str(), let columnCount = raw.u32() else { return nil }
            var node = Node(uniqueID: id, resourceType: type, name: name, version: version, path: path,
                            propertiesPath: propertiesPath, line: line, fqn: fqn, layer: layer)
            node.parents = parents
            node.bodyKey = bodyKey
            node.config = config
            node.inheritedConfig = inherited
            node.description = description
            node.columns.reserveCapacity(columnCount)
            for _ in 0..<columnCount {
                guard let c = str(), let d = str(), let t = optionalStr() else { return nil }
                node.columns.append(Column(name: c, description: d, dataType: t))
            }
            guard let macros = strs(), let vars = strs(), let propertyCount = raw.u32() else { return nil }
            node.macroDependencies = macros
            node.vars = vars
            for _ in 0..<propertyCount {
                guard let k = str(), let v = value() else { return nil }
                node.properties[k] = v
            }
            guard let testCount = raw.u32() else { return nil }
            for _ in 0..<testCount {
                guard let n = str(), let k = str(), let c = optionalStr(), let a = str() else { return nil }
                node.tests.append(AttachedTest(name: n, kind: k, column: c, attachedTo: a))
            }
            guard let unknown = strs() else { return nil }
            node.unknownReferences = unknown
            return node
        }
    }
}

extension CacheCoding.Writer {
    mutating func optionalInt(_ value: Int?) {
        if let value { bytes.append(1); u32(value) } else { bytes.append(0) }
    }
}

extension CacheCoding.Reader {
    mutating func optionalInt() -> Int?? {
        guard let flag = byte() else { return nil }
        if flag == 0 { return .some(nil) }
        guard let v = u32() else { return nil }
        return .some(v)
    }
}

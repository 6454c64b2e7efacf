import GitKit

/// The parse cache's binary form: a header with the tool version, then one record per
/// (blob id, kind). Small and quick to read: a warm hook run decodes it in milliseconds.
enum CacheCoding {
    static let magic: [UInt8] = Array("RATIONALE-PARSE-CACHE 5\n".utf8)

    /// A 64-bit checksum of `bytes` (multiply–xorshift over 8-byte words in four independent
    /// lanes, several gigabytes a second): a cache file whose trailer does not match is a miss,
    /// whatever stomped on it. A warm hook checks a whole project cache file, so speed matters.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x9E37_79B9_7F4A_7C15 ^ UInt64(n), 0xC2B2_AE3D_27D4_EB4F,
                                                       0x1656_67B1_9E37_79F9, 0x27D4_EB2F_1656_67C5)
        @inline(__always) func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
            let m = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            return m ^ (m >> 29)
        }
        var i = 0
        while i + 32 <= n {
            lanes.0 = mix(lanes.0, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
            lanes.1 = mix(lanes.1, bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self).littleEndian)
            lanes.2 = mix(lanes.2, bytes.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self).littleEndian)
            lanes.3 = mix(lanes.3, bytes.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self).littleEndian)
            i += 32
        }
        var h = mix(mix(mix(lanes.0, lanes.1), lanes.2), lanes.3)
        while i + 8 <= n {
            h = mix(h, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// Appends the checksum of everything before it.
    static func seal(_ bytes: inout [UInt8]) {
        let sum = bytes.withUnsafeBytes { checksum($0) }
        withUnsafeBytes(of: sum.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The length of the content before the trailer when the trailer matches it, else nil.
    static func verifiedLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 8 else { return nil }
        let length = bytes.count - 8
        let stored = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: length, as: UInt64.self))
        return checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<length])) == stored ? length : nil
    }

    static func encode(_ entries: [ParseCache.Key: ParsedFile], version: String) -> [UInt8] {
        var w = Writer()
        w.bytes.reserveCapacity(entries.count * 1_024)
        w.bytes.append(contentsOf: magic)
        w.string(version)
        w.u32(entries.values.count { $0 != .missing })
        for (key, parsed) in entries where parsed != .missing {
            w.bytes.append(contentsOf: key.id.bytes)
            w.bytes.append(key.kind.rawValue)
            w.parsed(parsed)
        }
        seal(&w.bytes)
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], version: String) -> [ParseCache.Key: ParsedFile]? {
        bytes.withUnsafeBufferPointer { whole -> [ParseCache.Key: ParsedFile]? in
            guard let length = verifiedLength(UnsafeRawBufferPointer(whole)) else { return nil }
            let buffer = UnsafeBufferPointer(rebasing: whole[0..<length])
            var r = Reader(buffer: buffer)
            guard buffer.count >= magic.count, Array(buffer[0..<magic.count]) == magic else { return nil }
            r.offset = magic.count
            guard let stored = r.string(), stored == version, let count = r.u32() else { return nil }
            var entries: [ParseCache.Key: ParsedFile] = [:]
            // Each record takes at least 22 bytes: a count larger than that could hold is no cache.
            guard count <= buffer.count / 22 else { return nil }
            entries.reserveCapacity(count)
            for _ in 0..<count {
                guard r.offset + 21 <= buffer.count else { return nil }
                let id = ObjectID(bytes: UnsafeBufferPointer(rebasing: buffer[r.offset..<(r.offset + 20)]))
                r.offset += 20
                guard let kind = ParsedFile.Kind(rawValue: buffer[r.offset]) else { return nil }
                r.offset += 1
                guard let parsed = r.parsed() else { return nil }
                entries[ParseCache.Key(id: id, kind: kind)] = parsed
            }
            return entries
        }
    }

    struct Writer {
        var bytes: [UInt8] = []

        mutating func u32(_ v: Int) {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func u64(_ x: UInt64) {
            withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func string(_ s: String) {
            let utf8 = s.utf8
            u32(utf8.count)
            bytes.append(contentsOf: utf8)
        }

        mutating func optional(_ s: String?) {
            if let s { bytes.append(1); string(s) } else { bytes.append(0) }
        }

        mutating func strings(_ list: [String]) {
            u32(list.count)
            for s in list { string(s) }
        }

        mutating func value(_ v: Value) {
            switch v {
            case .null: bytes.append(0)
            case .bool(let b): bytes.append(b ? 2 : 1)
            case .int(let i): bytes.append(3); u64(UInt64(bitPattern: Int64(i)))
            case .double(let d): bytes.append(4); u64(d.bitPattern)
            case .string(let s): bytes.append(5); string(s)
            case .list(let l):
                bytes.append(6); u32(l.count)
                for item in l { value(item) }
            case .map(let pairs):
                bytes.append(7); u32(pairs.count)
                for pair in pairs { string(pair.key); value(pair.value) }
            }
        }

        mutating func scan(_ s: ReferenceScan) {
            u32(s.refs.count)
            for ref in s.refs { optional(ref.package); string(ref.name); optional(ref.version); u32(ref.line) }
            u32(s.sources.count)
            for source in s.sources { string(source.source); string(source.table); u32(source.line) }
            strings(s.macroCalls)
            strings(s.dispatches)
            strings(s.vars)
            value(s.config)
            u32(s.unresolved.count)
            for u in s.unresolved { u32(u.line); string(u.text) }
            optional(s.bodyDigest)
            strings(s.configExpressions.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
            strings(s.parameterRefs)
            u32(s.callArguments.count)
            for call in s.callArguments {
                string(call.macro)
                u32(call.positional.count)
                for value in call.positional { optional(value) }
                strings(call.keywords.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
            }
            u32(s.conditionalRefs.count)
            for ref in s.conditionalRefs {
                string(ref.name)
                strings(ref.conditions)
            }
        }

        mutating func nodeDetails(_ d: NodeDetails) {
            optional(d.propertiesPath)
            if let line = d.line { bytes.append(1); u32(line) } else { bytes.append(0) }
            strings(d.fqn); string(d.bodyKey); value(d.config); value(d.inheritedConfig); string(d.description)
            u32(d.columns.count)
            for c in d.columns { string(c.name); string(c.description); optional(c.dataType); value(c.constraints) }
            strings(d.macroDependencies); strings(d.vars)
            u32(d.properties.count)
            for (k, v) in d.properties.sorted(by: { $0.key < $1.key }) { string(k); value(v) }
            u32(d.tests.count)
            for t in d.tests { string(t.name); string(t.kind); optional(t.column); string(t.attachedTo) }
            strings(d.unknownReferences)
        }

        mutating func parsed(_ p: ParsedFile) {
            switch p {
            case .template(let result):
                bytes.append(1)
                scan(result.scan)
                u32(result.blocks.count)
                for block in result.blocks {
                    string(block.kind); string(block.name); u32(block.line); string(block.text); string(block.body); scan(block.scan)
                    strings(block.parameters)
                }
            case .python(let s):
                bytes.append(2); scan(s)
            case .yaml(let v):
                bytes.append(3); value(v)
            case .yamlError(let line, let message):
                bytes.append(4); u32(line ?? 0); string(message)
            case .notText, .missing:
                bytes.append(5)
            case .refused(let line, let message):
                bytes.append(6); u32(line ?? 0); string(message)
            }
        }
    }

    struct Reader {
        let buffer: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(buffer: UnsafeBufferPointer<UInt8>, offset: Int = 0) {
            self.buffer = buffer
            self.offset = offset
        }

        mutating func byte() -> UInt8? {
            guard offset < buffer.count else { return nil }
            defer { offset += 1 }
            return buffer[offset]
        }

        mutating func u32() -> Int? {
            guard offset + 4 <= buffer.count else { return nil }
            let v = UInt32(buffer[offset]) | UInt32(buffer[offset + 1]) << 8 | UInt32(buffer[offset + 2]) << 16 | UInt32(buffer[offset + 3]) << 24
            offset += 4
            return Int(v)
        }

        mutating func u64() -> UInt64? {
            guard offset + 8 <= buffer.count else { return nil }
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(buffer[offset + k]) << UInt64(8 * k) }
            offset += 8
            return v
        }

        mutating func string() -> String? {
            guard let n = u32(), offset + n <= buffer.count else { return nil }
            defer { offset += n }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[offset..<(offset + n)]), as: UTF8.self)
        }

        mutating func optional() -> String?? {
            guard let flag = byte() else { return nil }
            if flag == 0 { return .some(nil) }
            guard let s = string() else { return nil }
            return .some(s)
        }

        mutating func strings() -> [String]? {
            // Each string takes at least its 4-byte length: a count the rest cannot hold is no list
            // (and must not reserve gigabytes).
            guard let n = u32(), n <= (buffer.count - offset) / 4 else { return nil }
            var out: [String] = []
            out.reserveCapacity(n)
            for _ in 0..<n {
                guard let s = string() else { return nil }
                out.append(s)
            }
            return out
        }

        /// Nesting beyond this is no value rationale wrote (its readers stop at 256 levels) and
        /// would overflow the stack: the reader recurses.
        static let valueDepthLimit = 1_024

        mutating func value(depth: Int = 0) -> Value? {
            guard depth < Self.valueDepthLimit, let tag = byte() else { return nil }
            switch tag {
            case 0: return .null
            case 1: return .bool(false)
            case 2: return .bool(true)
            case 3: return u64().map { .int(Int(Int64(bitPattern: $0))) }
            case 4: return u64().map { .double(Double(bitPattern: $0)) }
            case 5: return string().map { .string($0) }
            case 6:
                guard let n = u32() else { return nil }
                var items: [Value] = []
                for _ in 0..<n {
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                }
                return .list(items)
            case 7:
                guard let n = u32() else { return nil }
                var pairs: [(key: String, value: Value)] = []
                for _ in 0..<n {
                    guard let key = string(), let item = value(depth: depth + 1) else { return nil }
                    pairs.append((key, item))
                }
                return .map(pairs)
            default: return nil
            }
        }

        mutating func scan() -> ReferenceScan? {
            var s = ReferenceScan()
            guard let refCount = u32() else { return nil }
            for _ in 0..<refCount {
                guard let package = optional(), let name = string(), let version = optional(), let line = u32() else { return nil }
                s.refs.append(.init(package: package, name: name, version: version, line: line))
            }
            guard let sourceCount = u32() else { return nil }
            for _ in 0..<sourceCount {
                guard let source = string(), let table = string(), let line = u32() else { return nil }
                s.sources.append(.init(source: source, table: table, line: line))
            }
            guard let calls = strings(), let dispatches = strings(), let vars = strings(), let config = value(),
                  let unresolvedCount = u32() else { return nil }
            s.macroCalls = calls
            s.dispatches = dispatches
            s.vars = vars
            s.config = config
            for _ in 0..<unresolvedCount {
                guard let line = u32(), let text = string() else { return nil }
                s.unresolved.append(.init(line: line, text: text))
            }
            guard let digest = optional(), let expressions = strings(), expressions.count % 2 == 0 else { return nil }
            s.bodyDigest = digest
            for index in stride(from: 0, to: expressions.count, by: 2) {
                s.configExpressions[expressions[index]] = expressions[index + 1]
            }
            guard let parameterRefs = strings(), let callCount = u32() else { return nil }
            s.parameterRefs = parameterRefs
            for _ in 0..<callCount {
                guard let macro = string(), let positionalCount = u32() else { return nil }
                var positional: [String?] = []
                for _ in 0..<positionalCount {
                    guard let value = optional() else { return nil }
                    positional.append(value)
                }
                guard let keywords = strings(), keywords.count % 2 == 0 else { return nil }
                var pairs: [String: String] = [:]
                for index in stride(from: 0, to: keywords.count, by: 2) { pairs[keywords[index]] = keywords[index + 1] }
                s.callArguments.append(.init(macro: macro, positional: positional, keywords: pairs))
            }
            guard let conditionalCount = u32() else { return nil }
            for _ in 0..<conditionalCount {
                guard let name = string(), let conditions = strings() else { return nil }
                s.conditionalRefs.append(.init(name: name, conditions: conditions))
            }
            return s
        }

        mutating func nodeDetails() -> NodeDetails? {
            guard let propertiesPath = optional(), let flag = byte() else { return nil }
            var line: Int?
            if flag == 1 {
                guard let l = u32() else { return nil }
                line = l
            }
            guard let fqn = strings(), let bodyKey = string(), let config = value(), let inherited = value(),
                  let description = string(), let columnCount = u32() else { return nil }
            var d = NodeDetails(propertiesPath: propertiesPath, line: line, fqn: fqn, bodyKey: bodyKey, config: config,
                                inheritedConfig: inherited, description: description)
            for _ in 0..<columnCount {
                guard let c = string(), let desc = string(), let t = optional(), let constraints = value() else { return nil }
                d.columns.append(Column(name: c, description: desc, dataType: t, constraints: constraints))
            }
            guard let macros = strings(), let vars = strings(), let propertyCount = u32() else { return nil }
            d.macroDependencies = macros
            d.vars = vars
            for _ in 0..<propertyCount {
                guard let k = string(), let v = value() else { return nil }
                d.properties[k] = v
            }
            guard let testCount = u32() else { return nil }
            for _ in 0..<testCount {
                guard let n = string(), let k = string(), let c = optional(), let a = string() else { return nil }
                d.tests.append(AttachedTest(name: n, kind: k, column: c, attachedTo: a))
            }
            guard let unknown = strings() else { return nil }
            d.unknownReferences = unknown
            return d
        }

        mutating func parsed() -> ParsedFile? {
            guard let tag = byte() else { return nil }
            switch tag {
            case 1:
                guard let outside = scan(), let count = u32() else { return nil }
                var blocks: [TemplateBlock] = []
                for _ in 0..<count {
                    guard let kind = string(), let name = string(), let line = u32(), let text = string(),
                          let body = string(), let blockScan = scan(), let parameters = strings() else { return nil }
                    blocks.append(TemplateBlock(kind: kind, name: name, line: line, text: text, body: body, scan: blockScan,
                                                parameters: parameters))
                }
                return .template(TemplateScanner.Result(scan: outside, blocks: blocks))
            case 2: return scan().map { .python($0) }
            case 3: return value().map { .yaml($0) }
            case 4:
                guard let line = u32(), let message = string() else { return nil }
                return .yamlError(line: line == 0 ? nil : line, message: message)
            case 5: return .notText
            case 6:
                guard let line = u32(), let message = string() else { return nil }
                return .refused(line: line == 0 ? nil : line, message: message)
            default: return nil
            }
        }
    }
}

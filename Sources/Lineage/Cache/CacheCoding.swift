import GitKit

/// The parse cache's binary form: a header with the tool version, then one record per
/// (blob id, kind). Small and quick to read: a warm hook run decodes it in milliseconds.
enum CacheCoding {
    static let magic: [UInt8] = Array("RATIONALE-PARSE-CACHE 5\n".utf8)

    /// A 64-bit checksum of `bytes` (multiply–xorshift over 8-byte words in four independent
    /// lanes, several gigabytes a second): a cache file whose trailer does not match is a miss,
    /// whatever stomped on it. A warm hook checks a whole project cache file, so speed matters.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var lanes = ChecksumStream.Lanes(length: bytes.count)
        let whole = lanes.absorb(bytes)
        return lanes.finish(UnsafeRawBufferPointer(rebasing: bytes[whole...]))
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
        for (key, parsed) in entries where parsed != .missing { _ = w.record(key.id, key.kind, parsed) }
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

    /// What precedes a record's parse: the blob id and the parse kind.
    static let recordPrefix = 21

    struct Writer {
        var bytes: [UInt8] = []

        /// Appends one record (blob id, kind, parse); returns where the parse starts.
        mutating func record(_ id: ObjectID, _ kind: ParsedFile.Kind, _ parsed: ParsedFile) -> Int {
            bytes.append(contentsOf: id.bytes)
            bytes.append(kind.rawValue)
            let start = bytes.count
            self.parsed(parsed)
            return start
        }

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

}

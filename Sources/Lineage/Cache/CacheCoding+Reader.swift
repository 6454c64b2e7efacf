import GitKit

/// Reading the parse cache's binary form back (every length checked against what is left).
extension CacheCoding {
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
                let unresolvedCount = u32()
            else { return nil }
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
                let description = string(), let columnCount = u32()
            else { return nil }
            var d = NodeDetails(
                propertiesPath: propertiesPath, line: line, fqn: fqn, bodyKey: bodyKey, config: config,
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
                        let body = string(), let blockScan = scan(), let parameters = strings()
                    else { return nil }
                    blocks.append(
                        TemplateBlock(
                            kind: kind, name: name, line: line, text: text, body: body, scan: blockScan,
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

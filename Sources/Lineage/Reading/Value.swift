/// A YAML or literal value, as dbt would see it before rendering.
///
/// Used for configuration (compared key by key, the way dbt compares unrendered configs),
/// for variables, and as the cached form of YAML property files.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case map([(key: String, value: Value)])

    /// The value under `key` when this is a map.
    public subscript(key: String) -> Value? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first(where: { $0.key == key })?.value
    }

    /// The string when this is a scalar string.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A scalar rendered as text (numbers and booleans too), nil for collections and null.
    public var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    /// The elements when this is a list.
    public var list: [Value]? {
        if case .list(let l) = self { return l }
        return nil
    }

    /// The key-value pairs when this is a map, in document order.
    public var pairs: [(key: String, value: Value)]? {
        if case .map(let p) = self { return p }
        return nil
    }

    /// True for `true`, `"true"`, `True` — how Jinja-rendered booleans arrive.
    public var isTruthy: Bool {
        switch self {
        case .bool(let b): return b
        case .string(let s): return s.lowercased() == "true"
        case .int(let i): return i != 0
        default: return false
        }
    }

    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)): return a == b
        case (.map(let a), .map(let b)):
            // Maps compare as dictionaries: key order does not matter (Python dict equality).
            guard a.count == b.count else { return false }
            var index: [String: Value] = [:]
            for pair in b { index[pair.key] = pair.value }
            for pair in a {
                guard let other = index[pair.key], other == pair.value else { return false }
            }
            return true
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(Double(i))
        case .double(let d): hasher.combine(d)
        case .string(let s): hasher.combine(s)
        case .list(let l): hasher.combine(l)
        case .map(let pairs):
            // Order-independent, like equality.
            var sum = 0
            for pair in pairs {
                var h = Hasher()
                h.combine(pair.key)
                h.combine(pair.value)
                sum &+= h.finalize()
            }
            hasher.combine(sum)
        }
    }
}

extension Value {
    /// A plain (unquoted) YAML scalar, typed the way YAML 1.1's core schema reads it.
    static func plain(_ text: String) -> Value {
        // Most plain scalars are words: settle those by their first byte before trying the
        // keyword table and the number parsers.
        guard let first = text.utf8.first else { return .null }
        let mayBeKeyword = "~nNtTfFyYoO".utf8.contains(first)
        let mayBeNumber =
            (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
            || first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
        if !mayBeKeyword && !mayBeNumber { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return .bool(true)
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return .bool(false)
        default:
            if let i = Int(text) { return .int(i) }
            if let d = Double(text), text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .double(d) }
            return .string(text)
        }
    }
}

extension Value {
    /// Merges configuration the way dbt layers it: `other` wins key by key; dictionaries such as
    /// `meta` merge; `tags` and hooks accumulate.
    func mergingConfig(_ other: Value) -> Value {
        guard case .map(var mine) = self, case .map(let theirs) = other else { return other }
        for pair in theirs {
            let key = pair.key
            guard let index = mine.firstIndex(where: { $0.key == key }) else {
                mine.append(pair)
                continue
            }
            let existing = mine[index].value
            switch key {
            case "tags", "pre-hook", "post-hook", "pre_hook", "post_hook":
                mine[index].value = .list(Value.asList(existing) + Value.asList(pair.value).filter { !Value.asList(existing).contains($0) || key != "tags" })
            case "meta", "persist_docs", "docs", "grants", "quoting", "column_types", "contract", "freshness":
                if case .map = existing, case .map = pair.value {
                    mine[index].value = existing.mergingConfig(pair.value)
                } else {
                    mine[index].value = pair.value
                }
            default:
                mine[index].value = pair.value
            }
        }
        return .map(mine)
    }

    /// A list as itself, null as empty, anything else as a list of one.
    public static func asList(_ value: Value) -> [Value] {
        if case .list(let l) = value { return l }
        if case .null = value { return [] }
        return [value]
    }

    /// This map without the given keys.
    func removing(_ keys: Set<String>) -> Value {
        guard case .map(let pairs) = self else { return self }
        return .map(pairs.filter { !keys.contains($0.key) })
    }

    /// This map with only the given keys.
    func keeping(_ keys: Set<String>) -> Value {
        guard case .map(let pairs) = self else { return .map([]) }
        return .map(pairs.filter { keys.contains($0.key) })
    }
}

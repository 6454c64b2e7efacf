// The one place Lineage speaks C: libyaml's event parser (the copy Yams builds as `CYaml`).
// Everything past `next()` below is Swift values.
import CYaml

/// Reads a YAML document into a `Value` the way dbt's loader (PyYAML's `SafeLoader`) reads it,
/// with bounds a hostile file cannot get past.
///
/// - Duplicate keys: the last one wins, as in a Python dict (dbt 1.10+ only warns).
/// - Merge keys (`<<`): PyYAML's rule — merged pairs first, explicit keys override; in a list of
///   maps the earlier map wins.
/// - Aliases share the anchored value; the nodes they stand for are counted, and a document that
///   expands past `expansionLimit` nodes (a "billion laughs" file) is refused, not expanded.
/// - Nesting deeper than `depthLimit` is refused (every later reader of a `Value` recurses).
/// - A second document is refused (`safe_load` reads one); a leading BOM is skipped.
///
/// The composer is iterative: no input can exhaust the stack.
enum YAMLComposer {
    /// Collections nested deeper than this are refused. Real dbt files nest a dozen levels.
    static let depthLimit = 256
    /// Nodes a document may stand for once aliases are expanded (the file's own nodes included).
    static let expansionLimit = 2_000_000

    /// Why a document was refused: a 1-based line (when known) and what is wrong.
    struct Failure: Error, Equatable {
        var line: Int?
        var message: String
        /// True when a bound of rationale's own refused the file (dbt's loader may read it);
        /// false when the YAML is malformed (dbt's loader refuses it too).
        var isBound = false
    }

    /// The document's value (`.null` for an empty stream).
    static func compose(_ text: String) throws(Failure) -> Value {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> Value in
            var composer = Composer(buffer)
            defer { composer.close() }
            return try composer.document()
        }
    }

    /// A collection being built.
    private enum Frame {
        case sequence(items: [Value], anchor: String?, weight: Int)
        case mapping(Mapping)
    }

    private struct Mapping {
        var pairs: [(key: String, value: Value)] = []
        var index: [String: Int] = [:]
        var merged: [[(key: String, value: Value)]] = []
        var pendingKey: PendingKey?
        var anchor: String?
        var weight = 1

        enum PendingKey {
            case text(String)
            case merge
        }

        mutating func set(_ key: String, _ value: Value) {
            if let at = index[key] {
                pairs[at].value = value
            } else {
                index[key] = pairs.count
                pairs.append((key, value))
            }
        }

        /// The map as PyYAML's `flatten_mapping` + `construct_mapping` build it.
        func finished() -> Value {
            guard !merged.isEmpty else { return .map(pairs) }
            var result = Mapping()
            for source in merged {
                for pair in source { result.set(pair.key, pair.value) }
            }
            for pair in pairs { result.set(pair.key, pair.value) }
            return .map(result.pairs)
        }
    }

    private struct Composer {
        var parser = yaml_parser_t()
        var event = yaml_event_t()
        var hasEvent = false
        var stack: [Frame] = []
        var anchors: [String: (value: Value, weight: Int)] = [:]
        var expanded = 0

        init(_ buffer: UnsafeBufferPointer<UInt8>) {
            yaml_parser_initialize(&parser)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        }

        mutating func close() {
            if hasEvent { yaml_event_delete(&event) }
            yaml_parser_delete(&parser)
        }

        /// Advances to the next event, or throws libyaml's own complaint.
        mutating func next() throws(Failure) -> yaml_event_type_t {
            if hasEvent {
                yaml_event_delete(&event)
                hasEvent = false
            }
            guard yaml_parser_parse(&parser, &event) == 1 else {
                let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
                let context = parser.context.map { String(cString: $0) }
                let mark = parser.problem_mark
                throw Failure(line: Int(mark.line) + 1, message: [context, problem].compactMap { $0 }.joined(separator: ": "))
            }
            hasEvent = true
            return event.type
        }

        var line: Int { Int(event.start_mark.line) + 1 }

        mutating func document() throws(Failure) -> Value {
            guard try next() == YAML_STREAM_START_EVENT else { throw Failure(line: nil, message: "not a YAML stream") }
            switch try next() {
            case YAML_STREAM_END_EVENT:
                return .null
            case YAML_DOCUMENT_START_EVENT:
                break
            default:
                throw Failure(line: line, message: "expected a document")
            }
            let value = try root()
            guard try next() == YAML_DOCUMENT_END_EVENT else { throw Failure(line: line, message: "expected the end of the document") }
            if try next() != YAML_STREAM_END_EVENT {
                throw Failure(line: line, message: "expected a single document in the stream, but found another document")
            }
            return value
        }

        /// Reads one node (the document's root) with an explicit stack.
        mutating func root() throws(Failure) -> Value {
            while true {
                var completed: (value: Value, weight: Int)?
                var isMergeKey = false
                switch try next() {
                case YAML_SCALAR_EVENT:
                    let (value, merge) = try scalar()
                    isMergeKey = merge
                    register(anchor: string(event.data.scalar.anchor), value: value, weight: 1)
                    completed = (value, 1)
                case YAML_ALIAS_EVENT:
                    let name = string(event.data.alias.anchor) ?? ""
                    guard let target = anchors[name] else {
                        throw Failure(line: line, message: "found undefined alias `\(name)`")
                    }
                    completed = target
                case YAML_SEQUENCE_START_EVENT:
                    try checkTag(string(event.data.sequence_start.tag), allowed: ["tag:yaml.org,2002:seq"])
                    try push(.sequence(items: [], anchor: string(event.data.sequence_start.anchor), weight: 1))
                case YAML_MAPPING_START_EVENT:
                    try checkTag(string(event.data.mapping_start.tag), allowed: ["tag:yaml.org,2002:map"])
                    try push(.mapping(Mapping(anchor: string(event.data.mapping_start.anchor))))
                case YAML_SEQUENCE_END_EVENT:
                    guard case .sequence(let items, let anchor, let weight)? = stack.popLast() else {
                        throw Failure(line: line, message: "unbalanced sequence")
                    }
                    let value = Value.list(items)
                    register(anchor: anchor, value: value, weight: weight)
                    completed = (value, weight)
                case YAML_MAPPING_END_EVENT:
                    guard case .mapping(let mapping)? = stack.popLast() else {
                        throw Failure(line: line, message: "unbalanced mapping")
                    }
                    let value = mapping.finished()
                    register(anchor: mapping.anchor, value: value, weight: mapping.weight)
                    completed = (value, mapping.weight)
                default:
                    throw Failure(line: line, message: "unexpected YAML event")
                }
                guard let done = completed else { continue }
                expanded += done.weight
                if expanded > YAMLComposer.expansionLimit {
                    throw Failure(
                        line: line,
                        message: "aliases expand this document past \(YAMLComposer.expansionLimit) nodes (a YAML alias bomb?) — rationale refuses to expand it",
                        isBound: true)
                }
                guard !stack.isEmpty else { return done.value }
                try deliver(done.value, weight: done.weight, isMergeKey: isMergeKey)
            }
        }

        mutating func push(_ frame: Frame) throws(Failure) {
            guard stack.count < YAMLComposer.depthLimit else {
                throw Failure(
                    line: line, message: "collections nested deeper than \(YAMLComposer.depthLimit) levels — rationale refuses to read it", isBound: true)
            }
            stack.append(frame)
        }

        /// Hands a finished node to the collection that holds it.
        mutating func deliver(_ value: Value, weight: Int, isMergeKey: Bool) throws(Failure) {
            switch stack[stack.count - 1] {
            case .sequence(var items, let anchor, let total):
                stack[stack.count - 1] = .sequence(items: [], anchor: nil, weight: 0) // release before append: no copy
                items.append(value)
                stack[stack.count - 1] = .sequence(items: items, anchor: anchor, weight: total + weight)
            case .mapping(var mapping):
                stack[stack.count - 1] = .sequence(items: [], anchor: nil, weight: 0)
                mapping.weight += weight
                if let key = mapping.pendingKey {
                    mapping.pendingKey = nil
                    switch key {
                    case .text(let text):
                        mapping.set(text, value)
                    case .merge:
                        switch value {
                        case .map(let pairs):
                            mapping.merged.append(pairs)
                        case .list(let maps):
                            // PyYAML: in `<<: [*a, *b]`, `a` wins over `b`.
                            for item in maps.reversed() {
                                guard case .map(let pairs) = item else {
                                    stack[stack.count - 1] = .mapping(mapping)
                                    throw Failure(line: line, message: "a merge key `<<` takes a mapping or a list of mappings")
                                }
                                mapping.merged.append(pairs)
                            }
                        default:
                            stack[stack.count - 1] = .mapping(mapping)
                            throw Failure(line: line, message: "a merge key `<<` takes a mapping or a list of mappings")
                        }
                    }
                } else {
                    mapping.pendingKey = Self.key(value, isMerge: isMergeKey)
                }
                stack[stack.count - 1] = .mapping(mapping)
            }
        }

        static func key(_ value: Value, isMerge: Bool) -> Mapping.PendingKey {
            if isMerge { return .merge }
            switch value {
            case .string(let s): return .text(s)
            case .null: return .text("null")
            case .bool(let b): return .text(b ? "True" : "False")
            default: return .text(value.scalarText ?? String(describing: value))
            }
        }

        /// The scalar, and whether it is the plain `<<` (PyYAML's merge key).
        func scalar() throws(Failure) -> (Value, Bool) {
            let data = event.data.scalar
            let text =
                data.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self)
                } ?? ""
            let tag = string(data.tag)
            let plain = data.style == YAML_PLAIN_SCALAR_STYLE
            switch tag {
            case nil:
                return (plain ? Value.plain(text) : .string(text), plain && text == "<<")
            case "!", "tag:yaml.org,2002:str":
                return (.string(text), false)
            case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null":
                return (Value.plain(text), false)
            default:
                throw Failure(line: line, message: "could not determine a constructor for the tag `\(tag ?? "")` (dbt's loader refuses it too)")
            }
        }

        func checkTag(_ tag: String?, allowed: Set<String>) throws(Failure) {
            guard let tag, tag != "!", !allowed.contains(tag) else { return }
            throw Failure(line: line, message: "could not determine a constructor for the tag `\(tag)` (dbt's loader refuses it too)")
        }

        mutating func register(anchor: String?, value: Value, weight: Int) {
            guard let anchor else { return }
            anchors[anchor] = (value, weight)
        }

        func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
    }
}

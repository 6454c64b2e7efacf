/// One file of a dbt project, parsed: what the cache keeps per git blob id.
public enum ParsedFile: Sendable, Hashable {
    /// A Jinja template (SQL models, macros, snapshots, docs).
    case template(TemplateScanner.Result)
    /// A Python model.
    case python(ReferenceScan)
    /// A YAML document.
    case yaml(Value)
    /// A YAML document that does not parse (dbt's loader would refuse it too).
    case yamlError(line: Int?, message: String)
    /// A file rationale will not read past a bound of its own (nesting, alias expansion): dbt
    /// may well read it, so the message must not say dbt refuses it.
    case refused(line: Int?, message: String)
    /// Not UTF-8 text.
    case notText
    /// The file's blob is not in this clone (a partial clone): its content is unknown. Never
    /// cached, so the next run, after a fetch, reads it.
    case missing

    /// How a file is parsed, which with its blob id makes the cache key.
    public enum Kind: UInt8, Sendable, Hashable {
        case template = 1, python = 2, yaml = 3
    }

    /// Parses bytes as the given kind.
    public static func parse(_ bytes: [UInt8], as kind: Kind) -> ParsedFile {
        if bytes.contains(0) { return .notText }
        switch kind {
        case .template:
            guard isUTF8(bytes) else { return .notText }
            var result = TemplateScanner.scanTemplate(bytes)
            result.scan.bodyDigest = strippedDigest(bytes)
            if let line = result.scan.tooDeepAt ?? result.blocks.lazy.compactMap(\.scan.tooDeepAt).first {
                return .refused(line: line, message: Self.tooDeep)
            }
            return .template(result)
        case .python:
            guard isUTF8(bytes) else { return .notText }
            var scan = TemplateScanner.scanPython(bytes)
            scan.bodyDigest = strippedDigest(bytes)
            if let line = scan.tooDeepAt { return .refused(line: line, message: Self.tooDeep) }
            return .python(scan)
        case .yaml:
            // A leading byte-order mark is no part of the document (PyYAML skips it too).
            // dbt reads every file stripped (`load_file_contents(strip=True)`): a block scalar
            // that ends the file keeps no final line break. Only the end is stripped here, so
            // lines keep their numbers in messages.
            let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            var end = bytes.count
            while end > start, isASCIIPythonSpace(bytes[end - 1]) { end -= 1 }
            let body: String
            if end == start || bytes[end - 1] < 0x80 {
                // What was cut is ASCII (or the mark): the rest decides whether this is text.
                guard let text = String(validating: bytes[start..<end], as: UTF8.self) else { return .notText }
                body = text
            } else {
                // The text ends in a multi-byte character, which may be a space `strip()` removes.
                guard let text = String(validating: bytes, as: UTF8.self) else { return .notText }
                var scalars = text.unicodeScalars[...]
                if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
                while let last = scalars.last, isPythonSpace(last) { scalars = scalars.dropLast() }
                body = String(scalars)
            }
            if let value = BlockYAMLReader.parse(body) { return .yaml(value) }
            do {
                return .yaml(try YAMLComposer.compose(body))
            } catch {
                return error.isBound ? .refused(line: error.line, message: error.message) : .yamlError(line: error.line, message: error.message)
            }
        }
    }

    /// The checksum of `bytes` without leading and trailing whitespace, as Python's `str.strip()`
    /// removes it (dbt's `load_file_contents(strip=True)`): hex of a 64-bit sum and the length.
    static func strippedDigest(_ bytes: [UInt8]) -> String {
        // Bytes first: the text starts and ends in ASCII almost always, and then what `strip()`
        // removes is ASCII too.
        var first = 0
        var end = bytes.count
        while first < end, isASCIIPythonSpace(bytes[first]) { first += 1 }
        while end > first, isASCIIPythonSpace(bytes[end - 1]) { end -= 1 }
        if first == end { return "strip:0" }
        if bytes[first] < 0x80, bytes[end - 1] < 0x80 {
            let sum = bytes.withUnsafeBytes { CacheCoding.checksum(UnsafeRawBufferPointer(rebasing: $0[first..<end])) }
            return "strip:\(end - first):" + String(sum, radix: 16)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isPythonSpace($0) }) else { return "strip:0" }
        let last = scalars.lastIndex(where: { !isPythonSpace($0) }) ?? first
        let core = Array(String(scalars[first...last]).utf8)
        let sum = core.withUnsafeBytes { CacheCoding.checksum($0) }
        return "strip:\(core.count):" + String(sum, radix: 16)
    }

    /// Whether `bytes` are UTF-8, without making a string of them.
    static func isUTF8(_ bytes: [UInt8]) -> Bool {
        (try? UTF8Span(validating: bytes.span)) != nil
    }

    /// `isPythonSpace` for a byte below 0x80 (false for any other byte).
    @inline(__always) static func isASCIIPythonSpace(_ byte: UInt8) -> Bool {
        (0x09...0x0D).contains(byte) || (0x1C...0x20).contains(byte)
    }

    /// Python's `str.isspace()`: the characters `strip()` removes.
    static func isPythonSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    static let tooDeep = "a literal nested deeper than \(CallReader.depthLimit) levels — rationale refuses to read it"
}

/// Reads Jinja templates (dbt SQL, macros, snapshots, docs) and Python models for the calls that
/// make lineage: `ref`, `source`, `config`, `var`, macro calls and `adapter.dispatch`.
///
/// Only text inside `{{ }}` and `{% %}` is read: a `ref` in a `{# #}` comment is no reference,
/// while one inside a SQL comment is (Jinja renders it, and so does dbt).
public enum TemplateScanner {
    /// The result of scanning a template: the calls outside blocks and the top-level blocks.
    public struct Result: Sendable, Hashable {
        /// Calls found outside of top-level blocks.
        public var scan: ReferenceScan
        /// Top-level blocks in order.
        public var blocks: [TemplateBlock]
    }

    static let blockKinds: Set<String> = ["macro", "test", "materialization", "snapshot", "docs"]

    /// Scans a Jinja template.
    public static func scanTemplate(_ bytes: [UInt8]) -> Result {
        bytes.withUnsafeBufferPointer { buffer in
            scanTemplate(buffer)
        }
    }

    /// Scans a Python model (`dbt.ref`, `dbt.source`, `dbt.config`).
    public static func scanPython(_ bytes: [UInt8]) -> ReferenceScan {
        bytes.withUnsafeBufferPointer { buffer in
            var lines = LineCounter(buffer)
            let tokens = Tokenizer.tokens(buffer, from: 0, to: buffer.count, python: true)
            var scan = ReferenceScan()
            CallReader(buffer: buffer, tokens: tokens, python: true).read(into: &scan, lines: &lines)
            return scan
        }
    }

    private static func scanTemplate(_ b: UnsafeBufferPointer<UInt8>) -> Result {
        var lines = LineCounter(b)
        var outside = ReferenceScan()
        var blocks: [TemplateBlock] = []
        var loops = LoopRefTracker()
        // The open top-level block: kind, name, line, start of the opening tag, end of it, its scan.
        var open: (kind: String, name: String, line: Int, start: Int, bodyStart: Int, scan: ReferenceScan, parameters: [String])?
        let n = b.count
        var i = 0
        while i + 1 < n {
            guard b[i] == UInt8(ascii: "{") else { i += 1; continue }
            let next = b[i + 1]
            if next == UInt8(ascii: "#") {
                i = find(b, "#}", from: i + 2).map { $0 + 2 } ?? n
                continue
            }
            guard next == UInt8(ascii: "{") || next == UInt8(ascii: "%") else { i += 1; continue }
            let isStatement = next == UInt8(ascii: "%")
            let tagStart = i
            let contentStart = i + 2
            let closer: UInt8 = isStatement ? UInt8(ascii: "%") : UInt8(ascii: "}")
            let contentEnd = findTagEnd(b, from: contentStart, closer: closer)
            let tagEnd = min(contentEnd + 2, n)
            let tokens = Tokenizer.tokens(b, from: contentStart, to: contentEnd, python: false)
            i = tagEnd

            if isStatement, let first = tokens.first(where: { $0.kind == .identifier }) {
                let keyword = text(b, first)
                if keyword == "raw" {
                    i = findEndTag(b, "endraw", from: i)?.end ?? n
                    continue
                }
                if open == nil, blockKinds.contains(keyword) {
                    let nameToken = tokens.drop(while: { $0.start <= first.start }).first(where: { $0.kind == .identifier })
                    let name = nameToken.map { text(b, $0) } ?? ""
                    let line = lines.line(at: tagStart)
                    if keyword == "docs" {
                        // Docs bodies are Markdown: nothing inside is a call.
                        let close = findEndTag(b, "enddocs", from: i)
                        let bodyEnd = close?.start ?? n
                        let end = close?.end ?? n
                        blocks.append(
                            TemplateBlock(
                                kind: keyword, name: name, line: line,
                                text: string(b, tagStart, end), body: string(b, i, bodyEnd),
                                scan: ReferenceScan()))
                        i = end
                        continue
                    }
                    let parameters = keyword == "macro" || keyword == "test" ? parameterNames(b, tokens, after: nameToken) : []
                    open = (keyword, name, line, tagStart, tagEnd, ReferenceScan(), parameters)
                    loops = LoopRefTracker()
                    continue
                }
                if let current = open, keyword == "end" + current.kind {
                    blocks.append(
                        TemplateBlock(
                            kind: current.kind, name: current.name, line: current.line,
                            text: string(b, current.start, tagEnd),
                            body: string(b, current.bodyStart, tagStart),
                            scan: current.scan, parameters: current.parameters))
                    open = nil
                    loops = LoopRefTracker()
                    continue
                }
                loops.statement(b, tokens)
            }
            let reader = CallReader(buffer: b, tokens: tokens, python: false)
            if open != nil {
                let before = open!.scan.unresolved.count // non-nil: checked on the line above
                reader.read(into: &open!.scan, lines: &lines)
                resolveLoopRefs(&open!.scan, from: before, loops)
            } else {
                let before = outside.unresolved.count
                reader.read(into: &outside, lines: &lines)
                resolveLoopRefs(&outside, from: before, loops)
            }
        }
        if let current = open {
            // An unclosed block still counts as one (dbt would fail to parse; we stay lenient).
            blocks.append(
                TemplateBlock(
                    kind: current.kind, name: current.name, line: current.line,
                    text: string(b, current.start, n), body: string(b, current.bodyStart, n),
                    scan: current.scan, parameters: current.parameters))
        }
        return Result(scan: outside, blocks: blocks)
    }

    /// Replaces the unresolved `ref(variable)` calls just read whose variable is bound by a loop
    /// over a known list with the refs it stands for.
    private static func resolveLoopRefs(_ scan: inout ReferenceScan, from start: Int, _ loops: LoopRefTracker) {
        guard scan.unresolved.count > start else { return }
        var kept: [ReferenceScan.Unresolved] = []
        for entry in scan.unresolved[start...] {
            let inner = entry.text.dropFirst(4).dropLast().filter { $0 != " " }
            guard entry.text.hasSuffix(")"), !inner.isEmpty, inner.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
                let refs = loops.refs(of: String(inner)), scan.conditionalRefs.count + refs.count <= LoopRefTracker.refLimit
            else {
                kept.append(entry)
                continue
            }
            scan.conditionalRefs += refs
        }
        scan.unresolved.replaceSubrange(start..., with: kept)
    }

    /// The parameter names of a `{% macro name(a, b=1, c=[1, 2]) %}` tag: identifiers at the
    /// top level of the brackets after the name, each first in its comma-separated part.
    private static func parameterNames(_ b: UnsafeBufferPointer<UInt8>, _ tokens: [Token], after nameToken: Token?) -> [String] {
        guard let nameToken, let open = tokens.firstIndex(where: { $0.start > nameToken.start }),
            tokens[open].kind == .punctuation(UInt8(ascii: "("))
        else { return [] }
        var names: [String] = []
        var depth = 0
        var expectName = true
        for token in tokens[open...] {
            if case .punctuation(let c) = token.kind {
                if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { depth += 1 }
                if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 { break }
                }
                if c == UInt8(ascii: ","), depth == 1 { expectName = true }
                continue
            }
            if depth == 1, expectName, token.kind == .identifier { names.append(text(b, token)) }
            if depth == 1 { expectName = false }
        }
        return names
    }

    /// The start of the closing delimiter (`%}` or `}}`), skipping string literals; `n` when unclosed.
    /// A whitespace-control `-` before it is left in the content, where it reads as punctuation.
    private static func findTagEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int, closer: UInt8) -> Int {
        var i = from
        let n = b.count
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                i = Tokenizer.skipString(b, at: i, end: n)
                continue
            }
            if c == closer && i + 1 < n && b[i + 1] == UInt8(ascii: "}") {
                return i
            }
            i += 1
        }
        return n
    }

    private static func find(_ b: UnsafeBufferPointer<UInt8>, _ needle: StaticString, from: Int) -> Int? {
        let p = needle.utf8Start
        let m = needle.utf8CodeUnitCount
        var i = from
        while i + m <= b.count {
            var match = true
            for k in 0..<m where b[i + k] != p[k] {
                match = false
                break
            }
            if match { return i }
            i += 1
        }
        return nil
    }

    /// Finds `{% <keyword> %}` (with optional whitespace control) from `from`.
    private static func findEndTag(_ b: UnsafeBufferPointer<UInt8>, _ keyword: String, from: Int) -> (start: Int, end: Int)? {
        var i = from
        let n = b.count
        while let s = find(b, "{%", from: i) {
            let contentEnd = findTagEnd(b, from: s + 2, closer: UInt8(ascii: "%"))
            let tokens = Tokenizer.tokens(b, from: s + 2, to: contentEnd, python: false)
            if let first = tokens.first(where: { $0.kind == .identifier }), text(b, first) == keyword {
                return (s, min(contentEnd + 2, n))
            }
            i = s + 2
        }
        return nil
    }

    /// A string literal's value: quotes (single, double, triple) and Python prefixes removed,
    /// `\\n`, `\\t` and other backslash escapes resolved.
    static func unquote(_ buffer: UnsafeBufferPointer<UInt8>, _ t: Token) -> String {
        var s = t.start
        var e = t.end
        // Python prefixes (r, f, b) were kept in the token.
        while s < e, buffer[s] != UInt8(ascii: "'"), buffer[s] != UInt8(ascii: "\"") { s += 1 }
        guard s < e else { return "" }
        let quote = buffer[s]
        let triple = e - s >= 6 && buffer[s + 1] == quote && buffer[s + 2] == quote
        let width = triple ? 3 : 1
        s += width
        e = max(s, e - width)
        var out: [UInt8] = []
        out.reserveCapacity(e - s)
        var i = s
        while i < e {
            let c = buffer[i]
            if c == UInt8(ascii: "\\"), i + 1 < e {
                let n = buffer[i + 1]
                switch n {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                default: out.append(n)
                }
                i += 2
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func text(_ b: UnsafeBufferPointer<UInt8>, _ t: Token) -> String {
        string(b, t.start, t.end)
    }

    static func string(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let s = max(0, min(start, b.count))
        let e = max(s, min(end, b.count))
        return String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self)
    }
}

/// Counts lines for increasing offsets without rescanning from the start.
struct LineCounter {
    let buffer: UnsafeBufferPointer<UInt8>
    var offset = 0
    var line = 1

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func line(at target: Int) -> Int {
        if target < offset {
            offset = 0
            line = 1
        }
        let end = min(target, buffer.count)
        while offset < end {
            if buffer[offset] == 0x0A { line += 1 }
            offset += 1
        }
        return line
    }
}

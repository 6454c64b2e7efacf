/// Finds calls in a token list and records the ones that make lineage.
struct CallReader {
    let buffer: UnsafeBufferPointer<UInt8>
    let tokens: [Token]
    let python: Bool

    /// Names that are dbt context functions or Jinja globals, never macros of the project.
    static let contextNames: Set<String> = [
        "ref", "source", "config", "var", "env_var", "return", "log", "print", "range", "dict", "list",
        "set", "zip", "tojson", "fromjson", "toyaml", "fromyaml", "as_bool", "as_number", "as_text",
        "as_native", "run_query", "statement", "doc", "caller", "loop", "exceptions", "modules",
        "super", "namespace", "cycler", "joiner", "lipsum", "load_result", "store_result",
        "store_raw_result", "write", "render", "graph", "selected_resources", "invocation_args_dict",
        "zip_strict", "set_strict", "local_md5", "try_or_compiler_error", "diff_of_two_dicts",
        "api", "column", "metric",
    ]

    /// Brackets nested deeper than this inside one call make the file refused: every reader of a
    /// literal recurses, and a hostile file must not exhaust the stack.
    static let depthLimit = 256

    func read(into scan: inout ReferenceScan, lines: inout LineCounter) {
        var k = 0
        let count = tokens.count
        while k < count {
            let token = tokens[k]
            guard token.kind == .identifier else { k += 1; continue }
            // Start of a dotted chain only.
            if k > 0, tokens[k - 1].kind == .punctuation(UInt8(ascii: ".")) { k += 1; continue }
            var names = [text(token)]
            var j = k + 1
            while j + 1 < count, tokens[j].kind == .punctuation(UInt8(ascii: ".")), tokens[j + 1].kind == .identifier {
                names.append(text(tokens[j + 1]))
                j += 2
            }
            guard j < count, tokens[j].kind == .punctuation(UInt8(ascii: "(")) else { k = j; continue }
            // Jinja filters (`x | replace(...)`) and tests (`is divisibleby(3)`) are not calls.
            if k > 0 {
                let previous = tokens[k - 1]
                if previous.kind == .punctuation(UInt8(ascii: "|")) { k = j; continue }
                if previous.kind == .identifier, text(previous) == "is" || text(previous) == "def" { k = j; continue }
            }
            let (close, depth) = matchingClose(from: j)
            if depth > Self.depthLimit {
                scan.tooDeepAt = lines.line(at: token.start)
                return
            }
            let args = arguments(from: j + 1, to: close)
            record(
                names: names, args: args, callStart: token.start, callEnd: close < count ? tokens[close].end : (tokens.last?.end ?? token.end), scan: &scan,
                lines: &lines)
            k = j + 1
        }
    }

    private func record(names: [String], args: [Argument], callStart: Int, callEnd: Int, scan: inout ReferenceScan, lines: inout LineCounter) {
        var function: String
        if python {
            // Python models reach dbt through the `dbt` object only.
            guard names.count == 2, names[0] == "dbt" else { return }
            function = names[1]
        } else {
            function = names.joined(separator: ".")
        }
        switch function {
        case "ref":
            let positional = args.filter { $0.key == nil }.map { literal($0) }
            var version: String?
            for arg in args {
                if let key = arg.key, key == "v" || key == "version" {
                    version = literal(arg)?.scalarText ?? textOf(arg)
                }
            }
            let names = positional.compactMap { $0?.string }
            let line = lines.line(at: callStart)
            if positional.count == names.count, (1...2).contains(names.count) {
                scan.refs.append(.init(package: names.count == 2 ? names[0] : nil, name: names.last ?? "", version: version, line: line))
            } else {
                let bare = args.filter { $0.key == nil }
                if bare.count == 1, bare[0].end == bare[0].start + 1, tokens[bare[0].start].kind == .identifier {
                    let name = text(tokens[bare[0].start])
                    if !scan.parameterRefs.contains(name) { scan.parameterRefs.append(name) }
                }
                scan.unresolved.append(.init(line: line, text: TemplateScanner.string(buffer, callStart, callEnd)))
            }
        case "source":
            let values = args.filter { $0.key == nil }.map { literal($0)?.string }
            let line = lines.line(at: callStart)
            if values.count == 2, let s = values[0], let t = values[1] {
                scan.sources.append(.init(source: s, table: t, line: line))
            } else {
                scan.unresolved.append(.init(line: line, text: TemplateScanner.string(buffer, callStart, callEnd)))
            }
        case "config":
            var pairs: [(key: String, value: Value)] = []
            for arg in args {
                if let key = arg.key {
                    if let value = literal(arg) {
                        pairs.append((key, value))
                        scan.configExpressions[key] = nil
                    } else {
                        let text = textOf(arg)
                        pairs.append((key, .string(text)))
                        if !python { scan.configExpressions[key] = text }
                    }
                } else if case .map(let m)? = literal(arg) {
                    pairs += m
                    for pair in m { scan.configExpressions[pair.key] = nil }
                }
            }
            scan.config = scan.config.mergingConfig(.map(pairs))
        case "var":
            if let first = args.first, first.key == nil, let name = literal(first)?.string, !scan.vars.contains(name) {
                scan.vars.append(name)
            }
        case "adapter.dispatch":
            let positional = args.filter { $0.key == nil }
            let macroArg = positional.first ?? args.first(where: { $0.key == "macro_name" })
            let namespaceArg = positional.count > 1 ? positional[1] : args.first(where: { $0.key == "macro_namespace" })
            if let macroArg, let name = literal(macroArg)?.string {
                let namespace = namespaceArg.flatMap { literal($0)?.string }
                let entry = namespace.map { "\($0).\(name)" } ?? name
                if !scan.dispatches.contains(entry) { scan.dispatches.append(entry) }
            }
        default:
            guard !python, names.count <= 2 else { return }
            if names.count == 1, Self.contextNames.contains(function) { return }
            if names.count == 2, names[0] == "adapter" || names[0] == "dbt" && Self.contextNames.contains(names[1]) { return }
            scan.addMacroCall(function)
            var positional: [String?] = []
            var keywords: [String: String] = [:]
            for arg in args {
                let string = literal(arg)?.string
                if let key = arg.key {
                    if let string { keywords[key] = string }
                } else {
                    positional.append(string)
                }
            }
            if !keywords.isEmpty || positional.contains(where: { $0 != nil }) {
                scan.callArguments.append(.init(macro: function, positional: positional, keywords: keywords))
            }
        }
    }

    struct Argument {
        var key: String?
        var start: Int // token indices, half-open
        var end: Int
    }

    /// The index of the bracket closing the one at `open` (the token count when unclosed), and
    /// the deepest nesting met on the way.
    private func matchingClose(from open: Int) -> (index: Int, depth: Int) {
        var depth = 0
        var deepest = 0
        var k = open
        while k < tokens.count {
            if case .punctuation(let c) = tokens[k].kind {
                if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    depth += 1
                    deepest = max(deepest, depth)
                }
                if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 { return (k, deepest) }
                }
            }
            k += 1
        }
        return (tokens.count, deepest)
    }

    private func arguments(from start: Int, to end: Int) -> [Argument] {
        var result: [Argument] = []
        var depth = 0
        var argStart = start
        func flush(_ stop: Int) {
            guard stop > argStart else { return }
            if stop - argStart >= 2, tokens[argStart].kind == .identifier, tokens[argStart + 1].kind == .punctuation(UInt8(ascii: "=")) {
                result.append(Argument(key: text(tokens[argStart]), start: argStart + 2, end: stop))
            } else {
                result.append(Argument(key: nil, start: argStart, end: stop))
            }
        }
        var k = start
        while k < end {
            if case .punctuation(let c) = tokens[k].kind {
                if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { depth += 1 }
                if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") { depth -= 1 }
                if c == UInt8(ascii: ","), depth == 0 {
                    flush(k)
                    argStart = k + 1
                }
            }
            k += 1
        }
        flush(end)
        return result
    }

    private func text(_ t: Token) -> String { TemplateScanner.text(buffer, t) }

    private func textOf(_ arg: Argument) -> String {
        guard arg.end > arg.start else { return "" }
        return TemplateScanner.string(buffer, tokens[arg.start].start, tokens[arg.end - 1].end)
    }

    /// The literal value of an argument, or nil when it is an expression.
    private func literal(_ arg: Argument) -> Value? {
        var k = arg.start
        guard let value = parseLiteral(&k, end: arg.end), k == arg.end else { return nil }
        return value
    }

    private func parseLiteral(_ k: inout Int, end: Int) -> Value? {
        guard k < end else { return nil }
        let t = tokens[k]
        switch t.kind {
        case .string:
            k += 1
            var value = unquote(t)
            // Adjacent string literals concatenate.
            while k < end, tokens[k].kind == .string {
                value += unquote(tokens[k])
                k += 1
            }
            return .string(value)
        case .number:
            k += 1
            let s = text(t)
            if let i = Int(s) { return .int(i) }
            if let d = Double(s) { return .double(d) }
            return nil
        case .identifier:
            k += 1
            switch text(t) {
            case "true", "True": return .bool(true)
            case "false", "False": return .bool(false)
            case "none", "None": return .null
            default: return nil
            }
        case .punctuation(let c):
            if c == UInt8(ascii: "-"), k + 1 < end, tokens[k + 1].kind == .number {
                k += 1
                guard let v = parseLiteral(&k, end: end) else { return nil }
                if case .int(let i) = v { return .int(-i) }
                if case .double(let d) = v { return .double(-d) }
                return nil
            }
            if c == UInt8(ascii: "[") || c == UInt8(ascii: "(") {
                let closer = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: ")")
                k += 1
                var items: [Value] = []
                while k < end {
                    if tokens[k].kind == .punctuation(closer) { k += 1; return .list(items) }
                    guard let item = parseLiteral(&k, end: end) else { return nil }
                    items.append(item)
                    if k < end, tokens[k].kind == .punctuation(UInt8(ascii: ",")) { k += 1 }
                }
                return nil
            }
            if c == UInt8(ascii: "{") {
                k += 1
                var pairs: [(key: String, value: Value)] = []
                while k < end {
                    if tokens[k].kind == .punctuation(UInt8(ascii: "}")) { k += 1; return .map(pairs) }
                    guard let key = parseLiteral(&k, end: end)?.scalarText,
                        k < end, tokens[k].kind == .punctuation(UInt8(ascii: ":"))
                    else { return nil }
                    k += 1
                    guard let value = parseLiteral(&k, end: end) else { return nil }
                    pairs.append((key, value))
                    if k < end, tokens[k].kind == .punctuation(UInt8(ascii: ",")) { k += 1 }
                }
                return nil
            }
            return nil
        case .operatorText:
            return nil
        }
    }

    private func unquote(_ t: Token) -> String { TemplateScanner.unquote(buffer, t) }
}

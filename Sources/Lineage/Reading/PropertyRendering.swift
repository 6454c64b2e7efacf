/// Property files rendered as dbt's `SchemaYamlRenderer` renders them at parse time.
extension ConfigExpression {
    /// A property file with the values dbt renders at parse time rendered (`SchemaYamlRenderer`:
    /// everything under models, seeds, snapshots, analyses, sources and exposures but
    /// descriptions, tests and hooks). A value that cannot be rendered here stays as written.
    static func renderProperties(_ document: Value, in context: RenderContext) -> Value {
        guard case .map(var pairs) = document else { return document }
        var keypath: [String] = []
        for index in pairs.indices {
            let key = pairs[index].key
            guard ["models", "seeds", "snapshots", "analyses", "sources", "exposures"].contains(key),
                case .list(var entries) = pairs[index].value
            else { continue }
            var changed = false
            for entry in entries.indices {
                if let rendered = render(entries[entry], keypath: &keypath, block: key, context: context) {
                    entries[entry] = rendered
                    changed = true
                }
            }
            if changed { pairs[index].value = .list(entries) }
        }
        return .map(pairs)
    }

    /// `value` rendered, or nil when nothing in it changes (the common case: untouched
    /// subtrees are neither rebuilt nor copied). `keypath` is a stack of keys, a list index
    /// standing as "" (it matches no key `shouldRender` looks for).
    private static func render(_ value: Value, keypath: inout [String], block: String, context: RenderContext) -> Value? {
        switch value {
        case .string(let text):
            guard text.utf8.contains(UInt8(ascii: "{")), shouldRender(keypath, block: block),
                let rendered = renderTemplate(text, in: context), rendered != value
            else { return nil }
            return rendered
        case .list(var items):
            var changed = false
            keypath.append("")
            defer { keypath.removeLast() }
            for index in items.indices {
                if let rendered = render(items[index], keypath: &keypath, block: block, context: context) {
                    items[index] = rendered
                    changed = true
                }
            }
            return changed ? .list(items) : nil
        case .map(var pairs):
            var changed = false
            for index in pairs.indices {
                keypath.append(pairs[index].key)
                defer { keypath.removeLast() }
                if let rendered = render(pairs[index].value, keypath: &keypath, block: block, context: context) {
                    pairs[index].value = rendered
                    changed = true
                }
            }
            return changed ? .map(pairs) : nil
        default:
            return nil
        }
    }

    /// dbt's `SchemaYamlRenderer.should_render_keypath`.
    static func shouldRender(_ keypath: [String], block: String) -> Bool {
        guard let first = keypath.first else { return true }
        if block == "sources" {
            if first == "description" || first == "loaded_at_query" { return false }
            if keypath.count >= 2, first == "config", keypath[1] == "loaded_at_query" { return false }
            if first == "tables" { return !isNoRender(Array(keypath.dropFirst(2))) }
            return true
        }
        return !isNoRender(keypath)
    }

    private static func isNoRender(_ keypath: [String]) -> Bool {
        let skipped: Set<String> = ["tests", "data_tests", "description", "loaded_at_query"]
        if let first = keypath.first, skipped.contains(first) { return true }
        if keypath.count == 2, skipped.contains(keypath[1]) { return true }
        if keypath.count >= 2, keypath[0] == "config", ["pre_hook", "post_hook", "loaded_at_query"].contains(keypath[1]) { return true }
        if keypath.count == 5, keypath[4] == "description" { return true }
        if keypath.count >= 3, ["columns", "dimensions", "measures", "entities"].contains(keypath[0]),
            ["tests", "data_tests", "description"].contains(keypath[2])
        {
            return true
        }
        return false
    }
}

extension ConfigExpression {
    /// A YAML string as dbt renders it (`get_rendered(value, native=True)`): text without Jinja is
    /// itself; one `{{ expression }}` alone is its native value; text mixing both is a string.
    /// Nil when a part cannot be rendered here (a `{% %}` statement, an unknown call).
    static func renderTemplate(_ text: String, in context: RenderContext) -> Value? {
        guard text.contains("{{") || text.contains("{%") || text.contains("{#") else { return .string(text) }
        if text.contains("{%") || text.contains("{#") { return nil }
        var parts: [Value] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.string(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else { return nil }
            var inner = rest[open.upperBound..<close.lowerBound]
            if inner.hasPrefix("-") { inner = inner.dropFirst() }
            if inner.hasSuffix("-") { inner = inner.dropLast() }
            guard let value = evaluate(String(inner), in: context) else { return nil }
            parts.append(value)
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.string(String(rest))) }
        if parts.count == 1 { return parts[0] }
        return .string(
            parts.map { part -> String in
                switch part {
                case .null: return "None"
                case .bool(let b): return b ? "True" : "False"
                default: return part.scalarText ?? String(describing: part)
                }
            }.joined())
    }
}

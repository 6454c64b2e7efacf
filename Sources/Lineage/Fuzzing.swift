import Foundation

/// What the libFuzzer targets in `Fuzz/` (`make fuzz`) run on one input, so that a fuzz target and
/// the unit test that replays its regressions go through the same code.
///
/// Not API: `@_spi(Fuzzing)` keeps these out of the module's public interface; they exist because
/// the readers they drive (the cache decoders, the config evaluator) are internal. Each function
/// takes any bytes, never traps on them by design, and returns a small figure only so that the
/// work cannot be optimised away.
@_spi(Fuzzing) public enum FuzzEntryPoints {
    /// The Jinja/SQL and Python reference scanners, on the raw bytes and through `ParsedFile`.
    public static func template(_ bytes: [UInt8]) -> Int {
        let jinja = TemplateScanner.scanTemplate(bytes)
        let python = TemplateScanner.scanPython(bytes)
        var total = jinja.scan.refs.count + jinja.blocks.count + python.refs.count
        for kind in [ParsedFile.Kind.template, .python] {
            if case .template(let result) = ParsedFile.parse(bytes, as: kind) { total += result.blocks.count }
        }
        return total
    }

    /// The YAML readers (the block reader, then the libyaml composer), then dbt's rendering of
    /// the document's strings and of the whole input as one `config()` expression.
    public static func yaml(_ bytes: [UInt8]) -> Int {
        let context = makeContext()
        var total = 0
        if case .yaml(let document) = ParsedFile.parse(bytes, as: .yaml) {
            total += walk(ConfigExpression.renderProperties(document, in: context))
            var budget = 64
            renderStrings(document, context, budget: &budget, total: &total)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let value = ConfigExpression.evaluate(text, in: context) { total += walk(value) }
        if let value = ConfigExpression.renderTemplate(text, in: context) { total += walk(value) }
        return total
    }

    /// The manifest JSON scanner on a whole value, then the manifest reader.
    public static func manifest(_ bytes: [UInt8]) -> Int {
        var total = bytes.withUnsafeBufferPointer { buffer -> Int in
            var scanner = JSONScanner(buffer)
            return (try? scanner.value()).map(walk) ?? 0
        }
        if let project = try? ManifestReader.read(data: Data(bytes), file: "manifest.json") {
            total += project.nodes.count + project.macros.count + project.children.count
            for node in project.nodes.values { total += walk(node.details.config) + node.details.columns.count }
        }
        return total
    }

    /// The parse-cache and project-cache decoders (whole and through the lookup section), on
    /// `body` with a valid checksum trailer appended (a mutated input must reach past the
    /// checksum to test anything), expecting the version or key that its own header names. Every
    /// node's lazily decoded details are read.
    public static func cache(_ body: [UInt8]) -> Int {
        var sealed = body
        CacheCoding.seal(&sealed)
        var total = 0
        if let version = headerString(body, after: CacheCoding.magic),
            let entries = CacheCoding.decode(sealed, version: version)
        {
            total += entries.count
        }
        if let key = headerString(body, after: ProjectCoding.magic),
            let project = ProjectCoding.decode(sealed, key: key)
        {
            total += project.macros.count + project.docs.count + project.unresolved.count
            for node in project.nodes.values {
                let details = node.details
                total += walk(details.config) + details.columns.count + details.tests.count
            }
        }
        // The lookup section (its own page checksums: a mutation mostly stops there, the trailer
        // and header checks are what it reaches), read through every table it opens.
        if let key = headerString(body, after: ProjectCoding.magic),
            let lookup = ProjectLookup(storage: ByteStorage(copying: sealed), key: key), let project = lookup.project()
        {
            total += project.macros.count
            for position in 0..<min(lookup.nodeCount, 10_000) {
                guard let node = lookup.node(at: position) else { break }
                total += lookup.children(at: position).count + lookup.positions(node.name).count
                total += lookup.positions(node.path, byPath: true).count + (lookup.position(of: node.uniqueID) ?? 0)
            }
        }
        return total
    }

    /// The length-prefixed string right after `magic`, when `bytes` starts with it.
    static func headerString(_ bytes: [UInt8], after magic: [UInt8]) -> String? {
        guard bytes.starts(with: magic) else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            var reader = CacheCoding.Reader(buffer: buffer, offset: magic.count)
            return reader.string()
        }
    }

    /// A context with a few vars, an environment and a target, so the evaluator's lookups succeed.
    /// Made per input, not kept in a global: a global would hold `Value` boxes that LeakSanitizer
    /// cannot see through (Swift keeps enum tags in a pointer's spare bits) and reports as leaks.
    static func makeContext() -> RenderContext {
        RenderContext(
            variable: { name in
                switch name {
                case "flag": .bool(true)
                case "count": .int(3)
                case "schema": .string("analytics")
                case "list": .list([.int(1), .string("a")])
                case "map": .map([("key", .string("value"))])
                default: nil
                }
            },
            environment: ["DBT_TARGET": "dev", "EMPTY": ""],
            target: ["name": .string("dev"), "type": .string("duckdb"), "schema": .string("main"), "threads": .int(4)]
        )
    }

    /// Renders up to `budget` strings of `value` as YAML values and as bare expressions.
    static func renderStrings(_ value: Value, _ context: RenderContext, budget: inout Int, total: inout Int) {
        guard budget > 0 else { return }
        switch value {
        case .string(let text):
            budget -= 1
            if let rendered = ConfigExpression.renderTemplate(text, in: context) { total += walk(rendered) }
            if let evaluated = ConfigExpression.evaluate(text, in: context) { total += walk(evaluated) }
        case .list(let items):
            for item in items { renderStrings(item, context, budget: &budget, total: &total) }
        case .map(let pairs):
            for pair in pairs {
                renderStrings(.string(pair.key), context, budget: &budget, total: &total)
                renderStrings(pair.value, context, budget: &budget, total: &total)
            }
        default:
            break
        }
    }

    /// Counts the scalars of `value` (reads every part of it).
    static func walk(_ value: Value) -> Int {
        switch value {
        case .list(let items): items.reduce(0) { $0 + walk($1) }
        case .map(let pairs): pairs.reduce(0) { $0 + walk($1.value) + $1.key.utf8.count }
        case .string(let s): s.utf8.count
        default: 1
        }
    }
}

import Foundation

/// What a `config()` argument may read while dbt parses a model: the project's vars, the
/// environment, and the target of the profile.
public struct RenderContext: Sendable {
    /// The value of `var(name)`, or nil when the project does not set it.
    public var variable: @Sendable (String) -> Value?
    /// Environment variables, as the process sees them (dbt reads them at parse time too); nil
    /// when they must not be read (an answer kept in a cache keyed by the tree cannot depend
    /// on them), which leaves `env_var()` unrendered.
    public var environment: [String: String]?
    /// `target.*` attributes (`name`, `type`, `schema`, `database` …) when the profile is known.
    public var target: [String: Value]

    /// Creates a context.
    public init(variable: @escaping @Sendable (String) -> Value?, environment: [String: String]?, target: [String: Value]) {
        self.variable = variable
        self.environment = environment
        self.target = target
    }
    /// Nothing known: only literals render.
    static let literalsOnly = RenderContext(variable: { _ in nil }, environment: nil, target: [:])
}

/// Evaluates the Jinja expressions dbt renders in `config()` arguments (dbt keeps the rendered
/// value of a config call in `unrendered_config`, unless `state_modified_compare_more_unrendered_values`
/// is on): literals, `var()`, `env_var()`, `target.*`, `~` and `+`, comparisons, `and`/`or`/`not`,
/// `x if c else y`, and a few filters. Anything else is not rendered: the caller keeps the text.
enum ConfigExpression {
    /// Attributes every dbt target has, whose values come from the profile (not read here).
    static let profileAttributes: Set<String> = [
        "name", "database", "schema", "profile_name", "threads", "user",
        "dbname", "project", "dataset", "catalog", "warehouse", "role", "account",
    ]

    /// Python's truthiness of a rendered value.
    static func isTruthy(_ value: Value) -> Bool {
        switch value {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.isEmpty
        case .map(let m): return !m.isEmpty
        }
    }

    /// Nesting beyond this is not rendered (the text is kept): the evaluator recurses.
    static let depthLimit = 64

    /// The rendered value of `text`, or nil when it reads something that cannot be known here.
    static func evaluate(_ text: String, in context: RenderContext) -> Value? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> Value? in
            let tokens = Tokenizer.tokens(buffer, from: 0, to: buffer.count, python: false)
            var parser = Parser(buffer: buffer, tokens: tokens, context: context)
            guard let value = parser.expression(depth: 0), parser.position == tokens.count else { return nil }
            return value
        }
    }

    private struct Parser {
        let buffer: UnsafeBufferPointer<UInt8>
        let tokens: [Token]
        let context: RenderContext
        var position = 0

        func text(_ t: Token) -> String { TemplateScanner.text(buffer, t) }

        var current: Token? { position < tokens.count ? tokens[position] : nil }

        func isWord(_ word: String) -> Bool {
            guard let t = current, t.kind == .identifier else { return false }
            return text(t) == word
        }

        func isPunct(_ c: Character) -> Bool {
            guard let t = current, case .punctuation(let byte) = t.kind else { return false }
            return Character(Unicode.Scalar(byte)) == c
        }

        func isOperator(_ op: String) -> Bool {
            guard let t = current else { return false }
            if t.kind == .operatorText { return text(t) == op }
            if case .punctuation = t.kind, op.count == 1 { return text(t) == op }
            return false
        }

        mutating func expression(depth: Int) -> Value? {
            guard depth < ConfigExpression.depthLimit else { return nil }
            guard let value = or(depth) else { return nil }
            if isWord("if") {
                position += 1
                guard let condition = or(depth) else { return nil }
                var otherwise: Value = .null
                if isWord("else") {
                    position += 1
                    guard let other = expression(depth: depth + 1) else { return nil }
                    otherwise = other
                }
                guard let truth = known(condition) else { return nil }
                return truth ? value : otherwise
            }
            return value
        }

        mutating func or(_ depth: Int) -> Value? {
            guard var left = and(depth) else { return nil }
            while isWord("or") {
                position += 1
                guard let right = and(depth) else { return nil }
                guard let truth = known(left) else { return nil }
                left = truth ? left : right
            }
            return left
        }

        mutating func and(_ depth: Int) -> Value? {
            guard var left = not(depth) else { return nil }
            while isWord("and") {
                position += 1
                guard let right = not(depth) else { return nil }
                guard let truth = known(left) else { return nil }
                left = truth ? right : left
            }
            return left
        }

        mutating func not(_ depth: Int) -> Value? {
            if isWord("not") {
                position += 1
                guard let value = not(depth + 1), let truth = known(value) else { return nil }
                return .bool(!truth)
            }
            return comparison(depth)
        }

        mutating func comparison(_ depth: Int) -> Value? {
            guard let left = concatenation(depth) else { return nil }
            for op in ["==", "!=", "<=", ">=", "<", ">"] where isOperator(op) {
                position += 1
                guard let right = concatenation(depth), !Self.isOpaque(left), !Self.isOpaque(right) else { return nil }
                switch op {
                case "==": return .bool(left == right)
                case "!=": return .bool(left != right)
                default:
                    guard let a = number(left), let b = number(right) else { return nil }
                    switch op {
                    case "<=": return .bool(a <= b)
                    case ">=": return .bool(a >= b)
                    case "<": return .bool(a < b)
                    default: return .bool(a > b)
                    }
                }
            }
            var negated = false
            if isWord("not"), position + 1 < tokens.count, tokens[position + 1].kind == .identifier, text(tokens[position + 1]) == "in" {
                negated = true
                position += 1
            }
            if isWord("in") {
                position += 1
                guard let right = concatenation(depth), !Self.isOpaque(left), !Self.isOpaque(right) else { return nil }
                let found: Bool
                switch right {
                case .list(let items): found = items.contains(left)
                case .string(let s): found = left.string.map { s.contains($0) } ?? false
                case .map(let pairs): found = left.scalarText.map { key in pairs.contains { $0.key == key } } ?? false
                default: return nil
                }
                return .bool(negated ? !found : found)
            }
            return negated ? nil : left
        }

        mutating func concatenation(_ depth: Int) -> Value? {
            guard var left = sum(depth) else { return nil }
            while isPunct("~") {
                position += 1
                guard let right = sum(depth) else { return nil }
                left = .string(display(left) + display(right))
            }
            return left
        }

        mutating func sum(_ depth: Int) -> Value? {
            guard var left = postfix(depth) else { return nil }
            while isPunct("+") || isPunct("-") {
                let plus = isPunct("+")
                position += 1
                guard let right = postfix(depth) else { return nil }
                switch (left, right) {
                case (.string(let a), .string(let b)) where plus: left = .string(a + b)
                case (.list(let a), .list(let b)) where plus: left = .list(a + b)
                case (.int(let a), .int(let b)):
                    // Python's ints have no bound: a sum past 64 bits is not rendered here.
                    let (result, overflow) = plus ? a.addingReportingOverflow(b) : a.subtractingReportingOverflow(b)
                    guard !overflow else { return nil }
                    left = .int(result)
                default:
                    guard let a = number(left), let b = number(right) else { return nil }
                    left = .double(plus ? a + b : a - b)
                }
            }
            return left
        }

        mutating func postfix(_ depth: Int) -> Value? {
            guard var value = primary(depth) else { return nil }
            while isPunct("|") {
                position += 1
                guard let t = current, t.kind == .identifier else { return nil }
                position += 1
                let filter = text(t)
                if filter == "default", isPunct("(") {
                    // Jinja's default() replaces an undefined value only: a value known here
                    // (a target attribute included) stays.
                    position += 1
                    while !isPunct(")") {
                        guard current != nil, expression(depth: depth + 1) != nil else { return nil }
                        if isPunct(",") { position += 1 } else if !isPunct(")") { return nil }
                    }
                    position += 1
                    continue
                }
                if isPunct("(") { return nil } // other filters with arguments are not rendered
                if Self.isOpaque(value), !["string", "as_text", "as_native"].contains(filter) { return nil }
                guard let filtered = apply(filter, to: value) else { return nil }
                value = filtered
            }
            return value
        }

        func apply(_ filter: String, to value: Value) -> Value? {
            switch filter {
            case "lower": return value.string.map { .string($0.lowercased()) }
            case "upper": return value.string.map { .string($0.uppercased()) }
            case "trim": return value.string.map { .string($0.trimmingCharacters(in: .whitespaces)) }
            case "string": return .string(display(value))
            case "as_bool":
                if case .bool = value { return value }
                if let s = value.string?.lowercased() { return s == "true" ? .bool(true) : s == "false" ? .bool(false) : value }
                return value
            case "int":
                if case .int = value { return value }
                // A float past 64 bits (or inf, nan) is not rendered here: Int(_:) would trap.
                if let s = value.scalarText { return Int(s).map(Value.int) ?? Int(exactly: (Double(s) ?? 0).rounded(.towardZero)).map(Value.int) }
                return nil
            case "as_number":
                if let s = value.string { return Int(s).map(Value.int) ?? Double(s).map(Value.double) ?? value }
                return value
            case "as_text": return .string(display(value))
            case "as_native": return value
            default: return nil
            }
        }

        mutating func primary(_ depth: Int) -> Value? {
            guard let t = current else { return nil }
            switch t.kind {
            case .string:
                var value = ""
                while let s = current, s.kind == .string {
                    value += unquote(s)
                    position += 1
                }
                return .string(value)
            case .number:
                position += 1
                let s = text(t)
                if let i = Int(s) { return .int(i) }
                return Double(s).map(Value.double)
            case .punctuation(let c):
                if c == UInt8(ascii: "(") {
                    position += 1
                    guard let inner = expression(depth: depth + 1), isPunct(")") else { return nil }
                    position += 1
                    return inner
                }
                if c == UInt8(ascii: "-") {
                    position += 1
                    guard let inner = primary(depth + 1) else { return nil }
                    if case .int(let i) = inner { return i == .min ? nil : .int(-i) }
                    if case .double(let d) = inner { return .double(-d) }
                    return nil
                }
                if c == UInt8(ascii: "[") {
                    position += 1
                    var items: [Value] = []
                    while !isPunct("]") {
                        guard current != nil, let item = expression(depth: depth + 1) else { return nil }
                        items.append(item)
                        if isPunct(",") { position += 1 } else if !isPunct("]") { return nil }
                    }
                    position += 1
                    return .list(items)
                }
                if c == UInt8(ascii: "{") {
                    position += 1
                    var pairs: [(key: String, value: Value)] = []
                    while !isPunct("}") {
                        guard current != nil, let key = expression(depth: depth + 1)?.scalarText, isPunct(":") else { return nil }
                        position += 1
                        guard let value = expression(depth: depth + 1) else { return nil }
                        pairs.append((key, value))
                        if isPunct(",") { position += 1 } else if !isPunct("}") { return nil }
                    }
                    position += 1
                    return .map(pairs)
                }
                return nil
            case .identifier:
                return name(depth)
            case .operatorText:
                return nil
            }
        }

        mutating func name(_ depth: Int) -> Value? {
            guard let t = current else { return nil }
            let word = text(t)
            position += 1
            switch word {
            case "true", "True": return .bool(true)
            case "false", "False": return .bool(false)
            case "none", "None": return .null
            case "target":
                guard isPunct("."), position + 1 < tokens.count, tokens[position + 1].kind == .identifier else { return nil }
                let attribute = text(tokens[position + 1])
                position += 2
                if let known = context.target[attribute] { return known }
                // An attribute of the profile's target that is not known here (its database,
                // schema, name …) is the same on both sides of a comparison: it stands for
                // itself, and anything that would look inside it is not rendered.
                return ConfigExpression.profileAttributes.contains(attribute) ? .string("{{ target.\(attribute) }}") : nil
            case "var", "env_var":
                guard isPunct("(") else { return nil }
                position += 1
                var arguments: [Value] = []
                while !isPunct(")") {
                    guard current != nil, let argument = expression(depth: depth + 1) else { return nil }
                    arguments.append(argument)
                    if isPunct(",") { position += 1 } else if !isPunct(")") { return nil }
                }
                position += 1
                guard let key = arguments.first?.string else { return nil }
                if word == "var" {
                    return context.variable(key) ?? (arguments.count > 1 ? arguments[1] : nil)
                }
                guard let environment = context.environment else { return nil }
                if let value = environment[key] { return .string(value) }
                return arguments.count > 1 ? arguments[1] : nil
            default:
                return nil
            }
        }

        /// Truthiness, or nil for a value that stands for an unknown target attribute.
        func known(_ value: Value) -> Bool? {
            Self.isOpaque(value) ? nil : truthy(value)
        }

        /// Whether a value holds an unknown target attribute (`{{ target.schema }}_raw`).
        static func isOpaque(_ value: Value) -> Bool {
            value.string?.contains("{{ target.") ?? false
        }

        func truthy(_ value: Value) -> Bool {
            ConfigExpression.isTruthy(value)
        }

        func number(_ value: Value) -> Double? {
            switch value {
            case .int(let i): return Double(i)
            case .double(let d): return d
            default: return nil
            }
        }

        /// How Jinja prints a value inside `~`.
        func display(_ value: Value) -> String {
            switch value {
            case .null: return "None"
            case .bool(let b): return b ? "True" : "False"
            default: return value.scalarText ?? String(describing: value)
            }
        }

        func unquote(_ t: Token) -> String { TemplateScanner.unquote(buffer, t) }
    }
}

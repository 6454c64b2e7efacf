/// Follows the one dynamic-ref pattern dbt's documentation recommends and real projects use:
/// a list of model names built from literals, then `ref()` of each in a loop —
///
///     {% set names = ['a'] %}
///     {% if var('claims_enabled', false) %}{% do names.extend(['b', 'c']) %}{% endif %}
///     {% for name in names %}-- depends_on: {{ ref(name) }}{% endfor %}
///
/// Each name becomes a ref with the `if` conditions around the statement that added it (and
/// around the loop); the loader renders those with the project's vars and keeps a ref whose
/// conditions are not false. Anything else (a list from a macro, a computed name) stays an
/// unresolved ref, as before.
struct LoopRefTracker {
    /// Bounds that keep a hostile template linear: a list of more names, or one built or looped
    /// over under more nested `if`s, is no longer followed (its refs stay unresolved), and a scan
    /// holds at most `refLimit` refs of loops.
    static let nameLimit = 256
    static let conditionDepthLimit = 16
    static let refLimit = 2_048

    /// A name added to a list, with the conditions it was added under.
    private struct Item {
        var name: String
        var conditions: [String]
    }

    /// Lists built from literals so far, by variable; nil marks a list that stopped being known.
    private var lists: [String: [Item]?] = [:]
    /// The conditions of the enclosing `if` blocks (an `else` or `elif` branch is unknown: "").
    private var conditions: [String] = []
    /// Open `for` loops over known lists: loop variable and the items it takes.
    private var loops: [(variable: String, items: [Item]?)] = []

    /// Reads one `{% ... %}` statement.
    mutating func statement(_ buffer: UnsafeBufferPointer<UInt8>, _ tokens: [Token]) {
        guard let first = tokens.first, first.kind == .identifier else { return }
        let keyword = TemplateScanner.text(buffer, first)
        func source(from index: Int) -> String {
            guard index < tokens.count else { return "" }
            return TemplateScanner.string(buffer, tokens[index].start, tokens[tokens.count - 1].end)
        }
        func word(_ index: Int) -> String? {
            index < tokens.count && tokens[index].kind == .identifier ? TemplateScanner.text(buffer, tokens[index]) : nil
        }
        func isPunct(_ index: Int, _ c: Character) -> Bool {
            guard index < tokens.count, case .punctuation(let byte) = tokens[index].kind else { return false }
            return Character(Unicode.Scalar(byte)) == c
        }
        switch keyword {
        case "if":
            conditions.append(source(from: 1))
        case "elif", "else":
            if !conditions.isEmpty { conditions[conditions.count - 1] = "" }
        case "endif":
            _ = conditions.popLast()
        case "set":
            // `{% set name = [...] %}`; a block set (`{% set name %}`) or anything else forgets it.
            guard let name = word(1) else { return }
            let text = source(from: 3)
            if isPunct(2, "="), !text.contains("("), case .list(let values)? = ConfigExpression.evaluate(text, in: .literalsOnly),
                let names = Self.strings(values)
            {
                lists[name] = .some(bounded(names.map { Item(name: $0, conditions: conditions) }))
            } else {
                lists[name] = .some(nil)
            }
        case "do":
            // `{% do name.extend([...]) %}` / `{% do name.append('...') %}`
            guard let name = word(1), isPunct(2, "."), let method = word(3), isPunct(4, "("), tokens.count > 6,
                let known = lists[name]
            else { return }
            let argument = TemplateScanner.string(buffer, tokens[5].start, tokens[tokens.count - 2].end)
            let value = argument.contains("(") ? nil : ConfigExpression.evaluate(argument, in: .literalsOnly)
            var added: [String]?
            switch (method, value) {
            case ("extend", .list(let values)?): added = Self.strings(values)
            case ("append", .string(let s)?): added = [s]
            default: added = nil
            }
            if let items = known, let added {
                lists[name] = .some(bounded(items + added.map { Item(name: $0, conditions: conditions) }))
            } else {
                lists[name] = .some(nil)
            }
        case "for":
            // `{% for variable in name %}`
            guard let variable = word(1), word(2) == "in", let list = word(3), tokens.count == 4 else {
                loops.append(("", nil))
                return
            }
            let items = (lists[list] ?? nil).flatMap { items in
                bounded(items.map { Item(name: $0.name, conditions: conditions + $0.conditions) })
            }
            loops.append((variable, items))
        case "endfor":
            _ = loops.popLast()
        default:
            return
        }
    }

    /// The refs `ref(variable)` stands for inside the innermost loop over `variable`, or nil
    /// when no loop over a known list binds it.
    func refs(of variable: String) -> [ReferenceScan.ConditionalRef]? {
        guard let loop = loops.last(where: { $0.variable == variable }), let items = loop.items else { return nil }
        // An `else`/`elif` branch's condition is not kept: the ref counts unless another is false.
        return items.map { ReferenceScan.ConditionalRef(name: $0.name, conditions: $0.conditions.filter { !$0.isEmpty }) }
    }

    /// `items`, or nil (no longer followed) past the bounds.
    private func bounded(_ items: [Item]) -> [Item]? {
        guard items.count <= Self.nameLimit, conditions.count <= Self.conditionDepthLimit,
            items.allSatisfy({ $0.conditions.count <= 2 * Self.conditionDepthLimit })
        else { return nil }
        return items
    }

    private static func strings(_ values: [Value]) -> [String]? {
        let names = values.compactMap(\.string)
        return names.count == values.count ? names : nil
    }
}

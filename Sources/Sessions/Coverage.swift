import Foundation

/// What a name in a context decision covers: a node by name, unique id or path, or — as the
/// author means it — a macro (the models that call it), a folder, a glob (`stg_opendental__*`),
/// a tag or a dbt-style selector (`path:models/staging`, `tag:finance`, `stg_x+`, `+stg_x`).
public enum Coverage {
    /// Whether `name`, as a decision writes it, covers `node`.
    public static func covers(_ name: String, _ node: ModifiedNode) -> Bool {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return false }
        if node.aliases.contains(name) { return true }
        let lower = name.lowercased()
        if lower.hasPrefix("tag:") { return node.tags.contains(String(name.dropFirst(4))) }
        if lower.hasPrefix("path:") { return inFolder(String(name.dropFirst(5)), node) }
        if lower.hasPrefix("macro:") { return callsMacro(String(name.dropFirst(6)), node) }
        // Graph operators: `a+` covers a and what lies below it, `+a` a and what lies above,
        // with an optional depth (`a+2`, `2+a`) read as unbounded: a session accounts for what it
        // touched, not for how far a rebuild reaches.
        var core = Substring(name)
        var downstream = false
        var upstream = false
        if let plus = core.lastIndex(of: "+"), core[core.index(after: plus)...].allSatisfy(\.isNumber), plus != core.startIndex {
            core = core[..<plus]
            downstream = true
        }
        if let plus = core.firstIndex(of: "+"), core[..<plus].allSatisfy(\.isNumber), plus != core.index(before: core.endIndex) {
            core = core[core.index(after: plus)...]
            upstream = true
        }
        if downstream || upstream {
            let target = String(core)
            if matchesItself(target, node) { return true }
            if downstream, node.ancestors.contains(where: { glob(target, $0) }) { return true }
            if upstream, node.descendants.contains(where: { glob(target, $0) }) { return true }
            return false
        }
        return matchesItself(name, node) || callsMacro(name, node)
    }

    /// The node itself: its name by glob, or a folder or path glob.
    static func matchesItself(_ name: String, _ node: ModifiedNode) -> Bool {
        if node.aliases.contains(name) { return true }
        if name.contains("/") { return inFolder(name, node) }
        if name.contains("*") || name.contains("?") { return glob(name, node.name) }
        return false
    }

    static func inFolder(_ pattern: String, _ node: ModifiedNode) -> Bool {
        let glob = PathGlob(pattern)
        return glob.matches(node.path) || node.projectPath.map(glob.matches) == true
    }

    static func callsMacro(_ name: String, _ node: ModifiedNode) -> Bool {
        // `cents`, `cents()` or `macro.shop.cents`.
        var bare = Substring(name)
        if bare.hasSuffix("()") { bare = bare.dropLast(2) }
        if bare.hasPrefix("macro."), let last = bare.split(separator: ".").last { bare = last }
        return node.macros.contains(String(bare))
    }

    /// A name glob: `*` any run of characters, `?` one.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        if !pattern.contains("*") && !pattern.contains("?") { return pattern == text }
        let p = Array(pattern)
        let t = Array(text)
        var (i, j) = (0, 0)
        var star: Int? = nil
        var mark = 0
        while j < t.count {
            if i < p.count, p[i] == "?" || p[i] == t[j] {
                i += 1
                j += 1
            } else if i < p.count, p[i] == "*" {
                star = i
                mark = j
                i += 1
            } else if let s = star {
                i = s + 1
                mark += 1
                j = mark
            } else {
                return false
            }
        }
        while i < p.count, p[i] == "*" { i += 1 }
        return i == p.count
    }
}

extension ContextDecisions {
    /// Whether some decision (or one of `elsewhere`'s names) covers the node.
    /// Whether the author's decisions (here, or `elsewhere`: names other sessions give) cover
    /// the node. What `rationale context --write` recorded of its pack does not: it says what the
    /// agent was shown, not why.
    public func covers(_ node: ModifiedNode, elsewhere: Set<String> = []) -> Bool {
        authorDecisions.contains { $0.names.contains { Coverage.covers($0, node) } } || elsewhere.contains { Coverage.covers($0, node) }
    }

    /// Whether only the pack's record names the node.
    public func coveredByToolOnly(_ node: ModifiedNode) -> Bool {
        toolDecisions.contains { $0.names.contains { Coverage.covers($0, node) } }
    }

    /// Each name the decisions give that covers more than itself — a macro, folder, glob, tag or
    /// selector — with how many of `nodes` it covers, in file order.
    public func broadNames(covering nodes: [ModifiedNode]) -> [(name: String, covers: Int)] {
        var seen = Set<String>()
        var result: [(String, Int)] = []
        for decision in authorDecisions {
            for name in decision.names where seen.insert(name).inserted {
                let exact = nodes.filter { $0.aliases.contains(name) }.count
                let count = nodes.filter { Coverage.covers(name, $0) }.count
                if count > exact { result.append((name, count)) }
            }
        }
        return result
    }
}

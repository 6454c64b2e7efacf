import Sessions

/// A node as a context pack shows it.
public struct PackNode: Sendable, Hashable {
    /// How the node relates to the change.
    public enum Relation: String, Sendable, Hashable {
        case modified, expanded, parent, child, farther
    }

    public var name: String
    public var uniqueID: String
    public var type: String
    public var layer: String
    public var path: String
    public var materialized: String?
    public var description: String
    /// Columns as (name, description, data type).
    public var columns: [(name: String, description: String, type: String?)]
    /// Test names.
    public var tests: [String]
    /// Why it is modified (`body: raw code differs`), for modified nodes.
    public var reasons: [String]
    /// The file's text, for nodes shown in full.
    public var code: String?
    /// Config keys worth showing (`materialized: incremental`), in order.
    public var config: [String]
    public var relation: Relation
    /// Edges from the nearest modified node.
    public var distance: Int

    public init(
        name: String, uniqueID: String, type: String, layer: String, path: String, materialized: String?, description: String,
        columns: [(name: String, description: String, type: String?)], tests: [String], reasons: [String], code: String?,
        config: [String], relation: Relation, distance: Int
    ) {
        self.name = name
        self.uniqueID = uniqueID
        self.type = type
        self.layer = layer
        self.path = path
        self.materialized = materialized
        self.description = description
        self.columns = columns
        self.tests = tests
        self.reasons = reasons
        self.code = code
        self.config = config
        self.relation = relation
        self.distance = distance
    }

    public static func == (a: PackNode, b: PackNode) -> Bool { a.uniqueID == b.uniqueID && a.relation == b.relation }
    public func hash(into hasher: inout Hasher) { hasher.combine(uniqueID) }
}

/// A changed file that is no dbt node (the fallback outside dbt).
public struct PackFile: Sendable, Hashable {
    public var path: String
    /// The unified diff.
    public var diff: String
    /// The whole new content, when it is text.
    public var content: String?

    public init(path: String, diff: String, content: String?) {
        self.path = path
        self.diff = diff
        self.content = content
    }
}

/// One context decision: what was loaded or excluded, and why.
public struct PackDecision: Sendable, Hashable, Encodable {
    public var verdict: String
    /// Names (for large groups, the first ones; `count` says how many in all).
    public var names: [String]
    public var count: Int
    public var reason: String

    /// The decision as the session protocol writes it (`- loaded: a, b — why`).
    public var line: String {
        let shown = names.joined(separator: ", ")
        let more = count > names.count ? "\(names.isEmpty ? "" : ", ")and \(count - names.count) more" : ""
        return "- \(verdict): \(shown)\(more) — \(reason)"
    }
}

/// The pack: Markdown an agent reads first, within the budget, with its decisions.
public struct ContextPack: Sendable {
    public var markdown: String
    /// The tokens the pack states it uses: never fewer than its text's estimate.
    public var tokens: Int
    public var budget: Int
    public var decisions: [PackDecision]
}

/// Why no pack could be made.
public enum ContextPackError: Error, Equatable {
    /// Even the modified nodes (and their files) do not fit.
    case modifiedDoNotFit(needed: Int, budget: Int, nodes: [String])
}

/// Builds packs that never exceed their budget: modified nodes in full first, then direct
/// parents and children summarised, then farther nodes by name, nearest first.
public enum ContextPackBuilder {
    /// What to pack.
    public struct Input: Sendable {
        /// What was compared (`staged changes against HEAD`).
        public var scope: String
        public var budget: Int
        /// Modified and expanded nodes, shown in full.
        public var full: [PackNode]
        /// Direct parents and children, summarised.
        public var neighbours: [PackNode]
        /// Farther nodes, nearest first, by name.
        public var farther: [PackNode]
        /// Changed files that are no dbt node.
        public var files: [PackFile]
        /// Macros left out because they are dbt's own or a package's.
        public var foreignMacros: [String]

        public init(
            scope: String, budget: Int, full: [PackNode], neighbours: [PackNode], farther: [PackNode],
            files: [PackFile] = [], foreignMacros: [String] = []
        ) {
            self.scope = scope
            self.budget = budget
            self.full = full
            self.neighbours = neighbours
            self.farther = farther
            self.files = files
            self.foreignMacros = foreignMacros
        }
    }

    /// The most names a decision lists before counting the rest.
    static let namesPerDecision = 12

    public static func build(_ input: Input) throws -> ContextPack {
        // Files: diffs first (they must fit), then whole files while they fit.
        let base = render(input, neighbours: 0, farther: 0, wholeFiles: 0)
        guard base.tokens <= input.budget else {
            throw ContextPackError.modifiedDoNotFit(needed: base.tokens, budget: input.budget, nodes: input.full.map(\.name) + input.files.map(\.path))
        }
        let neighbours = largest(upTo: input.neighbours.count) { render(input, neighbours: $0, farther: 0, wholeFiles: 0).tokens <= input.budget }
        let wholeFiles = largest(upTo: input.files.filter { $0.content != nil }.count) {
            render(input, neighbours: neighbours, farther: 0, wholeFiles: $0).tokens <= input.budget
        }
        let farther = largest(upTo: input.farther.count) {
            render(input, neighbours: neighbours, farther: $0, wholeFiles: wholeFiles).tokens <= input.budget
        }
        var pack = render(input, neighbours: neighbours, farther: farther, wholeFiles: wholeFiles)
        // Sizes are nearly but not strictly monotonic (an item moves between the loaded and
        // excluded lines): step back until it fits.
        var (n, f) = (neighbours, farther)
        while pack.tokens > input.budget, n + f > 0 {
            if f > 0 { f -= 1 } else { n -= 1 }
            pack = render(input, neighbours: n, farther: f, wholeFiles: wholeFiles)
        }
        return pack
    }

    /// The largest `k` in 0...limit for which `fits(k)` holds, assuming it holds for 0 and is
    /// monotonic.
    static func largest(upTo limit: Int, _ fits: (Int) -> Bool) -> Int {
        var low = 0
        var high = limit
        while low < high {
            let middle = (low + high + 1) / 2
            if fits(middle) { low = middle } else { high = middle - 1 }
        }
        return low
    }

    static func render(_ input: Input, neighbours: Int, farther: Int, wholeFiles: Int) -> ContextPack {
        var lines: [String] = [
            "# Context pack",
            "",
            "What this is: the slice of a dbt project an agent needs for one change (\(input.scope)), chosen by `rationale context` within \(input.budget) tokens. Modified nodes come in full, their direct parents and children as summaries, farther nodes by name only. Ask for more rather than guessing: `rationale context --expand NAME` widens one branch.",
        ]
        var decisions: [PackDecision] = []
        func decide(_ verdict: String, _ names: [String], _ reason: String) {
            guard !names.isEmpty else { return }
            decisions.append(PackDecision(verdict: verdict, names: Array(names.prefix(namesPerDecision)), count: names.count, reason: reason))
        }

        let modified = input.full.filter { $0.relation == .modified }
        let expanded = input.full.filter { $0.relation == .expanded }
        if !input.full.isEmpty {
            lines += ["", "## Modified\(expanded.isEmpty ? "" : " and expanded")"]
            for node in input.full { lines += fullSection(node) }
        }
        decide("loaded", modified.map(\.name), "modified by the change: SQL, config, columns and test names in full")
        decide("loaded", expanded.map(\.name), "expanded on request (--expand): in full")

        let shownNeighbours = Array(input.neighbours.prefix(neighbours))
        if !shownNeighbours.isEmpty {
            lines += ["", "## Direct parents and children"]
            for node in shownNeighbours { lines.append(summaryLine(node)) }
        }
        decide("loaded", shownNeighbours.map(\.name), "direct parents and children: summarised (materialisation, description, columns, tests)")
        decide(
            "excluded", input.neighbours.dropFirst(neighbours).map(\.name), "direct neighbours beyond the budget: raise --budget or --expand the one you need")

        let shownFarther = Array(input.farther.prefix(farther))
        if !shownFarther.isEmpty {
            lines += ["", "## Farther downstream and upstream (by name, nearest first)"]
            lines.append(shownFarther.map { "`\($0.name)` (\($0.distance))" }.joined(separator: ", "))
        }
        decide("loaded", shownFarther.map(\.name), "farther nodes: names only")
        decide(
            "excluded", input.farther.dropFirst(farther).map(\.name), "farther than the budget reaches (nearest kept first); `rationale impact` lists them all")

        if !input.files.isEmpty {
            lines += ["", "## Changed files"]
            for file in input.files {
                lines += ["", "### \(file.path)", "", "```diff", file.diff.trimmingCharacters(in: .newlines), "```"]
            }
            let whole = input.files.filter { $0.content != nil }
            for file in whole.prefix(wholeFiles) {
                lines += ["", "### \(file.path) (whole file)", "", "```", (file.content ?? "").trimmingCharacters(in: .newlines), "```"]
            }
            decide("loaded", input.files.map(\.path), "changed files: their diffs")
            decide("loaded", whole.prefix(wholeFiles).map(\.path), "changed files: whole, within the budget")
            decide("excluded", whole.dropFirst(wholeFiles).map(\.path), "whole files beyond the budget (their diffs are above)")
        }
        let tested = (input.full + shownNeighbours).filter { !$0.tests.isEmpty }.map(\.name)
        decide("excluded", tested.map { "tests of \($0)" }, "tests collapsed to their names (their SQL is dbt's generic test macros)")
        decide("excluded", input.foreignMacros, "dbt's built-in or a package's macros: not this project's code")

        // The decisions close the pack: their size counts too, so render, count, state.
        var tail = ["", "## Context decisions", "", "Budget: \(input.budget) tokens", "Used: {USED} tokens (\(TokenEstimate.method))", ""]
        tail += decisions.map(\.line)
        // The stated figure is part of the text.
        let template = (lines + tail).joined(separator: "\n") + "\n"
        let (text, stated) = TokenEstimate.selfCounting(start: input.budget) { template.replacingOccurrences(of: "{USED}", with: String($0)) }
        return ContextPack(markdown: text, tokens: stated, budget: input.budget, decisions: decisions)
    }

    static func fullSection(_ node: PackNode) -> [String] {
        var lines = ["", "### \(node.name) (\(node.type), \(node.layer)\(node.materialized.map { ", \($0)" } ?? ""))", ""]
        lines.append("`\(node.path)`" + (node.reasons.isEmpty ? "" : " — " + node.reasons.joined(separator: "; ")))
        if !node.description.isEmpty { lines += ["", node.description] }
        if !node.config.isEmpty { lines += ["", "Config: " + node.config.joined(separator: ", ")] }
        if let code = node.code {
            lines += [
                "", "```\(node.path.hasSuffix(".py") ? "python" : (node.path.hasSuffix(".csv") ? "csv" : "sql"))", code.trimmingCharacters(in: .newlines),
                "```",
            ]
        }
        if !node.columns.isEmpty {
            lines.append("")
            lines.append("Columns:")
            for column in node.columns {
                let type = column.type.map { " (\($0))" } ?? ""
                lines.append("- `\(column.name)`\(type)\(column.description.isEmpty ? "" : ": " + column.description)")
            }
        }
        if !node.tests.isEmpty { lines += ["", "Tests: " + node.tests.joined(separator: ", ")] }
        return lines
    }

    static func summaryLine(_ node: PackNode) -> String {
        var parts = ["- `\(node.name)` (\(node.relation.rawValue); \(node.type), \(node.layer)\(node.materialized.map { ", \($0)" } ?? ""))"]
        if !node.description.isEmpty { parts.append(node.description.split(separator: "\n").first.map(String.init) ?? "") }
        if !node.columns.isEmpty { parts.append("columns: " + node.columns.map(\.name).joined(separator: ", ")) }
        if !node.tests.isEmpty { parts.append("tests: " + node.tests.joined(separator: ", ")) }
        return parts.joined(separator: " — ")
    }
}

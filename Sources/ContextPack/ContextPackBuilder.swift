/// Builds packs that never exceed their budget and, whenever the diff itself fits, always come
/// out: what an agent needs most goes in first and what it can ask for is cut first.
///
/// Order of value: the diff of each changed file; the changed nodes' SQL (degraded step by step:
/// in full, without comments, left to the diff); what the change modifies through a macro or a
/// config, grouped by folder; the changed nodes' columns by name; the direct children (those
/// that read a changed column first); one or two of the indirectly modified nodes in full; whole
/// changed files that define no node; the direct parents; farther nodes by name; descriptions;
/// test lists. Each cut is a decision the pack states.
public enum ContextPackBuilder {
    /// What to pack.
    public struct Input: Sendable {
        /// What was compared (`staged changes against HEAD`).
        public var scope: String
        public var budget: Int
        /// Every changed file of the change, as diffs.
        public var files: [PackFile]
        /// Nodes whose own file changed, and nodes expanded on request: shown in full.
        public var changed: [PackNode]
        /// Nodes modified without their own file changing: grouped by what modifies them.
        public var indirect: [PackNode]
        /// Direct children of the nodes shown in full.
        public var children: [PackNode]
        /// Direct parents of the nodes shown in full.
        public var parents: [PackNode]
        /// Farther nodes, nearest first, by name.
        public var farther: [PackNode]
        /// Macros left out because they are dbt's own or a package's.
        public var foreignMacros: [String]

        public init(
            scope: String, budget: Int, files: [PackFile] = [], changed: [PackNode] = [], indirect: [PackNode] = [],
            children: [PackNode] = [], parents: [PackNode] = [], farther: [PackNode] = [], foreignMacros: [String] = []
        ) {
            self.scope = scope
            self.budget = budget
            self.files = files
            self.changed = changed
            self.indirect = indirect
            self.children = children
            self.parents = parents
            self.farther = farther
            self.foreignMacros = foreignMacros
        }
    }

    /// How much of each kind a pack holds.
    struct Plan: Sendable {
        enum SQL: Int, Sendable, Comparable {
            case none, withoutComments, full
            static func < (a: SQL, b: SQL) -> Bool { a.rawValue < b.rawValue }
        }
        enum Names: Int, Sendable, Comparable {
            case none, counts, some, all
            static func < (a: Names, b: Names) -> Bool { a.rawValue < b.rawValue }
        }

        /// Diffs with their three lines of context (else none).
        var context = true
        /// Diffs of changed files outside the dbt projects.
        var otherDiffs = 0
        /// Whether decisions name what they leave out (else they count it).
        var names = false
        var sql: [SQL]
        var groups = Names.none
        var columns = false
        var children = 0
        var inFull = 0
        var wholeFiles = 0
        var parents = 0
        var farther = 0
        var descriptions = false
        var neighbourDescriptions = false
        var tests = false
        var yamlFiles = 0

        init(changed: Int) { sql = Array(repeating: .none, count: changed) }
    }

    /// The most names a decision lists before counting the rest.
    static let namesPerDecision = 12
    /// Indirectly modified nodes shown in full, at most.
    static let inFullLimit = 2

    public static func build(_ input: Input) throws -> ContextPack {
        let budget = input.budget
        var plan = Plan(changed: input.changed.count)
        func fits(_ candidate: Plan) -> Bool { PackRenderer.render(input, candidate).tokens <= budget }

        if !fits(plan) {
            plan.context = false
            guard fits(plan) else {
                let needed = PackRenderer.render(input, plan).tokens
                var generous = Plan(changed: input.changed.count)
                generous.sql = generous.sql.map { _ in .full }
                let suggested = roundedUp(max(PackRenderer.render(input, generous).tokens, needed) + 200)
                throw ContextPackError.diffDoesNotFit(
                    needed: needed, suggested: suggested, budget: budget, files: input.files.map(\.path), nodes: input.changed.map(\.name))
            }
        }
        // The changed nodes' SQL, each in turn: in full, else without comments, else the diff alone.
        for index in input.changed.indices where input.changed[index].code != nil {
            for level in [Plan.SQL.full, .withoutComments] {
                var candidate = plan
                candidate.sql[index] = level
                if fits(candidate) {
                    plan = candidate
                    break
                }
            }
        }
        if !input.indirect.isEmpty {
            for level in [Plan.Names.all, .some, .counts] {
                var candidate = plan
                candidate.groups = level
                if fits(candidate) {
                    plan = candidate
                    break
                }
            }
        }
        if input.changed.contains(where: { !$0.columns.isEmpty }) {
            var candidate = plan
            candidate.columns = true
            if fits(candidate) { plan = candidate }
        }
        plan.children = largest(upTo: input.children.count) {
            var p = plan; p.children = $0; return fits(p)
        }
        let others = input.files.filter { !$0.essential }.count
        plan.otherDiffs = largest(upTo: others) {
            var p = plan; p.otherDiffs = $0; return fits(p)
        }
        plan.inFull = largest(upTo: min(inFullLimit, input.indirect.filter { $0.code != nil }.count)) {
            var p = plan
            p.inFull = $0
            return fits(p)
        }
        let whole = input.files.filter { $0.content != nil && !$0.isYAML && $0.essential }.count + plan.otherDiffs
        plan.wholeFiles = largest(upTo: whole) {
            var p = plan; p.wholeFiles = $0; return fits(p)
        }
        plan.parents = largest(upTo: input.parents.count) {
            var p = plan; p.parents = $0; return fits(p)
        }
        plan.farther = largest(upTo: input.farther.count) {
            var p = plan; p.farther = $0; return fits(p)
        }
        for flag in [\Plan.names, \.descriptions, \.neighbourDescriptions, \.tests] {
            var candidate = plan
            candidate[keyPath: flag] = true
            if fits(candidate) { plan = candidate }
        }
        let yaml = input.files.filter { $0.content != nil && $0.isYAML }.count
        plan.yamlFiles = largest(upTo: yaml) {
            var p = plan; p.yamlFiles = $0; return fits(p)
        }
        return PackRenderer.render(input, plan)
    }

    /// The largest `k` in 0...limit for which `fits(k)` holds, assuming it holds for 0 and is
    /// nearly monotonic (an item moving between the loaded and excluded decisions changes the
    /// size a little either way): found by halving, then stepped back until it fits.
    static func largest(upTo limit: Int, _ fits: (Int) -> Bool) -> Int {
        var low = 0
        var high = limit
        while low < high {
            let middle = (low + high + 1) / 2
            if fits(middle) { low = middle } else { high = middle - 1 }
        }
        while low > 0, !fits(low) { low -= 1 }
        return low
    }

    /// A budget to suggest: the next multiple of 500.
    static func roundedUp(_ tokens: Int) -> Int { (tokens + 499) / 500 * 500 }
}

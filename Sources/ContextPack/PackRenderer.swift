import Sessions

/// Renders a pack for a plan: the Markdown, its decisions and where its tokens went.
enum PackRenderer {
    /// Column names listed for one node, at most.
    static let columnNames = 200
    /// Names listed per folder when the groups show some names.
    static let namesPerFolder = 5

    /// Lines tagged with the kind of content they are (for the sections' figures).
    struct Text {
        var chunks: [(kind: String, lines: [String])] = []
        mutating func add(_ kind: String, _ lines: [String]) {
            if let last = chunks.last, last.kind == kind {
                chunks[chunks.count - 1].lines += lines
            } else {
                chunks.append((kind, lines))
            }
        }
        mutating func add(_ kind: String, _ line: String) { add(kind, [line]) }
        var lines: [String] { chunks.flatMap(\.lines) }
    }

    static func render(_ input: ContextPackBuilder.Input, _ plan: ContextPackBuilder.Plan) -> ContextPack {
        var text = Text()
        var decisions: [PackDecision] = []
        // What is left out is named when the budget allows, else counted; what is loaded is named.
        func decide(_ verdict: String, _ names: [String], _ reason: String) {
            guard !names.isEmpty else { return }
            let shown = Array(names.prefix(verdict == "loaded" || plan.names ? ContextPackBuilder.namesPerDecision : 2))
            decisions.append(PackDecision(verdict: verdict, names: shown, count: names.count, reason: reason))
        }
        text.add(
            "header",
            [
                "# Context pack",
                "",
                "The slice of a dbt project an agent needs for one change (\(input.scope)), chosen by `rationale context` within \(input.budget) tokens, most needed first. Ask rather than guess: `rationale context --expand NAME` shows a node in full.",
            ])

        // The diff of each changed file.
        let essential = input.files.filter(\.essential)
        let others = input.files.filter { !$0.essential }
        if !essential.isEmpty {
            text.add("diff", ["", "## Diff"])
            for file in essential { text.add("diff", diffLines(file, context: plan.context)) }
            decide(
                "loaded", essential.map(\.path),
                plan.context ? "the diff of each changed file, hunks with 3 lines of context" : "the diff of each changed file, without context lines")
            if !plan.context { decide("excluded", ["context lines of the diffs"], "cut to fit the budget") }
        }

        // The changed nodes, in full.
        if !input.changed.isEmpty {
            text.add("sql", ["", "## Changed"])
            for (index, node) in input.changed.enumerated() {
                text = fullSection(node, sql: plan.sql[index], plan: plan, into: text)
            }
            let modified = input.changed.indices.filter { input.changed[$0].relation != .expanded }
            let expanded = input.changed.indices.filter { input.changed[$0].relation == .expanded }
            for (level, reason) in [
                (ContextPackBuilder.Plan.SQL.full, "in full"), (.withoutComments, "SQL without its comments (cut to fit the budget)"),
                (.none, "the diff only (the rest cut to fit the budget)"),
            ] {
                decide(
                    "loaded", modified.filter { plan.sql[$0] == level && input.changed[$0].code != nil }.map { input.changed[$0].name },
                    "changed by the edit: \(reason)")
                decide(
                    "loaded", expanded.filter { plan.sql[$0] == level && input.changed[$0].code != nil }.map { input.changed[$0].name },
                    "expanded on request (--expand): \(reason)")
            }
            decide("loaded", modified.filter { input.changed[$0].code == nil }.map { input.changed[$0].name }, "changed by the edit: its diff and config")
            decide("loaded", expanded.filter { input.changed[$0].code == nil }.map { input.changed[$0].name }, "expanded on request (--expand)")
            let withColumns = input.changed.filter { !$0.columns.isEmpty }.map(\.name)
            if !plan.columns { decide("excluded", withColumns.map { "columns of \($0)" }, "cut to fit the budget") }
        }

        // What the change modifies through a macro or a config: grouped.
        let shownInFull = Array(examples(input.indirect).prefix(plan.inFull))
        if !input.indirect.isEmpty {
            if plan.groups != .none {
                text.add("indirect", ["", "## Modified through a macro or config (\(input.indirect.count))"])
                text.add("indirect", groupLines(input.indirect, names: plan.groups))
                decide(
                    "loaded", input.indirect.map(\.name),
                    plan.groups == .all
                        ? "modified through a macro or config: by name, grouped by folder"
                        : "modified through a macro or config: counted by folder (names cut to fit the budget)")
            } else {
                decide("excluded", input.indirect.map(\.name), "modified through a macro or config, beyond the budget; `rationale impact` lists them")
            }
            for node in shownInFull {
                text = fullSection(node, sql: .full, plan: plan, into: text, kind: "indirect")
            }
            decide("loaded", shownInFull.map(\.name), "in full, as an example of what the change reaches")
        }

        // Direct children, then parents: summarised.
        let children = Array(input.children.prefix(plan.children))
        if !children.isEmpty {
            text.add("children", ["", "## Direct children (\(input.children.count))"])
            text.add("children", children.map { summaryLine($0, descriptions: plan.neighbourDescriptions, tests: plan.tests) })
        }
        decide("loaded", children.map(\.name), "direct children: summarised (those reading a changed column first)")
        decide(
            "excluded", input.children.dropFirst(plan.children).map(\.name), "direct children beyond the budget: raise --budget or --expand the one you need")

        let otherShown = Array(others.prefix(plan.otherDiffs))
        if !otherShown.isEmpty {
            text.add("files", ["", "## Other changed files (outside the dbt project)"])
            for file in otherShown { text.add("files", diffLines(file, context: plan.context)) }
        }
        decide("loaded", otherShown.map(\.path), "changed files outside the dbt project: their diffs")
        decide("excluded", others.dropFirst(plan.otherDiffs).map(\.path), "changed files outside the dbt project, beyond the budget")

        let parents = Array(input.parents.prefix(plan.parents))
        if !parents.isEmpty {
            text.add("parents", ["", "## Direct parents (\(input.parents.count))"])
            text.add("parents", parents.map { summaryLine($0, descriptions: plan.neighbourDescriptions, tests: plan.tests) })
        }
        decide("loaded", parents.map(\.name), "direct parents: summarised")
        decide("excluded", input.parents.dropFirst(plan.parents).map(\.name), "direct parents beyond the budget: raise --budget or --expand the one you need")

        let farther = Array(input.farther.prefix(plan.farther))
        if !farther.isEmpty {
            text.add("farther", ["", "## Farther downstream and upstream (by name, nearest first)"])
            text.add("farther", farther.map { "`\($0.name)` (\($0.distance))" }.joined(separator: ", "))
        }
        decide("loaded", farther.map(\.name), "farther nodes: names only")
        decide(
            "excluded", input.farther.dropFirst(plan.farther).map(\.name),
            "farther than the budget reaches (nearest kept first); `rationale impact` lists them all")

        // Whole changed files that define no node: code first, YAML last.
        let code = (essential + otherShown).filter { $0.content != nil && !$0.isYAML }
        let yaml = (essential + otherShown).filter { $0.content != nil && $0.isYAML }
        let whole = Array(code.prefix(plan.wholeFiles)) + Array(yaml.prefix(plan.yamlFiles))
        if !whole.isEmpty {
            text.add("files", ["", "## Whole files"])
            for file in whole {
                text.add("files", ["", "### \(file.path) (whole file)", "", "```", (file.content ?? "").trimmingCharacters(in: .newlines), "```"])
            }
        }
        decide("loaded", whole.map(\.path), "changed files: whole, within the budget")
        decide(
            "excluded", (code.dropFirst(plan.wholeFiles) + yaml.dropFirst(plan.yamlFiles)).map(\.path),
            "whole files beyond the budget (their diffs are above)")

        let described = (input.changed + shownInFull).filter { !$0.description.isEmpty || $0.columns.contains { !$0.description.isEmpty } }
        if !plan.descriptions {
            decide("excluded", described.map { "descriptions of \($0.name)" }, "cut to fit the budget (code, columns and neighbours first)")
        }
        let tested = (input.changed + shownInFull + children + parents).filter { !$0.tests.isEmpty }.map(\.name)
        decide(
            "excluded", tested.map { "tests of \($0)" },
            plan.tests ? "tests collapsed to their names (their SQL is dbt's generic test macros)" : "test lists cut to fit the budget")
        decide("excluded", input.foreignMacros, "dbt's built-in or a package's macros: not this project's code")

        // The decisions close the pack: their size counts too, so render, count, state.
        var tail = [
            "", "## Context decisions", "", "The tool's notes on what this pack holds and leaves out (not the author's decisions).", "",
            "Budget: \(input.budget) tokens", "Used: {USED} tokens (estimated offline)", "",
        ]
        tail += decisions.map(\.line)
        text.add("decisions", tail)
        let template = text.lines.joined(separator: "\n") + "\n"
        let (markdown, stated) = TokenEstimate.selfCounting(start: input.budget) { template.replacingOccurrences(of: "{USED}", with: String($0)) }
        var sections: [PackSection] = []
        for chunk in text.chunks {
            let tokens = TokenEstimate.tokens(chunk.lines.joined(separator: "\n"))
            if let index = sections.firstIndex(where: { $0.kind == chunk.kind }) {
                sections[index].tokens += tokens
            } else {
                sections.append(PackSection(kind: chunk.kind, tokens: tokens))
            }
        }
        return ContextPack(markdown: markdown, tokens: stated, budget: input.budget, decisions: decisions, sections: sections)
    }

    /// A node in full: heading, file and reasons, config, SQL as the plan allows, columns,
    /// descriptions and tests when they fit.
    static func fullSection(
        _ node: PackNode, sql: ContextPackBuilder.Plan.SQL, plan: ContextPackBuilder.Plan, into text: Text, kind: String = "sql"
    ) -> Text {
        var text = text
        text.add(kind, ["", "### \(node.name) (\(node.type), \(node.layer)\(node.materialized.map { ", \($0)" } ?? ""))", ""])
        if let via = node.via, node.relation == .indirect {
            text.add(kind, "`\(node.path)` — modified through \(via)")
        } else {
            text.add(kind, "`\(node.path)`" + (node.reasons.isEmpty ? "" : " — " + node.reasons.joined(separator: "; ")))
        }
        if plan.descriptions, !node.description.isEmpty { text.add("descriptions", ["", node.description]) }
        if !node.config.isEmpty { text.add(kind, ["", "Config: " + node.config.joined(separator: ", ")]) }
        if let code = node.code {
            let language = node.path.hasSuffix(".py") ? "python" : (node.path.hasSuffix(".csv") ? "csv" : "sql")
            switch sql {
            case .full:
                text.add(kind, ["", "```\(language)", code.trimmingCharacters(in: .newlines), "```"])
            case .withoutComments:
                text.add(kind, ["", "SQL without its comments (cut to fit the budget):", "", "```\(language)", SQLText.withoutComments(code), "```"])
            case .none:
                text.add(kind, ["", "SQL cut to fit the budget: the diff above shows the change; `rationale context --budget` more for the whole file."])
            }
        }
        if !node.columns.isEmpty, plan.columns || kind == "indirect" {
            if plan.descriptions, node.columns.contains(where: { !$0.description.isEmpty }) {
                text.add("descriptions", ["", "Columns:"])
                for column in node.columns.prefix(columnNames) {
                    let type = column.type.map { " (\($0))" } ?? ""
                    text.add("descriptions", "- `\(column.name)`\(type)\(column.description.isEmpty ? "" : ": " + column.description)")
                }
            } else {
                text.add("columns", ["", "Columns: " + names(node.columns.map(\.name), limit: columnNames)])
            }
        }
        if plan.tests, !node.tests.isEmpty { text.add("tests", ["", "Tests: " + node.tests.joined(separator: ", ")]) }
        return text
    }

    /// A file's diff under its path; git's `diff --git` and `index` lines left out (the heading
    /// names the file).
    static func diffLines(_ file: PackFile, context: Bool) -> [String] {
        let diff = context ? file.diff : (file.tightDiff ?? file.diff)
        var lines: [String] = []
        var header = true
        for line in diff.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@@") || line.hasPrefix("Binary ") { header = false }
            // The heading names the file: git's `diff --git`, `index`, `---` and `+++` lines say it again.
            if header, ["diff --git ", "index ", "--- ", "+++ "].contains(where: { line.hasPrefix($0) }) { continue }
            lines.append(String(line))
        }
        return ["", "### \(file.path)", "", "```diff"] + lines + ["```"]
    }

    /// `` `a`, `b`, and 3 more ``.
    static func names(_ all: [String], limit: Int) -> String {
        all.prefix(limit).map { "`\($0)`" }.joined(separator: ", ") + (all.count > limit ? ", and \(all.count - limit) more" : "")
    }

    /// Indirect nodes by what modifies them, largest group first.
    static func groups(_ nodes: [PackNode]) -> [(via: String, nodes: [PackNode])] {
        var order: [String] = []
        var byVia: [String: [PackNode]] = [:]
        for node in nodes {
            let via = node.via ?? "a change the reader names in its reasons"
            if byVia[via] == nil { order.append(via) }
            byVia[via, default: []].append(node)
        }
        return order.enumerated().sorted { a, b in
            let (x, y) = (byVia[a.element]?.count ?? 0, byVia[b.element]?.count ?? 0)
            return x != y ? x > y : a.offset < b.offset
        }.map { ($0.element, byVia[$0.element] ?? []) }
    }

    /// The indirect nodes worth showing in full, in order: the first of each group (largest
    /// first), then the rest.
    static func examples(_ nodes: [PackNode]) -> [PackNode] {
        let grouped = groups(nodes).map { $0.nodes.filter { $0.code != nil }.sorted { $0.name < $1.name } }
        return grouped.compactMap(\.first) + grouped.flatMap { $0.dropFirst() }
    }

    /// Indirect nodes by what modifies them, then by folder, largest first.
    static func groupLines(_ nodes: [PackNode], names detail: ContextPackBuilder.Plan.Names) -> [String] {
        var lines: [String] = []
        for (via, group) in groups(nodes) {
            lines += ["", "Through \(via): \(group.count) node\(group.count == 1 ? "" : "s")"]
            var folders: [String: [String]] = [:]
            for node in group { folders[node.folder, default: []].append(node.name) }
            for (folder, members) in folders.sorted(by: { ($1.value.count, $0.key) < ($0.value.count, $1.key) }) {
                switch detail {
                case .all: lines.append("- `\(folder)` (\(members.count)): " + members.sorted().map { "`\($0)`" }.joined(separator: ", "))
                case .some: lines.append("- `\(folder)` (\(members.count)): " + names(members.sorted(), limit: namesPerFolder))
                case .counts, .none: lines.append("- `\(folder)` (\(members.count))")
                }
            }
        }
        return lines
    }

    static func summaryLine(_ node: PackNode, descriptions: Bool, tests: Bool) -> String {
        var parts = ["- `\(node.name)` (\(node.relation.rawValue); \(node.type), \(node.layer)\(node.materialized.map { ", \($0)" } ?? ""))"]
        if !node.readsChangedColumns.isEmpty {
            parts.append(
                "reads changed column\(node.readsChangedColumns.count == 1 ? "" : "s") " + node.readsChangedColumns.map { "`\($0)`" }.joined(separator: ", "))
        }
        if descriptions, !node.description.isEmpty { parts.append(node.description.split(separator: "\n").first.map(String.init) ?? "") }
        if !node.columns.isEmpty {
            parts.append("columns: " + node.columns.prefix(30).map(\.name).joined(separator: ", ") + (node.columns.count > 30 ? ", …" : ""))
        }
        if tests, !node.tests.isEmpty { parts.append("tests: " + node.tests.joined(separator: ", ")) }
        return parts.joined(separator: " — ")
    }
}

@testable import ContextPack
import Sessions
import Testing
import _TestSupport

func node(
    _ name: String, _ relation: PackNode.Relation, distance: Int, sqlLines: Int = 0, columns: Int = 0, tests: Int = 0, describe: Int = 40,
    folder: String = "models", via: String? = nil
) -> PackNode {
    PackNode(
        name: name, uniqueID: "model.p.\(name)", type: "model", layer: "marts", path: "\(folder)/\(name).sql", materialized: "table",
        description: "The \(name) model, one row per thing.",
        columns: (0..<columns).map {
            ("col_\($0)", String(repeating: "column \($0) of \(name), described at length. ", count: max(1, describe / 40)), "integer")
        },
        tests: (0..<tests).map { "not_null_\(name)_col_\($0)" }, reasons: relation == .modified ? ["body: raw code differs"] : [],
        code: sqlLines > 0 ? (0..<sqlLines).map { "select \($0) as c\($0) from {{ ref('x') }} -- \(name)" }.joined(separator: "\n") : nil,
        config: ["materialized: table"], relation: relation, distance: distance, via: via)
}

/// A small diff of a model's file.
func file(_ name: String, lines: Int = 2, folder: String = "models") -> PackFile {
    let body = (0..<lines).map { "-select \($0) as old_\($0)\n+select \($0) as new_\($0)" }.joined(separator: "\n")
    return PackFile(path: "\(folder)/\(name).sql", diff: "@@ -1,3 +1,3 @@\n with\n\(body)\n from x\n", tightDiff: "@@ -2 +2 @@\n\(body)\n", content: nil)
}

/// The changed lines of a diff (without the leading +/-).
func changedLines(_ diff: String) -> [String] {
    diff.split(separator: "\n").filter { ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---") }.map(String.init)
}

struct ContextPackBuilderTests {
    /// The property: whatever the project's weight (heavy YAML, many children, a macro reaching
    /// many models), a pack never exceeds its budget, always holds the diff, and is refused only
    /// when the diff alone (without context lines) does not fit — then a pack at the needed
    /// budget comes out.
    @Test(arguments: [100, 1_000, 5_000, 20_000])
    func neverExceedsTheBudgetAndAlwaysHoldsTheDiff(size: Int) throws {
        var random = SplitMix(state: UInt64(size))
        for round in 0..<16 {
            let budget = [1_000, 2_000, 4_000, 5_000, 8_000][round % 5]
            let heavy = round % 4 == 1 // heavy YAML: hundreds of long column descriptions
            let macro = round % 4 == 2 // a macro edit: many models modified through it
            let changedCount = macro ? 0 : random.int(1...3)
            let changed = (0..<changedCount).map {
                node(
                    "m\(round)_\($0)", .modified, distance: 0, sqlLines: random.int(3...60), columns: heavy ? random.int(100...300) : random.int(0...8),
                    tests: random.int(0...3), describe: heavy ? 400 : 40)
            }
            var files = changed.map { file($0.name, lines: random.int(1...(size >= 5_000 ? 30 : 4))) }
            if macro {
                files.append(
                    PackFile(
                        path: "macros/cents.sql", diff: "@@ -1 +1 @@\n-{{ x }} / 100\n+{{ x }} / 100.0\n",
                        content: "{% macro cents(x) %}{{ x }} / 100.0{% endmacro %}\n"))
            }
            let indirect =
                macro
                ? (0..<random.int(5...min(400, size))).map {
                    node(
                        "i\(round)_\($0)", .indirect, distance: 0, sqlLines: 5, columns: 3, folder: "models/f\($0 % 7)",
                        via: "macro `to_dollars` → `cents` (`macros/cents.sql`)")
                } : []
            let children = (0..<random.int(0...min(size / 10, 60))).map {
                node("c\(round)_\($0)", .child, distance: 1, columns: random.int(0...40), tests: random.int(0...4))
            }
            let parents = (0..<random.int(0...10)).map { node("p\(round)_\($0)", .parent, distance: 1, columns: random.int(0...12)) }
            let farther = (0..<random.int(0...size / 2)).map { node("f\(round)_\($0)", .farther, distance: 2 + $0 / 50) }
            let input = ContextPackBuilder.Input(
                scope: "test", budget: budget, files: files, changed: changed, indirect: indirect, children: children, parents: parents, farther: farther)
            let pack: ContextPack
            do {
                pack = try ContextPackBuilder.build(input)
            } catch ContextPackError.diffDoesNotFit(let needed, let suggested, let limit, _, _) {
                #expect(needed > limit)
                #expect(suggested >= needed)
                var enough = input
                enough.budget = needed
                let fitted = try ContextPackBuilder.build(enough)
                #expect(fitted.tokens <= needed)
                continue
            }
            #expect(pack.tokens <= budget, "size \(size) round \(round): \(pack.tokens) > \(budget)")
            #expect(TokenEstimate.tokens(pack.markdown) <= pack.tokens && pack.tokens - TokenEstimate.tokens(pack.markdown) <= 1)
            #expect(pack.markdown.contains("Used: \(pack.tokens) tokens"))
            // The diff first, and every changed line of it.
            let diff = try #require(pack.markdown.range(of: "## Diff"))
            for heading in ["## Changed", "## Modified through", "## Direct children", "## Direct parents"] {
                if let later = pack.markdown.range(of: heading) { #expect(diff.lowerBound < later.lowerBound) }
            }
            for file in files {
                for line in changedLines(file.tightDiff ?? file.diff) { #expect(pack.markdown.contains(line), "round \(round): \(line) missing") }
            }
            for modified in changed { #expect(pack.markdown.contains("### \(modified.name) (")) }
            // Every node is in a decision, loaded or excluded, by name or in its count.
            let counted = pack.decisions.filter {
                !$0.reason.hasPrefix("test") && !$0.reason.hasPrefix("dbt's") && !$0.reason.hasPrefix("cut") && !$0.reason.hasPrefix("the diff")
                    && !$0.reason.hasPrefix("in full, as an example") && !$0.reason.contains("files")
            }
            #expect(counted.reduce(0) { $0 + $1.count } == changed.count + indirect.count + children.count + parents.count + farther.count, "round \(round)")
            for decision in pack.decisions {
                #expect(!decision.reason.isEmpty)
                #expect(pack.markdown.contains(decision.line))
            }
            if heavy, pack.markdown.contains("described at length") {
                // Descriptions come after code, columns and neighbours: shown only when all of them fit.
                #expect(!pack.decisions.contains { $0.reason.contains("beyond the budget") })
            }
        }
    }

    @Test func aOneLineEditOfAHeavilyDocumentedModelFitsAThousandTokens() throws {
        // 60 columns described at 400 letters each: a 24 KB properties file.
        let heavy = node("fact_claim", .modified, distance: 0, sqlLines: 12, columns: 60, tests: 40, describe: 400)
        let children = (0..<7).map { node("child_\($0)", .child, distance: 1, columns: 30) }
        let pack = try ContextPackBuilder.build(
            .init(scope: "t", budget: 1_000, files: [file("fact_claim", lines: 1)], changed: [heavy], children: children))
        #expect(pack.tokens <= 1_000)
        #expect(pack.markdown.contains("-select 0 as old_0\n+select 0 as new_0"))
        #expect(pack.markdown.contains("```sql\nselect 0 as c0"))
        #expect(!pack.markdown.contains("described at length"))
        #expect(pack.markdown.contains("Columns: `col_0`, `col_1`"))
        #expect(pack.decisions.contains { $0.names == ["descriptions of fact_claim"] && $0.reason.hasPrefix("cut to fit the budget") }, "\(pack.markdown)")
    }

    @Test func sqlDegradesStepByStepAndEachCutIsADecision() throws {
        let commented = PackNode(
            name: "stg_x", uniqueID: "model.p.stg_x", type: "model", layer: "staging", path: "models/stg_x.sql", materialized: "view",
            description: "", columns: [], tests: [], reasons: ["body: raw code differs"],
            code: (0..<40).map { "-- a long comment explaining line \($0) of the model at great length, as people do\nselect \($0) as c\($0)" }.joined(
                separator: "\n"),
            config: [], relation: .modified, distance: 0)
        let input = ContextPackBuilder.Input(scope: "t", budget: 0, files: [file("stg_x")], changed: [commented])
        func pack(_ budget: Int) throws -> ContextPack {
            var sized = input
            sized.budget = budget
            return try ContextPackBuilder.build(sized)
        }
        let full = try pack(5_000)
        #expect(full.markdown.contains("-- a long comment explaining line 0"))
        #expect(full.decisions.map(\.line).contains("- loaded: stg_x — changed by the edit: in full"))
        // Somewhere between, the SQL without its comments; at the bottom, the diff alone.
        var budget = 5_000
        var seen: Set<String> = []
        while budget >= 200, let made = try? pack(budget) {
            seen.formUnion(made.decisions.filter { $0.names == ["stg_x"] }.map(\.reason))
            budget -= 50
        }
        #expect(seen.contains("changed by the edit: SQL without its comments (cut to fit the budget)"), "\(seen)")
        #expect(seen.contains("changed by the edit: the diff only (the rest cut to fit the budget)"), "\(seen)")
        let least = try pack(budget + 50)
        #expect(least.markdown.contains("+select 0 as new_0"))
        #expect(least.markdown.contains("SQL cut to fit the budget: the diff above shows the change"))
    }

    @Test func whenTheDiffItselfDoesNotFitItSaysWhatBudgetWorks() throws {
        let big = PackFile(
            path: "models/huge.sql", diff: "@@ -1 +1,2000 @@\n" + (0..<2_000).map { "+select \($0) as c\($0)" }.joined(separator: "\n"), content: nil)
        do {
            _ = try ContextPackBuilder.build(.init(scope: "t", budget: 1_000, files: [big], changed: [node("huge", .modified, distance: 0, sqlLines: 2_000)]))
            Issue.record("a pack that cannot hold the diff")
        } catch ContextPackError.diffDoesNotFit(let needed, let suggested, let budget, let files, _) {
            #expect(budget == 1_000 && needed > 1_000 && suggested >= needed && suggested % 500 == 0)
            #expect(files == ["models/huge.sql"])
        }
    }

    @Test func aMacroEditGroupsItsCallersByFolderWithThePathThroughNestedMacros() throws {
        let via = "macro `to_dollars` → `cents` (`macros/cents.sql`)"
        let callers = (0..<30).map { node("stg_\($0)", .indirect, distance: 0, sqlLines: 4, folder: $0 < 20 ? "models/staging" : "models/marts", via: via) }
        let macroFile = PackFile(path: "macros/cents.sql", diff: "@@ -1 +1 @@\n-{{ x }} / 100\n+{{ x }} / 100.0\n", content: "{% macro cents(x) %}\n")
        let pack = try ContextPackBuilder.build(.init(scope: "t", budget: 2_000, files: [macroFile], indirect: callers))
        let text = pack.markdown
        #expect(text.contains("## Modified through a macro or config (30)"))
        #expect(text.contains("Through \(via): 30 nodes"))
        #expect(text.contains("- `models/staging/` (20): "))
        #expect(text.contains("- `models/marts/` (10): "))
        // One or two callers in full, after the groups.
        let inFull = pack.decisions.first { $0.reason == "in full, as an example of what the change reaches" }
        #expect(inFull?.count == 2)
        #expect(try #require(text.range(of: "Through ")).lowerBound < (try #require(text.range(of: "### stg_0 ("))).lowerBound)
        #expect(text.range(of: "+{{ x }} / 100.0")!.lowerBound < text.range(of: "## Modified through")!.lowerBound)
    }

    @Test func childrenThatReadAChangedColumnComeFirst() throws {
        var reader = node("reader", .child, distance: 1)
        reader.readsChangedColumns = ["amount"]
        let pack = try ContextPackBuilder.build(
            .init(
                scope: "t", budget: 2_000, files: [file("m")], changed: [node("m", .modified, distance: 0, sqlLines: 3)],
                children: [reader, node("other", .child, distance: 1)]))
        #expect(pack.markdown.contains("- `reader` (child; model, marts, table) — reads changed column `amount`"))
    }

    @Test func nearestFartherNodesAreKeptFirst() throws {
        let farther = (0..<400).map { node("far_\(String(format: "%03d", $0))", .farther, distance: 2 + $0 / 100) }
        let pack = try ContextPackBuilder.build(
            .init(scope: "t", budget: 1_000, files: [file("m")], changed: [node("m", .modified, distance: 0, sqlLines: 3)], farther: farther))
        let kept = try #require(pack.decisions.first { $0.reason.hasPrefix("farther nodes") })
        #expect(kept.names.first == "far_000")
        let dropped = try #require(pack.decisions.first { $0.verdict == "excluded" && $0.reason.hasPrefix("farther") })
        #expect(kept.count + dropped.count == 400)
        #expect(dropped.count > 0)
    }

    @Test func filesComeAsDiffsThenWhole() throws {
        let file = PackFile(path: "etl/load.py", diff: "@@ -1 +1 @@\n-a\n+b\n", content: "b\n")
        let pack = try ContextPackBuilder.build(.init(scope: "t", budget: 600, files: [file]))
        #expect(pack.markdown.contains("```diff\n@@ -1 +1 @@"))
        #expect(pack.markdown.contains("### etl/load.py (whole file)"))
        #expect(pack.decisions.map(\.line).contains("- loaded: etl/load.py — the diff of each changed file, hunks with 3 lines of context"))
    }

    @Test func filesOutsideTheDbtProjectComeAfterTheChildren() throws {
        let ci = PackFile(path: ".github/workflows/ci.yml", diff: "@@ -1 +1 @@\n-a: 1\n+a: 2\n", content: nil, essential: false)
        let pack = try ContextPackBuilder.build(
            .init(
                scope: "t", budget: 2_000, files: [file("m"), ci], changed: [node("m", .modified, distance: 0, sqlLines: 3)],
                children: [node("c", .child, distance: 1)]))
        let other = try #require(pack.markdown.range(of: "## Other changed files (outside the dbt project)"))
        #expect(try #require(pack.markdown.range(of: "## Direct children")).lowerBound < other.lowerBound)
    }

    @Test func commentsLeaveTheSQLButNotItsStrings() {
        let sql = "-- header\nselect 'a -- not a comment' as x, /* block\n comment */ y {# jinja #}\n\n\n  from t -- trailing\n"
        #expect(SQLText.withoutComments(sql) == "select 'a -- not a comment' as x,  y\n\n  from t")
    }
}

import ContextPack
import Sessions
import Testing

/// A deterministic generator (the tests must give the same cases on every run).
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}

func node(_ name: String, _ relation: PackNode.Relation, distance: Int, sqlLines: Int = 0, columns: Int = 0, tests: Int = 0) -> PackNode {
    PackNode(
        name: name, uniqueID: "model.p.\(name)", type: "model", layer: "marts", path: "models/\(name).sql", materialized: "table",
        description: "The \(name) model, one row per thing.",
        columns: (0..<columns).map { ("col_\($0)", "column \($0) of \(name)", "integer") },
        tests: (0..<tests).map { "not_null_\(name)_col_\($0)" }, reasons: relation == .modified ? ["body: raw code differs"] : [],
        code: sqlLines > 0 ? (0..<sqlLines).map { "select \($0) as c\($0) from {{ ref('x') }} -- \(name)" }.joined(separator: "\n") : nil,
        config: ["materialized: table"], relation: relation, distance: distance)
}

struct ContextPackBuilderTests {
    @Test(arguments: [100, 1_000, 5_000, 20_000])
    func neverExceedsTheBudgetAndPutsModifiedFirst(size: Int) throws {
        var random = SplitMix(state: UInt64(size))
        for round in 0..<12 {
            let budget = [1_000, 2_000, 4_000, 5_000, 8_000][round % 5]
            let modifiedCount = random.int(1...3)
            let full = (0..<modifiedCount).map {
                node("m\(round)_\($0)", .modified, distance: 0, sqlLines: random.int(3...25), columns: random.int(0...8), tests: random.int(0...3))
            }
            let neighbours = (0..<random.int(0...min(size / 10, 60))).map {
                node("n\(round)_\($0)", $0 % 2 == 0 ? .parent : .child, distance: 1, columns: random.int(0...12), tests: random.int(0...4))
            }
            let farther = (0..<random.int(0...size / 2)).map { node("f\(round)_\($0)", .farther, distance: 2 + $0 / 50) }
            let input = ContextPackBuilder.Input(scope: "test", budget: budget, full: full, neighbours: neighbours, farther: farther)
            let pack: ContextPack
            do {
                pack = try ContextPackBuilder.build(input)
            } catch ContextPackError.modifiedDoNotFit(let needed, let limit, _) {
                #expect(needed > limit)
                continue
            }
            #expect(pack.tokens <= budget, "size \(size) round \(round): \(pack.tokens) > \(budget)")
            #expect(TokenEstimate.tokens(pack.markdown) <= pack.tokens && pack.tokens - TokenEstimate.tokens(pack.markdown) <= 1)
            #expect(pack.markdown.contains("Used: \(pack.tokens) tokens"))
            // Modified nodes come first, in full.
            let firstSection = try #require(pack.markdown.range(of: "### ")).lowerBound
            #expect(pack.markdown[firstSection...].hasPrefix("### \(full[0].name) "))
            for modified in full { #expect(pack.markdown.contains("### \(modified.name) (")) }
            // Every node is loaded or excluded, by name or in a decision's count.
            let loaded = pack.decisions.filter { $0.verdict == "loaded" }.reduce(0) { $0 + $1.count }
            let excluded = pack.decisions.filter { $0.verdict == "excluded" && !$0.reason.hasPrefix("tests") && !$0.reason.hasPrefix("dbt's") }.reduce(0) {
                $0 + $1.count
            }
            #expect(loaded + excluded == full.count + neighbours.count + farther.count)
            for decision in pack.decisions where decision.verdict == "excluded" {
                #expect(!decision.reason.isEmpty)
                #expect(pack.markdown.contains(decision.line))
            }
        }
    }

    @Test func whenTheModifiedNodesDoNotFitItSaysSo() {
        let big = node("huge", .modified, distance: 0, sqlLines: 2_000)
        #expect(throws: ContextPackError.self) {
            _ = try ContextPackBuilder.build(.init(scope: "t", budget: 1_000, full: [big], neighbours: [], farther: []))
        }
    }

    @Test func nearestFartherNodesAreKeptFirst() throws {
        let farther = (0..<400).map { node("far_\(String(format: "%03d", $0))", .farther, distance: 2 + $0 / 100) }
        let pack = try ContextPackBuilder.build(
            .init(
                scope: "t", budget: 1_000, full: [node("m", .modified, distance: 0, sqlLines: 3)],
                neighbours: [], farther: farther))
        let kept = try #require(pack.decisions.first { $0.reason.hasPrefix("farther nodes") })
        #expect(kept.names.first == "far_000")
        let dropped = try #require(pack.decisions.first { $0.verdict == "excluded" && $0.reason.hasPrefix("farther") })
        #expect(kept.count + dropped.count == 400)
        #expect(dropped.count > 0)
    }

    @Test func filesComeAsDiffsThenWhole() throws {
        let file = PackFile(path: "etl/load.py", diff: "@@ -1 +1 @@\n-a\n+b\n", content: "b\n")
        let pack = try ContextPackBuilder.build(.init(scope: "t", budget: 600, full: [], neighbours: [], farther: [], files: [file]))
        #expect(pack.markdown.contains("```diff\n@@ -1 +1 @@"))
        #expect(pack.markdown.contains("### etl/load.py (whole file)"))
        #expect(pack.decisions.map(\.line).contains("- loaded: etl/load.py — changed files: their diffs"))
    }
}

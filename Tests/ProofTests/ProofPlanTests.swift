import Foundation
import Testing

@testable import Lineage
@testable import Proof

@Suite("Which models a proof compares, and how")
struct ProofPlanTests {
    static func facts(_ name: String, schema: String, code: String = "select 1", key: [String] = ["id"], materialized: String = "table") -> RelationFacts {
        RelationFacts(
            uniqueID: "model.shop.\(name)", name: name, resourceType: "model", database: "db", schema: schema, identifier: name, relationName: nil,
            materialized: materialized, rawCode: code, key: key, keySource: key.isEmpty ? nil : "tests")
    }

    static func impacted(_ name: String, _ role: ImpactedNode.Role, distance: Int) -> ImpactedNode {
        ImpactedNode(
            node: Node(uniqueID: "model.shop.\(name)", resourceType: .model, name: name, version: nil, path: "models/\(name).sql", fqn: [], layer: "marts"),
            role: role, distance: distance, reasons: [])
    }

    static let impact = [
        impacted("stg_orders", .modified, distance: 0), impacted("orders", .downstream, distance: 1),
        impacted("revenue", .downstream, distance: 2), impacted("finance", .downstream, distance: 3),
    ]

    static let production = Dictionary(
        uniqueKeysWithValues: [
            facts("stg_orders", schema: "prod", code: "select id,\n  amount\nfrom raw\n"), facts("orders", schema: "prod"),
            facts("revenue", schema: "prod", key: []), facts("finance", schema: "prod"),
        ].map { ($0.uniqueID, $0) })

    static let branch = Dictionary(
        uniqueKeysWithValues: [
            facts("stg_orders", schema: "dev", code: "select id,\n  amount_cents / 100.0 as amount\nfrom raw\nwhere status != 'void'\n"),
            facts("orders", schema: "dev"), facts("revenue", schema: "dev", key: []), facts("finance", schema: "dev", materialized: "ephemeral"),
        ].map { ($0.uniqueID, $0) })

    @Test func modifiedModelsAndTheirDirectChildren() {
        let plan = ProofPlan.make(impact: Self.impact, production: Self.production, branch: Self.branch, depth: 1, excluded: [], select: [])
        #expect(plan.items.map(\.name) == ["stg_orders", "orders"])
        #expect(plan.items.map(\.role) == ["modified", "downstream"])
        // The production side is the state's relation; the key the branch's tests.
        #expect(plan.items[0].production?.schema == "prod")
        #expect(plan.items[0].key == ["id"])
        // The diff touches amount, amount_cents, status (and words that name no column).
        #expect(plan.items[0].compare == ["amount", "amount_cents", "as", "status", "void", "where"])
        #expect(plan.items[0].basis == "the columns the diff touches")
        #expect(plan.items[1].compare == nil)
        #expect(plan.items[1].basis.contains("reaches it from upstream"))
    }

    @Test func deeperDownstreamAndExcludedModels() {
        let deep = ProofPlan.make(impact: Self.impact, production: Self.production, branch: Self.branch, depth: 3, excluded: [], select: [])
        #expect(deep.items.map(\.name) == ["stg_orders", "orders", "revenue", "finance"])
        #expect(deep.items[3].ephemeral, "an ephemeral model is planned, but dbt is not asked about it")
        #expect(deep.batches().flatMap { $0 }.map(\.name) == ["stg_orders", "orders", "revenue"])
        let excluded = ProofPlan.make(
            impact: Self.impact, production: Self.production, branch: Self.branch, depth: 1, excluded: ["revenue"], select: [])
        #expect(excluded.items.map(\.name) == ["stg_orders", "orders", "revenue"])
        #expect(excluded.items[2].role == "excluded")
    }

    @Test func selectReplacesTheModifiedModels() {
        let plan = ProofPlan.make(
            impact: Self.impact, production: Self.production, branch: Self.branch, depth: 1, excluded: [], select: ["model.shop.revenue", "orders"])
        #expect(plan.items.map(\.name) == ["revenue", "orders"])
        #expect(plan.items.allSatisfy { $0.role == "selected" })
    }

    @Test func touchedWordsComeFromChangedLinesOnly() {
        #expect(ProofPlan.touchedWords("select a,\nb\nfrom t", "select a,\nb\nfrom t") == [])
        #expect(ProofPlan.touchedWords("select a,\nb as x\nfrom t", "select a,\nupper(b) as x\nfrom t") == ["as", "b", "upper", "x"])
        // A moved line is no change.
        #expect(ProofPlan.touchedWords("a\nb\n", "b\na\n") == [])
    }

    @Test func batchesAreBoundedAndThePlanIsJSON() throws {
        var limits = ProofPlan.Limits()
        limits.modelsPerInvocation = 2
        let plan = ProofPlan.make(impact: Self.impact, production: Self.production, branch: Self.branch, depth: 2, excluded: [], select: [], limits: limits)
        let batches = plan.batches()
        #expect(batches.map { $0.map(\.name) } == [["stg_orders", "orders"], ["revenue"]])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.json(batches[1]).utf8)) as? [String: Any])
        let model = try #require((json["models"] as? [[String: Any]])?.first)
        #expect(model["id"] as? String == "model.shop.revenue")
        #expect((model["production"] as? [String: Any])?["schema"] as? String == "prod")
        #expect(model["compare"] is NSNull, "null: every column")
        #expect((model["key"] as? [String]) == [])
        #expect(json["examples"] as? Int == 3)
    }

    @Test func namesThatBreakJSONStayData() throws {
        var odd = Self.facts("o\"dd\\name", schema: "pr\nod")
        odd.uniqueID = "model.shop.odd"
        let plan = ProofPlan(items: [
            .init(
                name: odd.name, uniqueID: odd.uniqueID, resourceType: "model", role: "selected", distance: 0, production: odd, branch: odd,
                key: ["id'); drop table x; --"], keySource: nil, compare: nil)
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.json(plan.items).utf8)) as? [String: Any])
        let model = try #require((json["models"] as? [[String: Any]])?.first)
        #expect(model["name"] as? String == "o\"dd\\name")
        #expect((model["key"] as? [String]) == ["id'); drop table x; --"])
    }
}

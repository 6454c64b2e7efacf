import Foundation
import Lineage
import Testing

@testable import Proof

@Suite("From dbt's answer to a proof")
struct ProofAssemblerTests {
    static func item(_ name: String = "stg_orders", role: String = "modified", key: [String] = ["order_id"], production: Bool = true) -> ProofPlan.Item {
        let facts = RelationFacts(
            uniqueID: "model.shop.\(name)", name: name, resourceType: "model", database: "db", schema: "prod", identifier: name, relationName: nil,
            materialized: "view", rawCode: "", key: key, keySource: key.isEmpty ? nil : "unique and not_null tests on `order_id`")
        return ProofPlan.Item(
            name: name, uniqueID: facts.uniqueID, resourceType: "model", role: role, distance: 0, production: production ? facts : nil, branch: facts,
            key: key, keySource: facts.keySource, compare: ["amount"], basis: "the columns the diff touches")
    }

    /// What the program answers for stg_orders: 40 rows in production, 32 on the branch, a
    /// column added and one retyped, 6 amounts changed and 8 rows removed.
    static let answer = """
        [{"id": "model.shop.stg_orders", "in_graph": true, "branch": "\\"db\\".\\"dev\\".\\"stg_orders\\"", "production": "\\"db\\".\\"prod\\".\\"stg_orders\\"",
          "same_relation": false,
          "production_columns": [["order_id", "INTEGER"], ["status", "VARCHAR"], ["amount", "INTEGER"], ["legacy", "VARCHAR"]],
          "branch_columns": [["ORDER_ID", "integer"], ["status", "VARCHAR"], ["amount", "DOUBLE"], ["paid", "BOOLEAN"]],
          "counts": {"production_rows": 40, "production_duplicates": 0, "production_nulls": 0, "branch_rows": 32, "branch_duplicates": 0, "branch_nulls": 0},
          "values": {"columns": ["amount"], "fallback": false, "left_out": 0, "as_text": ["amount"], "added": 0, "removed": 8, "changed": 6, "unchanged": 26,
                     "by_column": [6], "examples": [["changed", "4", "40", "39.0"], ["removed", "5", "50", null]]}}]
        """

    @Test func aComparedModel() throws {
        let answers = try ProofAssembler.answers(Data(Self.answer.utf8))
        let proof = ProofAssembler.proof(Self.item(), answers["model.shop.stg_orders"])
        #expect(proof.status == .compared)
        #expect(proof.production == .init(relation: "\"db\".\"prod\".\"stg_orders\"", rows: 40))
        #expect(proof.branch?.rows == 32)
        #expect(proof.rowChange == -8)
        #expect(proof.dataChanged == true)
        // Names compared without case; types too.
        #expect(proof.schemaChange.added == [.init(name: "paid", type: "BOOLEAN")])
        #expect(proof.schemaChange.removed == [.init(name: "legacy", type: "VARCHAR")])
        #expect(proof.schemaChange.retyped == [.init(name: "amount", production: "INTEGER", branch: "DOUBLE")])
        #expect(proof.key?.branch == .init(duplicates: 0, nulls: 0))
        let values = try #require(proof.values)
        #expect(values.changed == 6 && values.removed == 8 && values.added == 0 && values.unchanged == 26)
        #expect(values.byColumn == [.init(name: "amount", changed: 6)])
        #expect(values.comparedAsText == ["amount"])
        #expect(values.basis == "the columns the diff touches")
        #expect(
            values.examples == [
                .init(kind: "changed", key: ["4"], production: ["40"], branch: ["39.0"]), .init(kind: "removed", key: ["5"], production: ["50"], branch: [nil]),
            ])
    }

    @Test func statusesOfWhatCouldNotBeCompared() throws {
        let notBuilt = ProofAssembler.proof(
            Self.item(role: "downstream"),
            try ProofAssembler.answers(
                Data(
                    #"[{"id": "model.shop.stg_orders", "in_graph": true, "branch": null, "production": "p", "same_relation": false, "counts": {"production_rows": 3}}]"#
                        .utf8)
            )["model.shop.stg_orders"])
        #expect(notBuilt.status == .notBuilt)
        #expect(notBuilt.notes.first?.contains("dbt would defer to production's relation") == true)
        #expect(notBuilt.dataChanged == nil)
        let new = ProofAssembler.proof(
            Self.item(production: false),
            try ProofAssembler.answers(
                Data(
                    #"[{"id": "model.shop.stg_orders", "in_graph": true, "branch": "b", "production": null, "same_relation": false, "counts": {"branch_rows": 3, "branch_duplicates": 0, "branch_nulls": 1}}]"#
                        .utf8)
            )["model.shop.stg_orders"])
        #expect(new.status == .new)
        #expect(new.branch?.rows == 3)
        #expect(new.key?.branch?.nulls == 1)
        #expect(new.key?.production == nil)
        let ephemeral = ProofAssembler.proof(Self.item(), nil)
        #expect(ephemeral.status == .ephemeral)
    }

    @Test func whyThereIsNoValueDiff() throws {
        let noKey = ProofAssembler.proof(
            Self.item(key: []),
            try ProofAssembler.answers(
                Data(
                    #"[{"id": "model.shop.stg_orders", "in_graph": true, "branch": "b", "production": "p", "same_relation": false, "counts": {"production_rows": 3, "branch_rows": 3}}]"#
                        .utf8)
            )["model.shop.stg_orders"])
        #expect(noKey.keySkipped?.hasPrefix("no primary key") == true)
        #expect(noKey.valuesSkipped?.hasPrefix("no key to join the sides on") == true)
        #expect(noKey.dataChanged == false && !noKey.dataChangeKnown, "same row count, no value diff: not known")
        let duplicated = ProofAssembler.proof(
            Self.item(),
            try ProofAssembler.answers(
                Data(
                    #"[{"id": "model.shop.stg_orders", "in_graph": true, "branch": "b", "production": "p", "same_relation": false, "counts": {"production_rows": 3, "branch_rows": 4, "production_duplicates": 0, "production_nulls": 0, "branch_duplicates": 1, "branch_nulls": 0}}]"#
                        .utf8)
            )["model.shop.stg_orders"])
        #expect(duplicated.valuesSkipped == "a value diff needs a unique, non-null key: 1 on the branch")
    }

    @Test func columnsWithAQuoteInTheirNameAreSaidToBeLeftOut() throws {
        let answer = try ProofAssembler.answers(
            Data(
                #"[{"id": "model.shop.stg_orders", "in_graph": true, "branch": "b", "production": "p", "same_relation": false, "counts": {"production_rows": 3, "branch_rows": 3}, "unquotable": ["a\"b", "a\"b", "c`d"]}]"#
                    .utf8))
        let proof = ProofAssembler.proof(Self.item(), answer["model.shop.stg_orders"])
        #expect(proof.notes.contains("not compared: 2 column names with a quote character (never put into SQL)"))
    }

    @Test func anAnswerThatIsNotTheProgramsIsRefused() {
        #expect(throws: ProofError.self) { try ProofAssembler.answers(Data("None".utf8)) }
    }
}

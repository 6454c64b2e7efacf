import Foundation
import Lineage
import Testing

@Suite("Relations and keys from a manifest")
struct ManifestRelationsTests {
    static func manifest(_ nodes: String) -> Data {
        Data(
            """
            {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "project_name": "shop"},
             "nodes": {\(nodes)}}
            """.utf8)
    }

    static func model(_ name: String, constraints: String = "[]", columns: String = "{}", materialized: String = "table") -> String {
        """
        "model.shop.\(name)": {"unique_id": "model.shop.\(name)", "resource_type": "model", "name": "\(name)", "database": "db",
          "schema": "prod", "alias": "\(name)_v2", "relation_name": "\\"db\\".\\"prod\\".\\"\(name)_v2\\"", "raw_code": "select 1",
          "config": {"materialized": "\(materialized)"}, "constraints": \(constraints), "columns": \(columns)}
        """
    }

    static func test(_ kind: String, on node: String, column: String?, kwargs: String = "{}") -> String {
        """
        "test.shop.\(kind)_\(node)_\(column ?? "x").1": {"unique_id": "test.shop.\(kind)_\(node).1", "resource_type": "test", "name": "\(kind)_\(node)",
          "attached_node": "model.shop.\(node)", "column_name": \(column.map { "\"\($0)\"" } ?? "null"),
          "test_metadata": {"name": "\(kind)", "kwargs": \(kwargs), "namespace": null}, "depends_on": {"nodes": ["model.shop.\(node)"], "macros": []}}
        """
    }

    @Test func relationAndMaterialization() throws {
        let facts = try ManifestRelations.read(data: Self.manifest(Self.model("orders", materialized: "ephemeral")), file: "m.json")
        let orders = try #require(facts["model.shop.orders"])
        #expect(orders.database == "db" && orders.schema == "prod" && orders.identifier == "orders_v2")
        #expect(orders.relationName == "\"db\".\"prod\".\"orders_v2\"")
        #expect(orders.materialized == "ephemeral")
        #expect(orders.key.isEmpty && orders.keySource == nil)
    }

    @Test func keyFromUniqueAndNotNullTests() throws {
        let nodes = [
            Self.model("orders"), Self.test("unique", on: "orders", column: "order_id"), Self.test("not_null", on: "orders", column: "order_id"),
            Self.test("unique", on: "orders", column: "email"),
        ]
        let facts = try ManifestRelations.read(data: Self.manifest(nodes.joined(separator: ",")), file: "m.json")
        #expect(facts["model.shop.orders"]?.key == ["order_id"])
        #expect(facts["model.shop.orders"]?.keySource == "unique and not_null tests on `order_id`")
        #expect(facts.count == 1, "tests are not relations")
    }

    @Test func aPrimaryKeyConstraintComesFirst() throws {
        let model = Self.model("orders", constraints: #"[{"type": "primary_key", "columns": ["day", "shop_id"]}]"#)
        let nodes = [model, Self.test("unique", on: "orders", column: "order_id"), Self.test("not_null", on: "orders", column: "order_id")]
        let facts = try ManifestRelations.read(data: Self.manifest(nodes.joined(separator: ",")), file: "m.json")
        #expect(facts["model.shop.orders"]?.key == ["day", "shop_id"])
        #expect(facts["model.shop.orders"]?.keySource == "primary_key constraint")
        let column = Self.model("orders", columns: #"{"id": {"name": "id", "constraints": [{"type": "not_null"}, {"type": "primary_key"}]}}"#)
        #expect(try ManifestRelations.read(data: Self.manifest(column), file: "m.json")["model.shop.orders"]?.key == ["id"])
    }

    @Test func combinationOfColumnsAndUniqueAlone() throws {
        let combination = [
            Self.model("orders"),
            Self.test("unique_combination_of_columns", on: "orders", column: nil, kwargs: #"{"combination_of_columns": ["day", "shop_id"]}"#),
        ]
        let facts = try ManifestRelations.read(data: Self.manifest(combination.joined(separator: ",")), file: "m.json")
        #expect(facts["model.shop.orders"]?.key == ["day", "shop_id"])
        let unique = [Self.model("orders"), Self.test("unique", on: "orders", column: "order_id")]
        let alone = try ManifestRelations.read(data: Self.manifest(unique.joined(separator: ",")), file: "m.json")["model.shop.orders"]
        #expect(alone?.key == ["order_id"])
        #expect(alone?.keySource?.contains("no not_null test") == true)
    }

    @Test func notAManifestIsNamed() {
        #expect(throws: LineageError.self) { try ManifestRelations.read(data: Data("[]".utf8), file: "m.json") }
        #expect(throws: LineageError.self) {
            try ManifestRelations.read(
                data: Data(#"{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v9.json"}, "nodes": {}}"#.utf8), file: "m.json")
        }
    }
}

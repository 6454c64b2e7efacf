import Foundation
import Testing
@testable import Lineage

/// A manifest of schema v12 with the given entries (JSON object bodies, without braces).
func manifestJSON(
    project: String = "shop", schema: String = "v12", dbtVersion: String = "1.11.16",
    nodes: [String] = [], sources: [String] = [], macros: [String] = [],
    exposures: [String] = [], unitTests: [String] = []
) -> String {
    """
    {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/\(schema).json",
                  "dbt_version": "\(dbtVersion)", "project_name": "\(project)", "adapter_type": "duckdb",
                  "env": {}, "quoting": {"database": true}},
     "nodes": {\(nodes.joined(separator: ",\n"))},
     "sources": {\(sources.joined(separator: ",\n"))},
     "macros": {\(macros.joined(separator: ",\n"))},
     "docs": {"doc.dbt.__overview__": {"name": "__overview__", "block_contents": "a \\"quoted\\" {brace} [x]"}},
     "exposures": {\(exposures.joined(separator: ",\n"))},
     "metrics": {}, "groups": {}, "selectors": {}, "disabled": {"model.shop.off": [{"name": "off"}]},
     "parent_map": {"model.shop.orders": ["model.shop.stg_orders"]},
     "child_map": {}, "group_map": {}, "saved_queries": {}, "semantic_models": {},
     "unit_tests": {\(unitTests.joined(separator: ",\n"))}}
    """
}

/// One model entry; `extra` adds fields (leading comma included by the caller's absence of one).
func modelJSON(
    _ name: String, package: String = "shop", sql: String = "select 1", parents: [String] = [],
    macros: [String] = [], folder: String = "staging", extra: String = ""
) -> String {
    let id = "model.\(package).\(name)"
    let list = { (ids: [String]) in "[" + ids.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
    return """
        "\(id)": {"database": "db", "schema": "main", "name": "\(name)", "resource_type": "model",
          "package_name": "\(package)", "path": "\(folder)/\(name).sql", "original_file_path": "models/\(folder)/\(name).sql",
          "unique_id": "\(id)", "fqn": ["\(package)", "\(folder)", "\(name)"], "alias": "\(name)",
          "checksum": {"name": "sha256", "checksum": "abc"},
          "config": {"enabled": true, "materialized": "view", "persist_docs": {}, "contract": {"enforced": false, "alias_types": true},
                     "access": "protected", "tags": [], "meta": {}, "docs": {"show": true, "node_color": null}},
          "tags": [], "description": "", "columns": {}, "meta": {}, "patch_path": null,
          "unrendered_config": {}, "created_at": 1.5e9, "raw_code": \(jsonString(sql)),
          "depends_on": {"macros": \(list(macros)), "nodes": \(list(parents))},
          "compiled_path": null, "contract": {"enforced": false, "alias_types": true, "checksum": null},
          "access": "protected", "version": null, "latest_version": null, "deprecation_date": null\(extra)}
        """
}

func jsonString(_ text: String) -> String {
    // Test helper: an array of one string always encodes.
    String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast().description
}

func macroJSON(_ id: String, sql: String, calls: [String] = []) -> String {
    let name = id.split(separator: ".").last.map(String.init) ?? id
    return """
        "\(id)": {"name": "\(name)", "resource_type": "macro", "package_name": "\(id.split(separator: ".")[1])",
          "path": "macros/\(name).sql", "original_file_path": "macros/\(name).sql", "unique_id": "\(id)",
          "macro_sql": \(jsonString(sql)), "depends_on": {"macros": [\(calls.map { "\"\($0)\"" }.joined(separator: ", "))]},
          "description": "", "meta": {}, "docs": {"show": true, "node_color": null}, "patch_path": null,
          "arguments": [], "created_at": 1.0, "supported_languages": null}
        """
}

func readManifest(_ text: String, file: String = "target/manifest.json") throws -> DbtProject {
    try ManifestReader.read(data: Data(text.utf8), file: file)
}

@Suite("Manifest reader")
struct ManifestReaderTests {
    @Test func readsModelsEdgesAndRawCode() throws {
        let project = try readManifest(
            manifestJSON(nodes: [
                modelJSON("stg_orders", sql: "select * from raw.orders -- \"quoted\" \\ slash \u{00e9}\n"),
                modelJSON("orders", parents: ["model.shop.stg_orders"], folder: "marts"),
            ]))
        #expect(project.name == "shop")
        #expect(Set(project.nodes.keys) == ["model.shop.stg_orders", "model.shop.orders"])
        let stg = try #require(project.nodes["model.shop.stg_orders"])
        #expect(stg.bodyKey == "select * from raw.orders -- \"quoted\" \\ slash \u{00e9}\n")
        #expect(stg.path == "models/staging/stg_orders.sql")
        #expect(stg.layer == "staging")
        #expect(stg.materialized == "view")
        #expect(stg.config == .map([]))
        #expect(project.children["model.shop.stg_orders"] == ["model.shop.orders"])
        #expect(project.nodes["model.shop.orders"]?.layer == "marts")
    }

    @Test func packageNodesAreIncluded() throws {
        let project = try readManifest(
            manifestJSON(nodes: [
                modelJSON("stg_ga", package: "ga4", parents: []),
                modelJSON("sessions", parents: ["model.ga4.stg_ga"], folder: "marts"),
            ]))
        let package = try #require(project.nodes["model.ga4.stg_ga"])
        #expect(package.fqn.first == "ga4")
        #expect(project.children["model.ga4.stg_ga"] == ["model.shop.sessions"])
    }

    @Test func versionedModelKeepsItsVersionAndLatest() throws {
        let entry = modelJSON("customer_ltv", folder: "marts").replacingOccurrences(of: "model.shop.customer_ltv\"", with: "model.shop.customer_ltv.v2\"")
            .replacingOccurrences(of: "\"fqn\": [\"shop\", \"marts\", \"customer_ltv\"]", with: "\"fqn\": [\"shop\", \"marts\", \"customer_ltv\", \"v2\"]")
            .replacingOccurrences(of: "\"version\": null, \"latest_version\": null", with: "\"version\": 2, \"latest_version\": 2")
        let project = try readManifest(manifestJSON(nodes: [entry]))
        let node = try #require(project.nodes["model.shop.customer_ltv.v2"])
        #expect(node.version == "2")
        #expect(node.name == "customer_ltv")
        #expect(node.layer == "marts")
        #expect(node.properties["latest_version"] == .string("2"))
    }

    @Test func seedIsComparedByChecksum() throws {
        let seed = """
            "seed.shop.raw_orders": {"name": "raw_orders", "resource_type": "seed", "package_name": "shop",
              "original_file_path": "seeds/raw_orders.csv", "unique_id": "seed.shop.raw_orders", "fqn": ["shop", "raw_orders"],
              "checksum": {"name": "sha256", "checksum": "259e"}, "config": {"materialized": "seed"},
              "unrendered_config": {"delimiter": ";"}, "raw_code": "", "columns": {}, "description": "",
              "depends_on": {"macros": []}}
            """
        let project = try readManifest(manifestJSON(nodes: [seed]))
        let node = try #require(project.nodes["seed.shop.raw_orders"])
        #expect(node.bodyKey == "sha256:259e")
        #expect(node.layer == "seeds")
        #expect(node.config == .map([("delimiter", .string(";"))]))
    }

    @Test func sourceKeepsWhatDbtCompares() throws {
        let source = """
            "source.shop.raw.orders": {"database": "db", "schema": "raw", "name": "orders", "resource_type": "source",
              "package_name": "shop", "original_file_path": "models/staging/_sources.yml", "unique_id": "source.shop.raw.orders",
              "fqn": ["shop", "staging", "raw", "orders"], "source_name": "raw", "description": "Orders.",
              "loader": "", "identifier": "orders", "quoting": {"database": null, "identifier": null},
              "loaded_at_field": "_loaded_at", "loaded_at_query": null,
              "freshness": {"warn_after": {"count": 12, "period": "hour"}, "error_after": {"count": null, "period": null}, "filter": null},
              "external": null, "columns": {"id": {"name": "id", "description": "key", "data_type": null}},
              "meta": {}, "config": {"enabled": true}, "unrendered_config": {"loaded_at_field": "_loaded_at"}}
            """
        let project = try readManifest(manifestJSON(sources: [source]))
        let node = try #require(project.nodes["source.shop.raw.orders"])
        #expect(node.resourceType == .source)
        #expect(node.properties["freshness"]?["warn_after"]?["count"] == .int(12))
        #expect(node.properties["loaded_at_field"] == .string("_loaded_at"))
        #expect(node.properties["identifier"] == .string("orders"))
        #expect(node.columns.map(\.name) == ["id"])
        #expect(ImpactReport.selectorName(node) == "source:raw.orders")
    }

    @Test func exposureDependsOnModels() throws {
        let exposure = """
            "exposure.shop.dash": {"name": "dash", "resource_type": "exposure", "package_name": "shop",
              "original_file_path": "models/_exposures.yml", "unique_id": "exposure.shop.dash", "fqn": ["shop", "dash"],
              "type": "dashboard", "owner": {"email": "a@example.com", "name": "A"}, "description": "", "label": "Dash",
              "maturity": "high", "meta": {}, "tags": [], "config": {"enabled": true}, "unrendered_config": {},
              "url": null, "depends_on": {"macros": [], "nodes": ["model.shop.orders"]}, "refs": [{"name": "orders"}]}
            """
        let project = try readManifest(manifestJSON(nodes: [modelJSON("orders", folder: "marts")], exposures: [exposure]))
        let node = try #require(project.nodes["exposure.shop.dash"])
        #expect(node.parents == ["model.shop.orders"])
        #expect(node.properties["owner"]?["email"] == .string("a@example.com"))
        #expect(node.properties["type"] == .string("dashboard"))
        #expect(project.children["model.shop.orders"] == ["exposure.shop.dash"])
    }

    @Test func testsAttachToTheirNode() throws {
        let test = """
            "test.shop.not_null_orders_id.abc": {"name": "not_null_orders_id", "resource_type": "test", "package_name": "shop",
              "unique_id": "test.shop.not_null_orders_id.abc", "original_file_path": "models/schema.yml",
              "fqn": ["shop", "not_null_orders_id"], "test_metadata": {"name": "not_null", "kwargs": {"column_name": "id"}, "namespace": null},
              "column_name": "id", "attached_node": "model.shop.orders", "raw_code": "{{ test_not_null(**_dbt_generic_test_kwargs) }}",
              "depends_on": {"macros": ["macro.dbt.test_not_null"], "nodes": ["model.shop.orders"]}, "config": {}, "unrendered_config": {}}
            """
        let unit = """
            "unit_test.shop.orders.counts": {"name": "counts", "resource_type": "unit_test", "package_name": "shop",
              "unique_id": "unit_test.shop.orders.counts", "model": "orders", "given": [], "expect": {"rows": []},
              "depends_on": {"macros": [], "nodes": ["model.shop.orders"]}}
            """
        let project = try readManifest(manifestJSON(nodes: [modelJSON("orders"), test], unitTests: [unit]))
        #expect(project.nodes.count == 1)
        let tests = try #require(project.nodes["model.shop.orders"]?.tests)
        #expect(tests.map(\.kind).sorted() == ["not_null", "unit_test"])
        #expect(tests.first(where: { $0.kind == "not_null" })?.column == "id")
    }

    @Test func macroChainIsFollowedFromTheNode() throws {
        let head = try readManifest(
            manifestJSON(
                nodes: [modelJSON("orders", macros: ["macro.shop.outer"])],
                macros: [
                    macroJSON("macro.shop.outer", sql: "{% macro outer() %}{{ inner() }}{% endmacro %}", calls: ["macro.shop.inner"]),
                    macroJSON("macro.shop.inner", sql: "{% macro inner() %}2{% endmacro %}"),
                ]))
        let base = try readManifest(
            manifestJSON(
                nodes: [modelJSON("orders", macros: ["macro.shop.outer"])],
                macros: [
                    macroJSON("macro.shop.outer", sql: "{% macro outer() %}{{ inner() }}{% endmacro %}", calls: ["macro.shop.inner"]),
                    macroJSON("macro.shop.inner", sql: "{% macro inner() %}1{% endmacro %}"),
                ]))
        #expect(head.macros["macro.shop.outer"]?.calls == ["macro.shop.inner"])
        let changes = ChangeClassifier.classify(base: base, head: head)
        #expect(changes.modified["model.shop.orders"]?.map(\.code) == ["macros"])
    }

    @Test func configAndContractComeFromTheManifest() throws {
        let old = modelJSON("orders", extra: "")
        let new = modelJSON("orders").replacingOccurrences(
            of: "\"unrendered_config\": {}", with: "\"unrendered_config\": {\"materialized\": \"table\", \"schema\": \"x\"}")
        let changes = ChangeClassifier.classify(
            base: try readManifest(manifestJSON(nodes: [old])),
            head: try readManifest(manifestJSON(nodes: [new])))
        #expect(changes.modified["model.shop.orders"]?.map(\.code) == ["configs", "relation"])
    }

    @Test func unsupportedSchemaNamesTheFileAndTheFix() throws {
        #expect(throws: LineageError.unsupportedManifest(file: "old/manifest.json", version: "v9")) {
            try readManifest(manifestJSON(schema: "v9"), file: "old/manifest.json")
        }
        let error = LineageError.unsupportedManifest(file: "old/manifest.json", version: "v9")
        #expect(error.errorDescription?.contains("dbt parse") == true)
    }

    @Test(arguments: [
        ("[1, 2]", "not a JSON object"),
        ("{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/run-results/v6.json\"}}", "not a manifest"),
        ("{\"nodes\": {}}", "no metadata.dbt_schema_version"),
        (
            "{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/manifest/v12.json\", \"project_name\": \"x\"}, \"nodes\": {\"a\": ",
            "invalid JSON"
        ),
    ])
    func notAManifestIsRefused(text: String, reason: String) throws {
        do {
            _ = try readManifest(text, file: "x.json")
            Issue.record("expected an error")
        } catch let error as LineageError {
            guard case .notAManifest(let file, let why) = error else { Issue.record("\(error)"); return }
            #expect(file == "x.json")
            #expect(why.contains(reason), "\(why)")
        }
    }
}

@Suite("JSON scanner")
struct JSONScannerTests {
    func scan<T>(_ text: String, _ body: (inout JSONScanner) throws -> T) throws -> T {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            return try body(&scanner)
        }
    }

    @Test func decodesEscapesAndSurrogates() throws {
        let text = #""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#
        #expect(try scan(text) { try $0.string() } == "a\"b\\c/d\n\t\u{e9}\u{1F600}")
    }

    @Test func skipsNestedValuesWithTrickyStrings() throws {
        let text = #"{"skip": {"a": ["]", "}", "\\", "\"{"], "b": {"c": [1, 2.5e3, null, true]}}, "keep": "yes"}"#
        var kept: String?
        try scan(text) { scanner in
            try scanner.object { s, key in
                if key.is("keep") { kept = try s.string() } else { try s.skipValue() }
            }
        }
        #expect(kept == "yes")
    }

    @Test func keysMatchOnRawBytesAndDecodeWhenEscaped() throws {
        let table = JSONKeyTable<Int>(["name": 1, "nodes": 2, "original_file_path": 3])
        var found: [String: Int?] = [:]
        try scan(#"{"name": 0, "nodes": 0, "original_file_path": 0, "nam": 0, "na\u006de": 0}"#) { scanner in
            try scanner.object { s, key in
                found[key.string] = table[key]
                try s.skipValue()
            }
        }
        #expect(found["name"] == .some(1))
        #expect(found["nodes"] == .some(2))
        #expect(found["original_file_path"] == .some(3))
        #expect(found["nam"] == .some(nil))
        #expect(found.count == 4, "the escaped key decodes to name and finds the same entry: \(found)")
    }

    @Test func valuesKeepTheirTypes() throws {
        let value = try scan(#"{"i": 3, "d": 1.5, "b": false, "n": null, "l": ["x"], "m": {"k": -2}}"#) { try $0.value() }
        #expect(
            value
                == .map([
                    ("i", .int(3)), ("d", .double(1.5)), ("b", .bool(false)), ("n", .null),
                    ("l", .list([.string("x")])), ("m", .map([("k", .int(-2))])),
                ]))
    }
}

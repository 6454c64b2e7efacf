import Foundation
import Testing
import _TestSupport

/// A tiny schema-v12 manifest: a package model, a project model on top of it, and a test.
func tinyManifest(packageSQL: String, ordersSQL: String = "select * from {{ ref('stg_ga') }}") -> String {
    func model(_ package: String, _ name: String, _ sql: String, parents: [String]) -> String {
        let sqlJSON = String(decoding: try! JSONEncoder().encode(sql), as: UTF8.self) // a String always encodes
        return """
            "model.\(package).\(name)": {"name": "\(name)", "resource_type": "model", "package_name": "\(package)",
              "original_file_path": "models/\(name).sql", "unique_id": "model.\(package).\(name)",
              "fqn": ["\(package)", "\(name)"], "config": {"materialized": "view"}, "unrendered_config": {},
              "raw_code": \(sqlJSON), "description": "", "columns": {}, "version": null,
              "depends_on": {"macros": [], "nodes": [\(parents.map { "\"\($0)\"" }.joined(separator: ", "))]}}
            """
    }
    return """
        {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "dbt_version": "1.11.16",
                      "project_name": "shop", "adapter_type": "duckdb"},
         "nodes": {\(model("ga4", "stg_ga", packageSQL, parents: [])),
                   \(model("shop", "orders", ordersSQL, parents: ["model.ga4.stg_ga"])),
                   "test.shop.not_null_orders_id.1": {"name": "not_null_orders_id", "resource_type": "test",
                     "unique_id": "test.shop.not_null_orders_id.1", "attached_node": "model.shop.orders",
                     "column_name": "id", "test_metadata": {"name": "not_null"},
                     "depends_on": {"macros": [], "nodes": ["model.shop.orders"]}}},
         "sources": {}, "macros": {}, "exposures": {}, "parent_map": {}, "child_map": {}, "unit_tests": {}}
        """
}

@Suite("rationale impact --manifest, end to end")
struct ManifestCommandTests {
    @Test func packageChangeReachesTheProjectAndSaysManifestAnswered() throws {
        let repo = ScratchRepository()
        repo.write("prod/manifest.json", tinyManifest(packageSQL: "select 1 as id"))
        repo.write("target/manifest.json", tinyManifest(packageSQL: "select 2 as id"))
        let json = try rationale(["impact", "--manifest", "target/manifest.json", "--state", "prod", "--format", "json", "--with-tests"], in: repo.path)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["source"] as? String == "manifest")
        #expect(object["mode"] as? String == "manifest")
        #expect(object["base"] as? String == "prod/manifest.json")
        #expect(object["modified"] as? [String] == ["model.ga4.stg_ga"])
        #expect(object["downstream"] as? [String] == ["model.shop.orders"])
        #expect((object["tests"] as? [[String: Any]])?.first?["name"] as? String == "not_null_orders_id")

        let text = try rationale(["impact", "--manifest", "target/manifest.json", "--state", "prod/manifest.json"], in: repo.path)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("answered from dbt's manifests, not from git"))
        #expect(text.stdout.contains("body: raw code differs"))
    }

    @Test func aBrokenConfigurationIsSaidInManifestModeToo() throws {
        let repo = ScratchRepository()
        repo.write("prod/manifest.json", tinyManifest(packageSQL: "select 1 as id"))
        repo.write("target/manifest.json", tinyManifest(packageSQL: "select 2 as id"))
        repo.write(".rationale.yml", "downstream: [1\n")
        let run = try rationale(["impact", "--manifest", "target/manifest.json", "--state", "prod"], in: repo.path)
        #expect(run.status == 2)
        #expect(run.stderr.contains(".rationale.yml"), "\(run.stderr)")
    }

    @Test func gitModeSaysGitAnswered() throws {
        let repo = try shopRepository()
        repo.write("dbt/models/marts/orders.sql", "select 2\n")
        repo.stage("dbt/models/marts/orders.sql")
        let run = try rationale(["impact", "--format", "json"], in: repo.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"source\": \"git\""))
    }

    @Test(arguments: [
        (["--manifest", "target/manifest.json"], "--manifest needs --state"),
        (["--state", "prod"], "--state needs --manifest"),
        (["--manifest", "m.json", "--state", "prod", "--base", "main"], "leave out --staged, --worktree, --base and --head"),
    ])
    func flagMistakesAreRefusedWithTheFix(arguments: [String], message: String) throws {
        let repo = ScratchRepository()
        let run = try rationale(["impact"] + arguments, in: repo.path)
        #expect(run.status != 0)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    @Test func aFileThatIsNotAManifestNamesItself() throws {
        let repo = ScratchRepository()
        repo.write("prod/manifest.json", "{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/manifest/v7.json\"}}")
        repo.write("target/manifest.json", tinyManifest(packageSQL: "select 1"))
        let run = try rationale(["impact", "--manifest", "target/manifest.json", "--state", "prod"], in: repo.path)
        #expect(run.status != 0)
        #expect(run.stderr.contains("prod/manifest.json: manifest schema v7 is not supported"), "\(run.stderr)")
        let missing = try rationale(["impact", "--manifest", "nothing.json", "--state", "prod"], in: repo.path)
        #expect(missing.stderr.contains("nothing.json: not a dbt manifest (cannot read it"), "\(missing.stderr)")
    }
}

@Suite("rationale context --manifest, end to end")
struct ContextManifestTests {
    @Test func packShowsTheManifestsCodeAndSaysWhatAnswered() throws {
        let repo = ScratchRepository()
        repo.write("README.md", "scratch\n")
        _ = try repo.commit("base")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rationale-manifests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("prod"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try tinyManifest(packageSQL: "select 1 as id").write(to: dir.appendingPathComponent("prod/manifest.json"), atomically: true, encoding: .utf8)
        try tinyManifest(packageSQL: "select 2 as id -- from the package").write(
            to: dir.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8)
        let run = try rationale(
            [
                "context", "--manifest", dir.appendingPathComponent("manifest.json").path,
                "--state", dir.appendingPathComponent("prod").path, "--budget", "1000",
            ], in: repo.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("answered from dbt's manifests"))
        #expect(run.stdout.contains("select 2 as id -- from the package"))
        #expect(run.stdout.contains("`orders` (child"))
        let lonely = try rationale(["context", "--manifest", "m.json"], in: repo.path)
        #expect(lonely.status != 0)
        #expect(lonely.stderr.contains("--manifest needs --state"))
    }
}

@Suite("rationale narrate --manifest, end to end")
struct NarrateManifestTests {
    @Test func lineageComesFromTheManifestsAndTheDraftSaysSo() throws {
        let repo = try narrativeRepository()
        repo.write("prod/manifest.json", tinyManifest(packageSQL: "select 1 as id"))
        repo.write("head/manifest.json", tinyManifest(packageSQL: "select 2 as id"))
        let run = try rationale(["narrate", "--base", "main", "--manifest", "head/manifest.json", "--state", "prod", "--format", "json"], in: repo)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Lineage answered from dbt's manifests"))
        #expect(run.stdout.contains("model.ga4.stg_ga"))
        #expect(!run.stdout.contains("model.shop.stg_orders"), "the lineage is the manifests', not git's")
        let lonely = try rationale(["narrate", "--base", "main", "--state", "prod"], in: repo)
        #expect(lonely.status != 0)
        #expect(lonely.stderr.contains("--state needs --manifest"))
    }
}

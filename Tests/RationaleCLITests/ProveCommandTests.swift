import Foundation
import Testing
import _TestSupport

/// `rationale prove` with a stand-in for dbt that answers as dbt's JSON log does (the real dbt
/// runs in `make test`: Tests/prove/run_prove.py).
@Suite("rationale prove, end to end with a stand-in dbt")
struct ProveCommandTests {
    /// The program's answer for the tiny manifest's two models: stg_ga loses 2 of 10 rows and 3
    /// values change; orders, downstream, keeps its rows.
    static func answer(ordersBuilt: Bool = true, ordersChanged: Int = 0) -> String {
        let stg = """
            {"id": "model.ga4.stg_ga", "in_graph": true, "branch": "\\"db\\".\\"dev\\".\\"stg_ga\\"", "production": "\\"db\\".\\"prod\\".\\"stg_ga\\"",
             "same_relation": false, "production_columns": [["id", "INTEGER"], ["amount", "INTEGER"]], "branch_columns": [["id", "INTEGER"], ["amount", "INTEGER"]],
             "counts": {"production_rows": 10, "production_duplicates": 0, "production_nulls": 0, "branch_rows": 8, "branch_duplicates": 0, "branch_nulls": 0},
             "values": {"columns": ["amount"], "fallback": false, "left_out": 0, "as_text": [], "added": 0, "removed": 2, "changed": 3, "unchanged": 5,
                        "by_column": [3], "examples": [["changed", "4", "40", "39"], ["removed", "7", "70", null]]}}
            """
        let orders = """
            {"id": "model.shop.orders", "in_graph": true, "branch": \(ordersBuilt ? "\"\\\"db\\\".\\\"dev\\\".\\\"orders\\\"\"" : "null"), "production": "\\"db\\".\\"prod\\".\\"orders\\"",
             "same_relation": false, "production_columns": [["id", "INTEGER"]], "branch_columns": [["id", "INTEGER"]],
             "counts": {"production_rows": 5, "production_duplicates": 0, "production_nulls": 0, "branch_rows": 5, "branch_duplicates": 0, "branch_nulls": 0},
             "values": {"columns": ["id"], "fallback": false, "left_out": 0, "as_text": [], "added": 0, "removed": 0, "changed": \(ordersChanged), "unchanged": \(5 - ordersChanged),
                        "by_column": [\(ordersChanged)], "examples": []}}
            """
        return "[" + stg + ", " + orders + "]"
    }

    /// A repository with the tiny manifests (production's and the branch's) and a stand-in dbt
    /// that prints `events` and exits with `status`.
    static func repository(events: [String], status: Int32 = 0) throws -> (repo: ScratchRepository, bin: String) {
        let repo = ScratchRepository()
        repo.write("dbt_project.yml", "name: shop\n")
        repo.write(".gitignore", "target/\nprod/\nbin/\n")
        _ = try repo.commit("base")
        repo.write("prod/manifest.json", keyed(tinyManifest(packageSQL: "select 1 as id")))
        repo.write("target/manifest.json", keyed(tinyManifest(packageSQL: "select 2 as id")))
        repo.write("bin/events.jsonl", events.joined(separator: "\n") + "\n")
        // It also leaves the environment it was given beside itself.
        repo.write("bin/dbt", "#!/bin/sh\nenv > \"$(dirname \"$0\")/env.txt\"\ncat \"$(dirname \"$0\")/events.jsonl\"\nexit \(status)\n")
        repo.setExecutable("bin/dbt")
        return (repo, repo.absolute("bin"))
    }

    /// The tiny manifest with `unique` and `not_null` tests on `id` of both models (orders has
    /// `not_null` already).
    static func keyed(_ manifest: String) -> String {
        func test(_ kind: String, _ node: String) -> String {
            """
            "test.shop.\(kind)_\(node)_id.1": {"name": "\(kind)_\(node)_id", "resource_type": "test", "unique_id": "test.shop.\(kind)_\(node)_id.1",
              "attached_node": "\(node)", "column_name": "id", "test_metadata": {"name": "\(kind)"}, "depends_on": {"macros": [], "nodes": ["\(node)"]}},
            """
        }
        let tests = test("unique", "model.ga4.stg_ga") + test("not_null", "model.ga4.stg_ga") + test("unique", "model.shop.orders")
        return manifest.replacingOccurrences(of: #""test.shop.not_null_orders_id.1": {"#, with: tests + #""test.shop.not_null_orders_id.1": {"#)
    }

    static func show(_ answer: String) -> String {
        let cell = answer.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let preview = String(decoding: try! JSONEncoder().encode([["rationale_proof": cell]]), as: UTF8.self) // strings always encode
        let event: [String: Any] = ["info": ["name": "ShowNode", "level": "info", "msg": "…"], "data": ["preview": preview]]
        return String(decoding: try! JSONSerialization.data(withJSONObject: event), as: UTF8.self) // plain strings
    }

    static let version = #"{"info": {"name": "MainReportVersion", "level": "info", "msg": "Running with dbt=1.11.16"}, "data": {"version": "=1.11.16"}}"#
    static let adapter = #"{"info": {"name": "AdapterRegistered", "level": "info", "msg": ""}, "data": {"adapter_name": "duckdb"}}"#

    func run(_ arguments: [String], _ repo: ScratchRepository, path: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try rationale(["prove", "--state", "prod"] + arguments, in: repo, extra: ["PATH": path + ":/usr/bin:/bin"])
    }

    @Test func provesTheModifiedModelAndItsChild() throws {
        let (repo, bin) = try Self.repository(events: [Self.version, Self.adapter, Self.show(Self.answer())])
        let markdown = try run([], repo, path: bin)
        #expect(markdown.status == 0, "\(markdown.stdout)\(markdown.stderr)")
        #expect(markdown.stdout.contains("through dbt 1.11.16, duckdb: 1 dbt invocation"), "\(markdown.stdout)")
        #expect(
            markdown.stdout.contains(
                "| `stg_ga` | **modified** | 10 → 8 (**−2**, −20.0 %) | same | `id`: unique, not null on both sides | **3 changed**, **2 removed** (`amount` 3); 5 equal, 1 column |"
            ), "\(markdown.stdout)")
        #expect(markdown.stdout.contains("| `orders` | downstream (1) | 5 → 5 | same |"))
        #expect(markdown.stdout.contains("| changed | `4` | `amount`: `40` → `39` |"))

        let json = try run(["--format", "json", "--output", "proof.json"], repo, path: bin)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.contains("rationale prove: 2 models proved, 1 with changed data → proof.json"))
        let written = try #require(repo.read("proof.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "rationale.proof/1")
        let models = try #require(object["models"] as? [[String: Any]])
        #expect(models.map { $0["unique_id"] as? String } == ["model.ga4.stg_ga", "model.shop.orders"])
        #expect(models[0]["row_change"] as? Int == -2)
        #expect((models[0]["values"] as? [String: Any])?["changed"] as? Int == 3)

        // Every key docs/PROOF_JSON.md shows is in the output, and no undocumented one.
        let doc = try String(contentsOf: packageRoot.appendingPathComponent("docs/PROOF_JSON.md"), encoding: .utf8)
        let block = try #require(doc.components(separatedBy: "```json\n").dropFirst().first?.components(separatedBy: "```").first)
        let example = try #require(try JSONSerialization.jsonObject(with: Data(block.replacingOccurrences(of: "…", with: "").utf8)) as? [String: Any])
        #expect(Set(example.keys) == Set(object.keys))
        let exampleModel = try #require((example["models"] as? [[String: Any]])?.first)
        #expect(Set(exampleModel.keys) == Set(models[0].keys))
        for part in ["key", "values", "dbt"] {
            let documented = (exampleModel[part] ?? example[part]) as? [String: Any]
            let written = (models[0][part] ?? object[part]) as? [String: Any]
            #expect(Set(documented?.keys ?? [:].keys) == Set(written?.keys ?? [:].keys), "\(part)")
        }
    }

    @Test func dbtGetsTheUsersEnvironmentButNotTheForgeTokens() throws {
        let (repo, bin) = try Self.repository(events: [Self.show(Self.answer())])
        let run = try rationale(
            ["prove", "--state", "prod"], in: repo,
            extra: [
                "PATH": bin + ":/usr/bin:/bin", "GITHUB_TOKEN": "ghs_secret", "RATIONALE_GITLAB_TOKEN": "glpat_secret", "WAREHOUSE_PASSWORD": "dbt-reads-this",
            ])
        #expect(run.status == 0, "\(run.stderr)")
        let environment = try #require(repo.read("bin/env.txt"))
        #expect(environment.contains("WAREHOUSE_PASSWORD=dbt-reads-this"))
        #expect(environment.contains("RATIONALE_PROOF_PLAN={"))
        #expect(!environment.contains("ghs_secret") && !environment.contains("glpat_secret"))
    }

    @Test func badInputIsRefusedAndNothingIsWritten() throws {
        let (repo, bin) = try Self.repository(events: [Self.version, Self.show(Self.answer())])
        // No dbt on PATH.
        let none = try rationale(["prove", "--state", "prod", "--output", "proof.json"], in: repo, extra: ["PATH": "/usr/bin:/bin"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("no dbt on PATH: install dbt"), "\(none.stderr)")
        // No manifest of the branch, no production manifest.
        let noManifest = try run(["--manifest", "nope/manifest.json", "--output", "proof.json"], repo, path: bin)
        #expect(noManifest.status == 2)
        #expect(noManifest.stderr.contains("nope/manifest.json: no such file — build the branch first"), "\(noManifest.stderr)")
        let noState = try rationale(["prove", "--state", "nowhere", "--output", "proof.json"], in: repo, extra: ["PATH": bin + ":/usr/bin:/bin"])
        #expect(noState.status == 2)
        #expect(noState.stderr.contains("--state nowhere: no manifest.json there"), "\(noState.stderr)")
        let unknown = try run(["--select", "nope", "--output", "proof.json"], repo, path: bin)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--select nope: no such model, seed or snapshot in the manifests"), "\(unknown.stderr)")
        #expect(repo.read("proof.json") == nil)
    }

    @Test func dbtsErrorIsPassedOn() throws {
        let error =
            #"{"info": {"name": "MainEncounteredError", "level": "error", "msg": "Encountered an error:\nRuntime Error\n  The profile 'shop' does not have a target named 'nope'."}, "data": {}}"#
        let (repo, bin) = try Self.repository(events: [Self.version, error], status: 2)
        let run = try run(["--target", "nope", "--output", "proof.json"], repo, path: bin)
        #expect(run.status == 2)
        #expect(
            run.stderr.contains("dbt failed (exit 2):\nEncountered an error:\nRuntime Error\n  The profile 'shop' does not have a target named 'nope'."),
            "\(run.stderr)")
        #expect(repo.read("proof.json") == nil)
    }

    @Test func aModifiedModelNotBuiltIsAnErrorAChildNotBuiltIsReported() throws {
        let unbuilt = Self.answer().replacingOccurrences(of: #""branch": "\"db\".\"dev\".\"stg_ga\"""#, with: #""branch": null"#)
        let (repo, bin) = try Self.repository(events: [Self.show(unbuilt)])
        let run = try run(["--output", "proof.json"], repo, path: bin)
        #expect(run.status == 2)
        #expect(run.stderr.contains("`stg_ga` is modified but not built on the branch"), "\(run.stderr)")
        #expect(repo.read("proof.json") == nil)

        let (childRepo, childBin) = try Self.repository(events: [Self.show(Self.answer(ordersBuilt: false))])
        let child = try self.run([], childRepo, path: childBin)
        #expect(child.status == 0, "\(child.stderr)")
        #expect(child.stdout.contains("| `orders` | downstream (1) | not built on the branch (production's data) |"), "\(child.stdout)")
    }

    @Test func anExclusionTheDataContradictsFailsAtItsLine() throws {
        let (repo, bin) = try Self.repository(events: [Self.show(Self.answer(ordersChanged: 2))])
        let summary = ".project/sessions/2026-11-20-ga-fix/SUMMARY.md"
        try repo.git("checkout", "-q", "-b", "feature")
        repo.write(
            summary,
            """
            <!-- rationale:session title="GA fix" kind=bugfix started=2026-11-20 -->
            # GA fix

            ## Context decisions
            - loaded: stg_ga — the model whose rows change
            - excluded: orders — reads ids only, unaffected

            ## What was done
            `stg_ga` drops test events.

            """)
        _ = try repo.commit("session")
        let run = try run(["--base", "main"], repo, path: bin)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("**What the data says against the sessions:**"))
        #expect(
            run.stdout.contains(
                "error (`excluded_data_changed`): the session excludes `orders` (reads ids only, unaffected), but proof.json shows its data changed (2 changed)"
            ), "\(run.stdout)")
        #expect(run.stdout.contains("`\(summary):6`"), "\(run.stdout)")
    }

    @Test func theNarrativeCarriesTheProofAndWhatItSaysAgainstTheSessions() throws {
        let (repo, bin) = try Self.repository(events: [Self.version, Self.show(Self.answer(ordersChanged: 2))])
        try repo.git("checkout", "-q", "-b", "feature")
        repo.write(
            ".project/sessions/2026-11-20-ga-fix/SUMMARY.md",
            "<!-- rationale:session title=\"GA fix\" kind=bugfix started=2026-11-20 -->\n# GA fix\n\n## Context decisions\n- excluded: orders — unaffected\n")
        _ = try repo.commit("session")
        let proved = try run(["--base", "main", "--format", "json", "--output", "proof.json"], repo, path: bin)
        #expect(proved.status == 1, "\(proved.stderr)")
        let narrative = try rationale(["narrate", "--base", "main", "--proof", "proof.json"], in: repo)
        #expect(narrative.status == 0, "\(narrative.stderr)")
        let section = narrative.stdout.components(separatedBy: "### Proof of correctness").last?.components(separatedBy: "\n### ").first ?? ""
        #expect(section.contains("**Data proof**"), "\(narrative.stdout)")
        #expect(section.contains("| `stg_ga` | **modified** | 10 → 8 (**−2**, −20.0 %) |"))
        #expect(section.contains("error (`excluded_data_changed`): the session excludes `orders` (unaffected)"), "\(section)")
        #expect(section.contains("From `proof.json` (`rationale prove`)."))
        #expect(!section.contains("rationale:todo how you checked the data"), "the proof says how")
        // Proved on another commit: said.
        repo.write("notes.txt", "later\n")
        _ = try repo.commit("later")
        let later = try rationale(["narrate", "--base", "main", "--proof", "proof.json"], in: repo)
        #expect(later.stdout.contains("**proof.json is of commit "), "\(later.stdout)")
        let missing = try rationale(["narrate", "--base", "main", "--proof", "nope.json"], in: repo)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--proof nope.json: no such file — write it with `rationale prove"), "\(missing.stderr)")
        repo.write("bad.json", "{\"schema\": \"rationale.impact/1\"}")
        let bad = try rationale(["narrate", "--base", "main", "--proof", "bad.json"], in: repo)
        #expect(bad.status == 2 && bad.stderr.contains("bad.json has schema rationale.impact/1"), "\(bad.stderr)")
    }
}

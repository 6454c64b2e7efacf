import Foundation
import GitKit
import Testing
import _TestSupport
@testable import Lineage

/// A small dbt project written into a scratch repository, for engine tests.
func writeShop(_ repo: ScratchRepository, root: String = "") {
    let p = root.isEmpty ? "" : root + "/"
    repo.write(
        p + "dbt_project.yml",
        """
        name: shop
        profile: shop
        vars:
          cutoff: '2020-01-01'
        models:
          shop:
            staging:
              +materialized: view
            marts:
              +materialized: table
        """)
    repo.write(
        p + "profiles.yml",
        """
        shop:
          target: dev
          outputs:
            dev:
              type: duckdb
              path: shop.duckdb
        """)
    repo.write(
        p + "models/staging/_sources.yml",
        """
        version: 2
        sources:
          - name: raw
            freshness: {warn_after: {count: 12, period: hour}}
            loaded_at_field: _loaded_at
            tables:
              - name: orders
              - name: customers
        """)
    repo.write(p + "models/staging/stg_orders.sql", "select * from {{ source('raw', 'orders') }}\n")
    repo.write(p + "models/staging/stg_customers.sql", "select *, {{ clean('name') }} as n from {{ source('raw', 'customers') }}\n")
    repo.write(
        p + "models/marts/orders.sql",
        """
        select o.*, {{ cents('amount') }} as dollars
        from {{ ref('stg_orders') }} o
        where o.created_at > '{{ var("cutoff") }}'
        """)
    repo.write(p + "models/marts/customers.sql", "select * from {{ ref('stg_customers') }} join {{ ref('orders') }} using (id)\n")
    repo.write(
        p + "models/marts/_marts.yml",
        """
        version: 2
        models:
          - name: orders
            description: One row per order.
            columns:
              - name: id
                data_tests: [unique, not_null]
        exposures:
          - name: dashboard
            type: dashboard
            owner: {name: A, email: a@example.com}
            depends_on: [ref('customers')]
        """)
    repo.write(p + "macros/cents.sql", "{% macro cents(c) %}{{ c }} / {{ divisor() }}{% endmacro %}\n{% macro divisor() %}100{% endmacro %}\n")
    repo.write(
        p + "macros/clean.sql",
        """
        {% macro clean(c) %}{{ return(adapter.dispatch('clean', 'shop')(c)) }}{% endmacro %}
        {% macro default__clean(c) %}trim({{ c }}){% endmacro %}
        {% macro duckdb__clean(c) %}trim({{ c }}){% endmacro %}
        {% macro postgres__clean(c) %}btrim({{ c }}){% endmacro %}
        """)
}

func impact(
    _ repo: ScratchRepository, _ comparison: Comparison = .staged, project: String? = nil,
    options: ImpactOptions = ImpactOptions(), cache: ParseCache? = nil, adapter: String? = nil
) throws -> ImpactResult {
    let repository = try Repository.discover(from: repo.path)
    let engine = ImpactEngine(repository: repository, cache: cache ?? ParseCache(file: nil, version: "test"))
    return try engine.run(ImpactRequest(comparison: comparison, project: project, adapter: adapter, options: options))
}

@Suite("Impact engine on real repositories")
struct ImpactEngineTests {
    @Test func stagedSQLEditSelectsTheModelAndItsDescendants() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        _ = try repo.commit("base")
        repo.write("models/staging/stg_orders.sql", "select *, 1 as x from {{ source('raw', 'orders') }}\n")
        repo.stage("models/staging/stg_orders.sql")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.ids(.modified) == ["model.shop.stg_orders"])
        #expect(report.ids(.downstream) == ["exposure.shop.dashboard", "model.shop.customers", "model.shop.orders"])
        #expect(report.nodes.first?.reasons.map(\.code) == ["body"])
        #expect(report.selector == "stg_orders+")
        let customers = try #require(report.nodes.first { $0.node.uniqueID == "model.shop.customers" })
        #expect(customers.distance == 2)
    }

    @Test func unbornHeadCountsAsTheEmptyTree() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        _ = try repo.git("add", "-A")
        let result = try impact(repo)
        #expect(result.base == "empty")
        let report = try #require(result.reports.first)
        #expect(report.ids(.modified).count == 7)
        #expect(report.nodes.allSatisfy { $0.reasons.first?.code == "new" })
    }

    @Test func innerMacroEditReachesModelsThroughTheOuterMacro() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        let base = try repo.commit("base")
        try repo.git("checkout", "-q", "-b", "change")
        repo.write("macros/cents.sql", "{% macro cents(c) %}{{ c }} / {{ divisor() }}{% endmacro %}\n{% macro divisor() %}100.0{% endmacro %}\n")
        _ = try repo.commit("inner macro")
        let report = try #require(try impact(repo, .range(base: base, head: nil)).reports.first)
        #expect(report.ids(.modified) == ["model.shop.orders"])
        #expect(report.nodes.first?.reasons.first?.code == "macros")
        #expect(report.nodes.first?.reasons.first?.detail.contains("divisor") == true)
    }

    @Test(arguments: [
        ("postgres__clean", "btrim(x)", [String]()),
        ("default__clean", "ltrim(x)", [String]()),
        ("duckdb__clean", "rtrim(x)", ["model.shop.stg_customers"]),
    ])
    func dispatchFollowsTheAdapterFromProfiles(macro: String, body: String, expected: [String]) throws {
        let repo = ScratchRepository()
        writeShop(repo)
        _ = try repo.commit("base")
        let old = try #require(repo.read("macros/clean.sql"))
        let lines = old.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains("macro \(macro)(") ? "{% macro \(macro)(c) %}\(body){% endmacro %}" : String(line)
        }
        repo.write("macros/clean.sql", lines.joined(separator: "\n"))
        repo.stage("macros/clean.sql")
        let result = try impact(repo)
        #expect(result.adapter == "duckdb")
        #expect(result.reports.first?.ids(.modified) == expected)
    }

    @Test func deletedRenamedAndVarsAreReportedBeyondDbt() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        let base = try repo.commit("base")
        try repo.git("checkout", "-q", "-b", "change")
        repo.move("models/staging/stg_customers.sql", "models/staging/stg_clients.sql")
        repo.write("dbt_project.yml", try #require(repo.read("dbt_project.yml")).replacingOccurrences(of: "2020-01-01", with: "2021-01-01"))
        repo.remove("models/marts/customers.sql")
        _ = try repo.commit("rename, delete, var")
        let full = try #require(try impact(repo, .range(base: base, head: "change")).reports.first)
        let clients = try #require(full.nodes.first { $0.node.uniqueID == "model.shop.stg_clients" })
        #expect(clients.reasons.map(\.code) == ["new", "renamed"])
        #expect(clients.reasons.last?.detail.contains("model.shop.stg_customers") == true)
        #expect(full.ids(.deleted) == ["model.shop.customers"])
        let deleted = try #require(full.nodes.first { $0.role == .deleted })
        #expect(deleted.reasons.first?.detail.contains("still referenced by exposure.shop.dashboard") == true)
        let orders = try #require(full.nodes.first { $0.node.uniqueID == "model.shop.orders" })
        #expect(orders.reasons.map(\.code) == ["vars"])
        #expect(orders.reasons.first?.dbt == false)

        let compatible = try #require(try impact(repo, .range(base: base, head: "change"), options: ImpactOptions(dbtCompatible: true)).reports.first)
        // The exposure lost its parent (its depends_on changed): dbt would refuse to parse it.
        #expect(compatible.ids(.modified) == ["exposure.shop.dashboard", "model.shop.stg_clients"])
        #expect(compatible.ids(.deleted).isEmpty)
    }

    @Test func projectConfigChangeSelectsTheFolder() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        _ = try repo.commit("base")
        repo.write(
            "dbt_project.yml", try #require(repo.read("dbt_project.yml")).replacingOccurrences(of: "+materialized: table", with: "+materialized: incremental"))
        repo.stage("dbt_project.yml")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.ids(.modified) == ["model.shop.customers", "model.shop.orders"])
        #expect(report.nodes.first?.reasons.first?.code == "configs")
    }

    @Test func worktreeIncludesUntrackedModels() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        _ = try repo.commit("base")
        repo.write("models/marts/new_model.sql", "select * from {{ ref('orders') }}\n")
        let staged = try #require(try impact(repo).reports.first)
        #expect(staged.nodes.isEmpty)
        let worktree = try #require(try impact(repo, .worktree).reports.first)
        #expect(worktree.ids(.modified) == ["model.shop.new_model"])
    }

    @Test func warmRunIsServedFromTheCache() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        _ = try repo.commit("base")
        repo.write("models/staging/stg_orders.sql", "select 2\n")
        repo.stage("models/staging/stg_orders.sql")
        let file = repo.root + "/cache.bin"
        let cold = ParseCache(file: file, version: "t")
        let coldEngine = ImpactEngine(repository: try Repository.discover(from: repo.path), cache: cold)
        _ = try coldEngine.run(ImpactRequest(comparison: .staged))
        #expect(cold.misses > 0)
        coldEngine.saveCaches()
        let warm = ParseCache(file: file, version: "t")
        let report = try #require(try impact(repo, cache: warm).reports.first)
        #expect(warm.misses == 0, "a warm run parses nothing anew")
        #expect(FileManager.default.fileExists(atPath: repo.root + "/projects"), "HEAD's project was kept whole")
        #expect(report.ids(.modified) == ["model.shop.stg_orders"])
    }

    @Test func monorepoFindsTheTouchedProjectAndProjectPicks() throws {
        let repo = ScratchRepository()
        writeShop(repo, root: "analytics")
        writeShop(repo, root: "finance/dbt")
        _ = try repo.commit("base")
        repo.write("finance/dbt/models/marts/orders.sql", "select 1 from {{ ref('stg_orders') }}\n")
        repo.stage("finance/dbt/models/marts/orders.sql")
        let auto = try impact(repo)
        #expect(auto.reports.map(\.project.root) == ["finance/dbt"])
        #expect(auto.reports.first?.ids(.modified) == ["model.shop.orders"])
        let picked = try impact(repo, project: "analytics")
        #expect(picked.reports.first?.nodes.isEmpty == true)
        #expect(throws: LineageError.self) { try impact(repo, project: "nowhere") }
    }

    @Test func badInputIsAClearError() throws {
        let repo = ScratchRepository()
        repo.write("README.md", "no dbt here\n")
        _ = try repo.commit("base")
        #expect(throws: LineageError.noProject(revision: "this revision")) { try impact(repo) }

        writeShop(repo)
        repo.write("models/marts/_broken.yml", "version: 2\nmodels:\n  - name: x\n    columns: [\n")
        _ = try repo.git("add", "-A")
        do {
            _ = try impact(repo)
            Issue.record("malformed YAML should fail")
        } catch let LineageError.malformedYAML(file, line, _) {
            #expect(file == "models/marts/_broken.yml")
            #expect(line != nil)
        }
        repo.remove("models/marts/_broken.yml")
        repo.write("models/marts/blob.sql", bytes: [0x00, 0x01, 0xFF])
        _ = try repo.git("add", "-A")
        #expect(throws: LineageError.notText(file: "models/marts/blob.sql")) { try impact(repo) }
        #expect(throws: GitError.self) { try impact(repo, .range(base: "no-such-branch", head: nil)) }
    }
}

@Suite("Incremental head")
struct IncrementalHeadTests {
    func summary(_ result: ImpactResult) -> [String] {
        (result.reports.first?.nodes ?? []).map { item in
            "\(item.role.rawValue) \(item.node.uniqueID) \(item.distance) \(item.reasons.map(\.code).joined(separator: ",")) parents=\(item.node.parents.joined(separator: ","))"
        }
    }

    @Test(arguments: [
        ["models/staging/stg_orders.sql": "select *, 1 as x from {{ source('raw', 'orders') }}\n"],
        ["models/marts/customers.sql": "select * from {{ ref('stg_customers') }}\n"],
        ["models/marts/orders.sql": "{{ config(materialized='incremental') }}\nselect {{ divisor() }} from {{ ref('stg_customers') }}\n"],
        ["models/marts/orders.sql": "{{ config(enabled=false) }}\nselect 1\n"],
        [
            "models/marts/orders.sql": "select * from {{ ref(var('which')) }}\n",
            "models/staging/stg_orders.sql": "-- comment\nselect * from {{ source('raw', 'orders') }}\n",
        ],
    ])
    func patchedHeadGivesTheSameAnswerAsAFullRead(edits: [String: String]) throws {
        let repo = ScratchRepository()
        writeShop(repo)
        _ = try repo.commit("base")
        for (path, content) in edits { repo.write(path, content) }
        _ = try repo.git("add", "-A")
        let repository = try Repository.discover(from: repo.path)
        let fast = try ImpactEngine(repository: repository, cache: ParseCache(file: nil, version: "t"))
            .run(ImpactRequest(comparison: .staged))
        let full = try ImpactEngine(repository: repository, cache: ParseCache(file: nil, version: "t"), incremental: false)
            .run(ImpactRequest(comparison: .staged))
        #expect(summary(fast) == summary(full))
        #expect(!summary(full).isEmpty)
        #expect(fast.reports.first?.project.unresolved == full.reports.first?.project.unresolved)
    }

    @Test func projectCacheAnswersLikeAColdRun() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        let base = try repo.commit("base")
        _ = try repo.git("checkout", "-q", "-b", "change")
        repo.write("macros/cents.sql", "{% macro cents(c) %}{{ c }} / 1000{% endmacro %}\n{% macro divisor() %}100{% endmacro %}\n")
        repo.write("models/staging/stg_orders.sql", "select 1 from {{ source('raw', 'orders') }}\n")
        _ = try repo.commit("change")
        let file = repo.root + "/cache/parse-cache.bin"
        let repository = try Repository.discover(from: repo.path)
        let coldEngine = ImpactEngine(repository: repository, cache: ParseCache(file: file, version: "t"))
        let cold = try coldEngine.run(ImpactRequest(comparison: .range(base: base, head: "change")))
        coldEngine.saveCaches()
        #expect(FileManager.default.fileExists(atPath: repo.root + "/cache/projects"))
        let warm = try ImpactEngine(repository: repository, cache: ParseCache(file: file, version: "t"))
            .run(ImpactRequest(comparison: .range(base: base, head: "change")))
        #expect(summary(cold) == summary(warm))
        #expect(summary(warm).contains { $0.hasPrefix("modified model.shop.orders") && $0.contains("macros") })
    }
}

@Suite("More dbt resources")
struct MoreResourceTests {
    @Test func yamlSnapshotsUnitTestsAndTests() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        repo.write(
            "snapshots/_snapshots.yml",
            """
            snapshots:
              - name: orders_snapshot
                relation: ref('stg_orders')
                config:
                  unique_key: id
                  strategy: timestamp
                  updated_at: updated_at
            unit_tests:
              - name: test_orders_dollars
                model: orders
                given: []
                expect: {rows: []}
            """)
        _ = try repo.commit("base")
        repo.write(
            "snapshots/_snapshots.yml",
            try #require(repo.read("snapshots/_snapshots.yml")).replacingOccurrences(of: "strategy: timestamp", with: "strategy: check"))
        repo.write("models/staging/stg_orders.sql", "select 1 as id from {{ source('raw', 'orders') }}\n")
        _ = try repo.git("add", "-A")
        let report = try #require(try impact(repo, options: ImpactOptions(withTests: true)).reports.first)
        let snapshot = try #require(report.nodes.first { $0.node.uniqueID == "snapshot.shop.orders_snapshot" })
        #expect(snapshot.role == .modified)
        #expect(snapshot.reasons.map(\.code).contains("configs"))
        #expect(snapshot.node.parents == ["model.shop.stg_orders"])
        #expect(report.tests.contains { $0.name == "test_orders_dollars" && $0.kind == "unit_test" && $0.attachedTo == "model.shop.orders" })
        #expect(report.tests.contains { $0.name == "unique_orders_id" && $0.attachedTo == "model.shop.orders" })
    }

    @Test func seedsOfOneMebibyteAreComparedByPathOnly() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        let big = "id,name\n" + String(repeating: "1,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", count: 26_000)
        #expect(big.utf8.count >= ProjectLoader.seedChecksumLimit)
        repo.write("seeds/big.csv", big)
        repo.write("seeds/small.csv", "id\n1\n")
        _ = try repo.commit("base")
        repo.write("seeds/big.csv", big + "2,b\n")
        repo.write("seeds/small.csv", "id\n2\n")
        _ = try repo.git("add", "-A")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.ids(.modified) == ["seed.shop.small"])
    }

    @Test func aFileOfHundredsOfMegabytesIsRefused() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        _ = try repo.commit("base")
        let line = String(repeating: "-", count: 1023) + "\n"
        repo.write("models/marts/huge.sql", String(repeating: line, count: 65 * 1024 + 1))
        _ = try repo.git("add", "-A")
        do {
            _ = try impact(repo)
            Issue.record("a huge file should be refused")
        } catch let LineageError.fileTooLarge(file, bytes, limit) {
            #expect(file == "models/marts/huge.sql")
            #expect(bytes > limit)
        }
    }
}

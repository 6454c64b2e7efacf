import Foundation
import GitKit
import Testing
import _TestSupport
@testable import Lineage

/// Kinds of change where real projects' history showed rationale and dbt disagreeing; each is
/// also a live-dbt scenario in `make oracle`.
@Suite("dbt parity on real-project kinds")
struct DbtParityTests {
    /// Commits the shop, applies `edit`, stages everything and returns the modified ids.
    func modified(
        after edit: (ScratchRepository) -> Void, adapter: String? = nil,
        setUp: (ScratchRepository) -> Void = { _ in }
    ) throws -> [String] {
        let repo = ScratchRepository()
        writeShop(repo)
        setUp(repo)
        _ = try repo.commit("base")
        edit(repo)
        _ = try repo.git("add", "-A")
        let repository = try Repository.discover(from: repo.path)
        let engine = ImpactEngine(repository: repository, cache: ParseCache(file: nil, version: "test"))
        let result = try engine.run(ImpactRequest(comparison: .staged, adapter: adapter))
        return result.reports.flatMap { $0.ids(.modified) }
    }

    @Test func trailingWhitespaceAndBlankLinesAreNoBodyChange() throws {
        // dbt strips every file it loads (load_file_contents(strip=True)) before raw_code.
        let ids = try modified { repo in
            repo.write("models/staging/stg_orders.sql", "\n\nselect * from {{ source('raw', 'orders') }}\n\n\n   \n")
        }
        #expect(ids == [])
        let changed = try modified { repo in
            repo.write("models/staging/stg_orders.sql", "select *  from {{ source('raw', 'orders') }}\n")
        }
        #expect(changed == ["model.shop.stg_orders"], "whitespace inside the text is still a body change")
    }

    @Test func aMacroCalledFromAHookIsADependency() throws {
        let setUp: (ScratchRepository) -> Void = { repo in
            repo.write("macros/grants.sql", "{% macro grant_select(r) %}grant select on {{ r }} to reporter{% endmacro %}\n")
            repo.write("macros/audit.sql", "{% macro audit() %}insert into audit values (1){% endmacro %}\n")
            repo.write(
                "models/marts/customers.sql",
                "{{ config(post_hook=\"{{ grant_select(this) }}\") }}\nselect * from {{ ref('stg_customers') }} join {{ ref('orders') }} using (id)\n")
            let project = repo.read("dbt_project.yml") ?? ""
            let hooked = project.replacingOccurrences(
                of: "    staging:\n      +materialized: view",
                with: "    staging:\n      +materialized: view\n      +pre-hook: \"{{ audit() }}\"")
            precondition(hooked != project, "the project-level hook must be in place")
            repo.write("dbt_project.yml", hooked)
        }
        let fromConfig = try modified(
            after: { repo in
                repo.write("macros/grants.sql", "{% macro grant_select(r) %}grant select on {{ r }} to analyst{% endmacro %}\n")
            }, setUp: setUp)
        #expect(fromConfig == ["model.shop.customers"])
        let fromProject = try modified(
            after: { repo in
                repo.write("macros/audit.sql", "{% macro audit() %}insert into audit values (2){% endmacro %}\n")
            }, setUp: setUp)
        #expect(fromProject == ["model.shop.stg_customers", "model.shop.stg_orders"])
    }

    @Test(arguments: [
        ("redshift", "postgres__clean", ["model.shop.stg_customers"]),
        ("redshift", "default__clean", [String]()),
        ("snowflake", "default__clean", ["model.shop.stg_customers"]),
        ("snowflake", "postgres__clean", [String]()),
    ])
    func dispatchFollowsTheAdapterChain(adapter: String, macro: String, expected: [String]) throws {
        // dbt-redshift's plugin declares postgres as its parent: redshift__ → postgres__ → default__.
        let ids = try modified(
            after: { repo in
                let old = repo.read("macros/clean.sql") ?? ""
                let lines = old.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    line.contains("macro \(macro)(") ? "{% macro \(macro)(c) %}upper({{ c }}){% endmacro %}" : String(line)
                }
                repo.write("macros/clean.sql", lines.joined(separator: "\n"))
            }, adapter: adapter,
            setUp: { repo in
                // No duckdb__ override in play: the chain decides.
                let old = repo.read("macros/clean.sql") ?? ""
                repo.write("macros/clean.sql", old.replacingOccurrences(of: "{% macro duckdb__clean(c) %}trim({{ c }}){% endmacro %}\n", with: ""))
            })
        #expect(ids == expected)
    }

    @Test func aRootMacroOverridesADispatchedPackageMacroWithoutADispatchConfig() throws {
        // dbt searches the root project first for a namespace it has installed (no search order set).
        let ids = try modified(
            after: { repo in
                repo.write("macros/star.sql", "{% macro default__star(r) %}{{ r }}.*, 2 as v{% endmacro %}\n")
            },
            setUp: { repo in
                repo.write("macros/star.sql", "{% macro default__star(r) %}{{ r }}.*{% endmacro %}\n")
                repo.write("models/marts/orders.sql", "select {{ adapter.dispatch('star', 'dbt_utils')('o') }} from {{ ref('stg_orders') }} o\n")
            })
        #expect(ids == ["model.shop.orders"])
    }

    @Test func aConstraintAddedToAContractedColumnChangesTheContract() throws {
        let contracted = """
            version: 2
            models:
              - name: orders
                config:
                  contract: {enforced: true}
                columns:
                  - name: id
                    data_type: integer
                    CONSTRAINTS
                  - name: amount
                    data_type: numeric
            """
        let setUp: (ScratchRepository) -> Void = { repo in
            repo.write("models/marts/_marts.yml", contracted.replacingOccurrences(of: "        CONSTRAINTS\n", with: ""))
        }
        let added = try modified(
            after: { repo in
                repo.write("models/marts/_marts.yml", contracted.replacingOccurrences(of: "CONSTRAINTS", with: "constraints: [{type: not_null}]"))
            }, setUp: setUp)
        #expect(added == ["model.shop.orders"])
        let reordered = try modified(
            after: { repo in
                // dbt sorts columns by name before its checksum: a reorder is no change.
                let text = contracted.replacingOccurrences(of: "        CONSTRAINTS\n", with: "")
                let swapped = text.replacingOccurrences(
                    of: "      - name: id\n        data_type: integer\n      - name: amount\n        data_type: numeric",
                    with: "      - name: amount\n        data_type: numeric\n      - name: id\n        data_type: integer")
                repo.write("models/marts/_marts.yml", swapped)
            }, setUp: setUp)
        #expect(reordered == [])
    }

    @Test func duplicateKeysInAPropertiesFileAreReadAsDbtReadsThem() throws {
        let ids = try modified { repo in
            repo.write(
                "models/marts/_marts.yml",
                """
                version: 2
                models:
                  - name: orders
                    description: One row per order.
                    config:
                      materialized: view
                    config:
                      materialized: incremental
                """)
        }
        #expect(ids == ["model.shop.orders"], "the last `config:` wins, and it changes the materialisation")
    }
}

@Suite("Parse-time edges")
struct ParseTimeEdgeTests {
    @Test func aRefInsideAMacroIsAnEdgeOfTheModelThatCallsIt() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        repo.write(
            "macros/graph.sql",
            """
            {% macro all_orders() %}{{ return(adapter.dispatch('all_orders', 'shop')()) }}{% endmacro %}
            {% macro default__all_orders() %}select * from {{ ref('orders') }} union all {{ inner_sources() }}{% endmacro %}
            {% macro inner_sources() %}select * from {{ source('raw', 'orders') }}{% endmacro %}
            """)
        repo.write("models/marts/order_graph.sql", "with g as ({{ all_orders() }}) select * from g\n")
        _ = try repo.commit("base")
        repo.write("models/marts/orders.sql", (repo.read("models/marts/orders.sql") ?? "") + "\n-- edited\n")
        repo.stage("models/marts/orders.sql")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.ids(.modified) == ["model.shop.orders"])
        #expect(report.ids(.downstream).contains("model.shop.order_graph"), "dbt renders the macro at parse time: its ref is an edge")
        let graph = try #require(report.project.nodes["model.shop.order_graph"])
        #expect(Set(graph.parents) == ["model.shop.orders", "source.shop.raw.orders"])
    }

    @Test func aMacroThatRefsItsParameterRefsTheStringItsCallerPasses() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        repo.write(
            "macros/dims.sql",
            """
            {% macro historical_dim(staging_table, date_col, ignore_cols=[]) %}
            select * from {{ ref(staging_table) }} where {{ date_col }} is not null
            {% endmacro %}
            """)
        // Keyword and positional calls; a call with an expression names nothing.
        repo.write("models/marts/orders_dim.sql", "{{ historical_dim(staging_table='orders', date_col='dt') }}\n")
        repo.write("models/marts/orders_dim_positional.sql", "{{ historical_dim('orders', 'dt') }}\n")
        repo.write("models/marts/orders_dim_dynamic.sql", "{% set t = 'orders' %}{{ historical_dim(t, 'orders') }}\n")
        _ = try repo.commit("base")
        repo.write("models/marts/orders.sql", (repo.read("models/marts/orders.sql") ?? "") + "\n-- edited\n")
        repo.stage("models/marts/orders.sql")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.ids(.modified) == ["model.shop.orders"])
        let downstream = Set(report.ids(.downstream))
        #expect(
            downstream.isSuperset(of: ["model.shop.orders_dim", "model.shop.orders_dim_positional"]),
            "dbt renders the call with its arguments: ref(staging_table) is ref('orders')")
        // The second positional argument is date_col, which the macro does not ref.
        #expect(!downstream.contains("model.shop.orders_dim_dynamic"))
    }

    @Test func aProjectMacroNamedSourceOrRefIsAMacroOfEveryNodeThatCallsIt() throws {
        let modified = try DbtParityTests().modified(
            after: { repo in
                repo.write("macros/source.sql", "{% macro source(s, t) %}{{ return(builtins.source(s | trim, t)) }}{% endmacro %}\n")
            },
            setUp: { repo in
                repo.write("macros/source.sql", "{% macro source(s, t) %}{{ return(builtins.source(s, t)) }}{% endmacro %}\n")
            })
        let repo = ScratchRepository()
        writeShop(repo)
        let callers = try repo.git("grep", "--untracked", "-l", "source(", "--", "models").split(separator: "\n").filter { $0.hasSuffix(".sql") }
        #expect(!callers.isEmpty)
        #expect(Set(modified) == Set(callers.map { "model.shop." + ($0.split(separator: "/").last ?? "").dropLast(4) }))
    }

    @Test func aJinjaEnabledInTheProjectFileIsRenderedWithTheTargetType() throws {
        // ol-data-platform 0e4011820c: `+enabled: "{{ target.type == 'starrocks' }}"`.
        for (adapter, exists) in [("duckdb", false), ("starrocks", true)] {
            let repo = ScratchRepository()
            writeShop(repo)
            let project = repo.read("dbt_project.yml") ?? ""
            repo.write(
                "dbt_project.yml",
                project.replacingOccurrences(
                    of: "    marts:\n      +materialized: table",
                    with: "    marts:\n      +materialized: table\n      +enabled: \"{{ target.type == 'starrocks' }}\""))
            _ = try repo.commit("base")
            repo.write("models/marts/new_mart.sql", "select 1\n")
            repo.stage("models/marts/new_mart.sql")
            let modified = try impact(repo, adapter: adapter).reports.flatMap { $0.ids(.modified) }
            #expect(modified == (exists ? ["model.shop.new_mart"] : []), "adapter \(adapter)")
        }
    }

    @Test func aDescriptionMovedIntoADocsBlockIsNoChangeAndEditingTheBlockIs() throws {
        // cal-itp 70262509ff: column descriptions replaced by `{{ doc("...") }}` of the same text.
        func write(_ repo: ScratchRepository, description: String, block: String) {
            let project = repo.read("dbt_project.yml") ?? ""
            if !project.contains("persist_docs") {
                repo.write("dbt_project.yml", project + "\n    +persist_docs: {columns: true}\n")
            }
            repo.write(
                "models/marts/_orders.yml", "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        description: \(description)\n")
            repo.write("models/docs.md", "{% docs order_id %}\n\(block)\n{% enddocs %}\n")
        }
        let moved = try DbtParityTests().modified(
            after: { write($0, description: "'{{ doc(\"order_id\") }}'", block: "The order's id.") },
            setUp: { write($0, description: "The order's id.", block: "The order's id.") })
        #expect(moved == [])
        let edited = try DbtParityTests().modified(
            after: { write($0, description: "'{{ doc(\"order_id\") }}'", block: "The order id.") },
            setUp: { write($0, description: "'{{ doc(\"order_id\") }}'", block: "The order's id.") })
        #expect(edited == ["model.shop.orders"])
    }

    @Test func aBlockScalarEndingThePropertiesFileKeepsNoFinalLineBreak() throws {
        // cal-itp b6a4ba5a4f: a model appended after one whose last column description was a
        // `|` block ending the file: dbt reads files stripped, so that description gained "\n".
        func write(_ repo: ScratchRepository, appended: String) {
            let project = repo.read("dbt_project.yml") ?? ""
            if !project.contains("persist_docs") {
                repo.write("dbt_project.yml", project + "\n    +persist_docs: {columns: true}\n")
            }
            repo.write(
                "models/marts/_orders.yml",
                "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        description: |\n          The order id.\n" + appended)
        }
        let modified = try DbtParityTests().modified(
            after: { write($0, appended: "  - name: customers\n") },
            setUp: { write($0, appended: "") })
        #expect(modified == ["model.shop.orders"])
        guard case .yaml(let value) = ParsedFile.parse(Array("a: |\n  x\n  y\n\n".utf8), as: .yaml) else {
            Issue.record("not YAML")
            return
        }
        #expect(value["a"] == .string("x\ny"))
    }

    @Test func aJinjaEnabledInTheProjectFileSeesTheProjectsVars() throws {
        // tuva: `+enabled: "{{ var('enable_data_quality', false) | as_bool }}"`, the var set by the
        // project that installs it.
        for (value, exists) in [("true", true), ("false", false)] {
            let repo = ScratchRepository()
            writeShop(repo)
            let project = (repo.read("dbt_project.yml") ?? "").replacingOccurrences(
                of: "cutoff: '2020-01-01'", with: "cutoff: '2020-01-01'\n  marts_on: \(value)")
            repo.write(
                "dbt_project.yml",
                project.replacingOccurrences(
                    of: "    marts:\n      +materialized: table",
                    with: "    marts:\n      +materialized: table\n      +enabled: \"{{ var('marts_on', false) | as_bool }}\""))
            _ = try repo.commit("base")
            repo.write("models/marts/new_mart.sql", "select 1\n")
            repo.stage("models/marts/new_mart.sql")
            let modified = try impact(repo).reports.flatMap { $0.ids(.modified) }
            #expect(modified == (exists ? ["model.shop.new_mart"] : []), "marts_on: \(value)")
        }
    }

    @Test func refsOfALoopOverALiteralListAreEdgesUnlessTheirConditionIsFalse() throws {
        // tuva data_quality__analytical_data_marts: names extended under `if var(...)`, then
        // `-- depends_on: {{ ref(name) }}` in a loop.
        let repo = ScratchRepository()
        writeShop(repo)
        let project = (repo.read("dbt_project.yml") ?? "").replacingOccurrences(
            of: "cutoff: '2020-01-01'", with: "cutoff: '2020-01-01'\n  with_customers: true\n  with_orders: false")
        repo.write("dbt_project.yml", project)
        _ = try repo.commit("base")
        repo.write(
            "models/marts/summary.sql",
            """
            {% set names = [] %}
            {% if var('with_customers', false) | as_bool %}
              {% do names.extend(['customers']) %}
            {% endif %}
            {% if var('with_orders', false) | as_bool %}
              {% do names.append('orders') %}
            {% endif %}
            {% for name in names %}
            -- depends_on: {{ ref(name) }}
            {% endfor %}
            {% for other in computed_names() %}{{ ref(other) }}{% endfor %}
            select 1
            """)
        repo.stage("models/marts/summary.sql")
        let report = try #require(try impact(repo).reports.first)
        let summary = try #require(report.project.nodes["model.shop.summary"])
        #expect(Set(summary.parents) == ["model.shop.customers"])
        #expect(report.project.unresolved.map(\.text) == ["ref(other)"])
    }

    @Test func macroParametersAndCallArgumentsAreScanned() {
        let result = TemplateScanner.scanTemplate(
            Array(
                """
                {% macro m(a, b=ref('x'), c=[1, 2]) %}{{ ref(a) }}{{ ref(b) }}{{ ref(zz) }}{% endmacro %}
                {{ m('one', c='two', b=none) }}{{ dbt_utils.star(from=ref('x')) }}{{ other(1, 2) }}
                """.utf8))
        let block = try? #require(result.blocks.first)
        #expect(block?.parameters == ["a", "b", "c"])
        #expect(block?.scan.parameterRefs == ["a", "b", "zz"])
        #expect(result.scan.callArguments == [.init(macro: "m", positional: ["one"], keywords: ["c": "two"])])
    }
}

@Suite("Rendered config() arguments")
struct RenderedConfigTests {
    @Test func aVarInAConfigCallIsComparedByItsValue() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        repo.write("models/marts/orders.sql", "{{ config(materialized=var('orders_mat', 'table')) }}\n" + (repo.read("models/marts/orders.sql") ?? ""))
        _ = try repo.commit("base")
        // The var's value changes in dbt_project.yml: dbt sees a new materialisation.
        let project = repo.read("dbt_project.yml") ?? ""
        repo.write("dbt_project.yml", project.replacingOccurrences(of: "vars:\n", with: "vars:\n  orders_mat: incremental\n"))
        repo.stage("dbt_project.yml")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.ids(.modified).contains("model.shop.orders"))
        #expect(report.project.nodes["model.shop.orders"]?.config["materialized"] == .string("incremental"))
    }

    @Test func rewritingAConfigExpressionToTheSameValueIsNoChange() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        let body = repo.read("models/marts/customers.sql") ?? ""
        repo.write("models/marts/customers.sql", "{{ config(materialized='table') }}\n" + body)
        _ = try repo.commit("base")
        repo.write("models/marts/customers.sql", "{{ config(materialized=var('customers_mat', 'table')) }}\n" + body)
        repo.stage("models/marts/customers.sql")
        let report = try #require(try impact(repo).reports.first)
        let customers = try #require(report.nodes.first { $0.node.uniqueID == "model.shop.customers" })
        #expect(customers.reasons.map(\.code) == ["body"], "the rendered config is the same: only the body differs")
    }
}

@Suite("Source freshness as dbt merges it")
struct SourceFreshnessTests {
    static func parse(_ text: String) -> Value? { try? YAMLComposer.compose(text) }

    @Test func aTableLevelNullWarnAfterLeavesNothingSet() {
        // dbt-project-evaluator 087f02d: the source gains warn_after, one table turns it off.
        let source = Self.parse("{warn_after: {count: 12, period: hour}}")
        let table = Self.parse("{warn_after: null}")
        #expect(SourceFreshness.merged(source: source, sourceConfig: nil, table: table, tableConfig: nil) == .string("default"))
        #expect(SourceFreshness.merged(source: nil, sourceConfig: nil, table: nil, tableConfig: nil) == .string("default"))
        let inherited = SourceFreshness.merged(source: source, sourceConfig: nil, table: nil, tableConfig: nil)
        #expect(inherited["warn_after"]?["count"] == .int(12))
        #expect(SourceFreshness.merged(source: source, sourceConfig: nil, table: .null, tableConfig: nil) == .null)
    }

    @Test func movingFreshnessUnderConfigIsNoChange() throws {
        // dbt-project-evaluator 1eabf3a839: `freshness:` moved into `config:` (dbt 1.10 style).
        func sources(_ body: String) -> String {
            "version: 2\nsources:\n  - name: app\n" + body + "    tables:\n      - name: users\n      - name: events\n"
        }
        let modified = try DbtParityTests().modified(
            after: { repo in
                repo.write(
                    "models/_app.yml", sources("    config:\n      freshness:\n        warn_after: {count: 12, period: hour}\n      loaded_at_field: _at\n"))
            },
            setUp: { repo in
                repo.write("models/_app.yml", sources("    freshness:\n      warn_after: {count: 12, period: hour}\n    loaded_at_field: _at\n"))
            })
        #expect(modified == [])
        let changed = try DbtParityTests().modified(
            after: { repo in
                repo.write("models/_app.yml", sources("    config:\n      freshness:\n        warn_after: {count: 6, period: hour}\n"))
            },
            setUp: { repo in
                repo.write("models/_app.yml", sources("    freshness:\n      warn_after: {count: 12, period: hour}\n"))
            })
        #expect(Set(changed) == ["source.shop.app.users", "source.shop.app.events"])
    }

    @Test func aTableRefinesItsSourceThreshold() {
        let source = Self.parse("{warn_after: {count: 12, period: hour}, error_after: {count: 24, period: hour}}")
        let table = Self.parse("{error_after: {count: 2, period: day}}")
        let merged = SourceFreshness.merged(source: source, sourceConfig: nil, table: table, tableConfig: nil)
        #expect(merged["warn_after"]?["count"] == .int(12))
        #expect(merged["error_after"]?["period"] == .string("day"))
    }
}

@Suite("Renames and deletes that leave dependents behind")
struct BrokenReferenceTests {
    @Test func aRenameThatBreaksDependentsSaysSoAndRebuildsThem() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        _ = try repo.commit("base")
        _ = try repo.git("mv", "models/marts/orders.sql", "models/marts/orders_v2.sql")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.ids(.modified) == ["model.shop.orders_v2"])
        let renamed = try #require(report.nodes.first { $0.node.uniqueID == "model.shop.orders_v2" })
        #expect(renamed.reasons.contains { $0.code == "renamed" && $0.detail.contains("still referenced by model.shop.customers") })
        // customers still refs 'orders': it is broken, so it is in the answer and in the selector,
        // and so is what lies below it.
        let customers = try #require(report.nodes.first { $0.node.uniqueID == "model.shop.customers" })
        #expect(customers.reasons.contains { $0.code == "broken_ref" && !$0.dbt })
        #expect(report.ids(.downstream).contains("exposure.shop.dashboard"))
        #expect(report.selector.split(separator: " ").contains("customers+"))
        #expect(report.selector.split(separator: " ").contains("orders_v2+"))

        // dbt's own answer does not carry them (dbt would refuse to parse the project).
        let repository = try Repository.discover(from: repo.path)
        let engine = ImpactEngine(repository: repository, cache: ParseCache(file: nil, version: "test"))
        var options = ImpactOptions()
        options.dbtCompatible = true
        let compatible = try #require(try engine.run(ImpactRequest(comparison: .staged, options: options)).reports.first)
        #expect(!compatible.nodes.contains { $0.node.uniqueID == "model.shop.customers" })
    }

    @Test func aDeleteThatBreaksDependentsPutsThemInTheSelector() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        _ = try repo.commit("base")
        _ = try repo.git("rm", "-q", "models/staging/stg_customers.sql")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.ids(.deleted) == ["model.shop.stg_customers"])
        #expect(report.nodes.first { $0.node.uniqueID == "model.shop.customers" }?.reasons.contains { $0.code == "broken_ref" } == true)
        #expect(report.selector.split(separator: " ").contains("customers+"))
    }
}

@Suite("Local packages")
struct LocalPackageTests {
    /// A package at the repository root and its integration-test project, which installs it
    /// with `local: ../` (dbt-project-evaluator's layout).
    func writePackageRepository(_ repo: ScratchRepository) {
        repo.write("dbt_project.yml", "name: pkg\nversion: '1.0'\nvars:\n  pkg_limit: 10\n")
        repo.write("models/base_orders.sql", "select * from {{ source('raw', 'orders') }} limit {{ var('pkg_limit') }}\n")
        repo.write("models/_sources.yml", "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n")
        repo.write("macros/helpers.sql", "{% macro pkg_cast(c) %}cast({{ c }} as int){% endmacro %}\n")
        repo.write(
            "integration_tests/dbt_project.yml",
            """
            name: pkg_integration_tests
            version: '1.0'
            profile: it
            models:
              pkg:
                +materialized: table
            """)
        repo.write("integration_tests/packages.yml", "packages:\n  - local: ../\n")
        repo.write("integration_tests/models/check_orders.sql", "select {{ pkg.pkg_cast('id') }} from {{ ref('base_orders') }}\n")
    }

    func report(_ repo: ScratchRepository, project: String) throws -> ImpactReport {
        try #require(try impact(repo, project: project).reports.first)
    }

    @Test func aChangeInTheLocalPackageModifiesItsNodesInTheProjectThatInstallsIt() throws {
        let repo = ScratchRepository()
        writePackageRepository(repo)
        _ = try repo.commit("base")
        repo.write("models/base_orders.sql", "select id from {{ source('raw', 'orders') }} limit {{ var('pkg_limit') }}\n")
        repo.stage("models/base_orders.sql")
        let integration = try report(repo, project: "integration_tests")
        #expect(integration.ids(.modified) == ["model.pkg.base_orders"])
        #expect(integration.ids(.downstream) == ["model.pkg_integration_tests.check_orders"])
        let base = try #require(integration.project.nodes["model.pkg.base_orders"])
        #expect(base.config["materialized"] == .string("table"), "the root project's `models: pkg:` config applies")
        #expect(base.parents == ["source.pkg.raw.orders"])
        let check = try #require(integration.project.nodes["model.pkg_integration_tests.check_orders"])
        #expect(check.parents == ["model.pkg.base_orders"])
        #expect(check.macroDependencies == ["macro.pkg.pkg_cast"])
    }

    @Test func aChangeInThePackageAloneTouchesTheProjectThatInstallsIt() throws {
        // No --project: the monorepo's projects the change touches, the installing one included.
        let repo = ScratchRepository()
        writePackageRepository(repo)
        _ = try repo.commit("base")
        repo.write("models/base_orders.sql", "select 2 from {{ source('raw', 'orders') }}\n")
        repo.stage("models/base_orders.sql")
        let result = try impact(repo)
        #expect(result.reports.map(\.project.root) == ["", "integration_tests"])
        #expect(result.reports.last?.ids(.modified) == ["model.pkg.base_orders"])
    }

    @Test func aPackageMacroEditReachesTheProjectNodesThatCallIt() throws {
        let repo = ScratchRepository()
        writePackageRepository(repo)
        _ = try repo.commit("base")
        repo.write("macros/helpers.sql", "{% macro pkg_cast(c) %}cast({{ c }} as bigint){% endmacro %}\n")
        repo.stage("macros/helpers.sql")
        #expect(try report(repo, project: "integration_tests").ids(.modified) == ["model.pkg_integration_tests.check_orders"])
    }

    @Test func aTwoArgumentRefNamesTheInstalledPackagesNode() throws {
        let repo = ScratchRepository()
        writePackageRepository(repo)
        repo.write("integration_tests/models/pinned_orders.sql", "select * from {{ ref('pkg', 'base_orders') }}\n")
        repo.write("integration_tests/models/other_package.sql", "select * from {{ ref('not_installed', 'base_orders') }}\n")
        _ = try repo.commit("base")
        repo.write("models/base_orders.sql", "select id from {{ source('raw', 'orders') }} limit {{ var('pkg_limit') }}\n")
        repo.stage("models/base_orders.sql")
        let integration = try report(repo, project: "integration_tests")
        #expect(integration.ids(.modified) == ["model.pkg.base_orders"])
        #expect(integration.ids(.downstream).contains("model.pkg_integration_tests.pinned_orders"))
        #expect(!integration.ids(.downstream).contains("model.pkg_integration_tests.other_package"))
        #expect(integration.project.nodes["model.pkg_integration_tests.other_package"]?.unknownReferences == ["ref('not_installed', 'base_orders')"])
    }

    @Test func aPackageModelRefsTheModelOfTheProjectThatInstallsIt() throws {
        // tuva: the package's models ref input-layer models its integration_tests project defines.
        let repo = ScratchRepository()
        writePackageRepository(repo)
        repo.write("models/uses_input.sql", "select * from {{ ref('input_orders') }}\n")
        repo.write("integration_tests/models/input_orders.sql", "select * from {{ ref('orders_seed') }}\n")
        repo.write("integration_tests/seeds/orders_seed.csv", "id\n1\n")
        _ = try repo.commit("base")
        repo.write("integration_tests/seeds/orders_seed.csv", "id\n1\n2\n")
        repo.stage("integration_tests/seeds/orders_seed.csv")
        let integration = try report(repo, project: "integration_tests")
        #expect(integration.ids(.modified) == ["seed.pkg_integration_tests.orders_seed"])
        #expect(Set(integration.ids(.downstream)).isSuperset(of: ["model.pkg_integration_tests.input_orders", "model.pkg.uses_input"]))
        #expect(integration.project.nodes["model.pkg.uses_input"]?.unknownReferences == [])
    }

    @Test func theRootProjectsVarsOverrideThePackagesOwn() throws {
        let repo = ScratchRepository()
        writePackageRepository(repo)
        repo.write("models/base_orders.sql", "{{ config(materialized=var('pkg_mat', 'view')) }}\nselect 1\n")
        _ = try repo.commit("base")
        let project = repo.read("integration_tests/dbt_project.yml") ?? ""
        repo.write("integration_tests/dbt_project.yml", project + "\nvars:\n  pkg:\n    pkg_mat: incremental\n")
        repo.stage("integration_tests/dbt_project.yml")
        let integration = try report(repo, project: "integration_tests")
        #expect(integration.ids(.modified).contains("model.pkg.base_orders"))
        #expect(integration.project.nodes["model.pkg.base_orders"]?.config["materialized"] == .string("incremental"))
    }

    @Test func aLocalPathOutsideTheRepositoryIsNotFollowed() {
        #expect(ProjectLoader.resolve("../", from: "integration_tests") == "")
        #expect(ProjectLoader.resolve("../../elsewhere", from: "integration_tests") == nil)
        #expect(ProjectLoader.resolve("/etc", from: "") == nil)
        #expect(ProjectLoader.resolve("./sub/pkg", from: "a") == "a/sub/pkg")
    }
}

@Suite("Partial clones")
struct PartialCloneTests {
    @Test func aMissingBlobIsNamedAndTheRestOfTheAnswerStillComes() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        let base = try repo.commit("base")
        repo.write("models/staging/stg_orders.sql", "select *, 2 as x from {{ source('raw', 'orders') }}\n")
        repo.write(
            "models/marts/_marts.yml",
            (repo.read("models/marts/_marts.yml") ?? "").replacingOccurrences(of: "One row per order.", with: "One row per placed order."))
        _ = try repo.commit("edit")
        _ = try repo.git("config", "uploadpack.allowFilter", "true")
        let clone = repo.root + "/partial"
        _ = try repo.git(in: repo.root, "clone", "-q", "--filter=blob:none", "file://" + repo.path, clone)
        let repository = try Repository.discover(from: clone)
        let engine = ImpactEngine(repository: repository, cache: ParseCache(file: nil, version: "test"))
        let result = try engine.run(ImpactRequest(comparison: .range(base: base, head: "HEAD")))
        let report = try #require(result.reports.first)
        #expect(report.ids(.modified).contains("model.shop.stg_orders"))
        // The base of _marts.yml is missing too: orders is compared without it (reported, and
        // named in the note), and everything below the change is still there.
        #expect(Set(report.ids(.modified) + report.ids(.downstream)).isSuperset(of: ["model.shop.orders", "model.shop.customers", "exposure.shop.dashboard"]))
        let note = try #require(report.notes.first { $0.code == "missing_blobs" })
        #expect(note.message.contains("models/staging/stg_orders.sql"))
        #expect(note.message.contains("models/marts/_marts.yml"))
        #expect(note.message.contains("git fetch"))
    }
}

@Suite("Local packages inside the project folder")
struct NestedLocalPackageTests {
    @Test func aPackageFolderInsideTheProjectIsReadWithItsOwnFiles() throws {
        // dbt-project-evaluator's integration_tests/exclude_package, installed with `local: exclude_package/`.
        let repo = ScratchRepository()
        repo.write("integration_tests/dbt_project.yml", "name: it\nversion: '1.0'\n")
        repo.write("integration_tests/packages.yml", "packages:\n  - local: exclude_package/\n")
        repo.write("integration_tests/models/uses.sql", "select * from {{ ref('excluded_model') }}\n")
        repo.write("integration_tests/exclude_package/dbt_project.yml", "name: exclude_package\nversion: '1.0'\n")
        repo.write("integration_tests/exclude_package/models/excluded_model.sql", "select 1\n")
        _ = try repo.commit("base")
        repo.write("integration_tests/exclude_package/models/excluded_model.sql", "select 2\n")
        repo.stage("integration_tests/exclude_package/models/excluded_model.sql")
        let report = try #require(try impact(repo, project: "integration_tests").reports.first)
        #expect(report.ids(.modified) == ["model.exclude_package.excluded_model"])
        #expect(report.ids(.downstream) == ["model.it.uses"])
    }
}

/// Packages `dbt deps` installed into `dbt_packages/` (ignored by git): read from the working
/// tree, the same code on both sides.
@Suite("Installed packages")
struct InstalledPackageTests {
    func writeInstalled(_ repo: ScratchRepository) {
        writeShop(repo)
        repo.write(".gitignore", "dbt_packages/\n")
        repo.write("packages.yml", "packages:\n  - package: acme/audit\n    version: 1.0.0\n")
        repo.write("dbt_packages/audit/dbt_project.yml", "name: audit\nversion: '1.0'\nmodels:\n  audit:\n    +materialized: view\n")
        repo.write("dbt_packages/audit/models/audit_log.sql", "select 1 as id\n")
        repo.write("dbt_packages/audit/integration_tests/models/not_read.sql", "select {{ ref('nowhere') }}\n")
        repo.write("dbt_packages/audit/macros/audit_cols.sql", "{% macro audit_cols() %}1 as audited{% endmacro %}\n")
        repo.write("models/marts/audited_orders.sql", "select {{ audit.audit_cols() }}, * from {{ ref('audit_log') }}\n")
    }

    @Test func aRootConfigOnAPackageModelModifiesItAndWhatDependsOnIt() throws {
        let repo = ScratchRepository()
        writeInstalled(repo)
        _ = try repo.commit("base")
        #expect(try repo.git("status", "--porcelain").isEmpty, "dbt_packages/ is ignored, as dbt deps leaves it")
        let project = repo.read("dbt_project.yml") ?? ""
        repo.write("dbt_project.yml", project + "\n  audit:\n    +schema: audit_trail\n")
        repo.stage("dbt_project.yml")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.ids(.modified) == ["model.audit.audit_log"])
        #expect(report.ids(.downstream).contains("model.shop.audited_orders"))
        #expect(report.project.nodes["model.audit.not_read"] == nil, "only the package's resource paths are read")
        #expect(!report.notes.contains { $0.code == "packages_not_installed" })
    }

    @Test func anInstalledPackageMacroIsTheSameOnBothSides() throws {
        let repo = ScratchRepository()
        writeInstalled(repo)
        _ = try repo.commit("base")
        repo.write("models/marts/audited_orders.sql", "select {{ audit.audit_cols() }}, id from {{ ref('audit_log') }}\n")
        repo.stage("models/marts/audited_orders.sql")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.ids(.modified) == ["model.shop.audited_orders"])
        #expect(report.project.nodes["model.shop.audited_orders"]?.macroDependencies == ["macro.audit.audit_cols"])
    }

    @Test func withoutDbtPackagesTheAnswerSaysSo() throws {
        let repo = ScratchRepository()
        writeInstalled(repo)
        repo.remove("dbt_packages")
        _ = try repo.commit("base")
        repo.write("models/marts/audited_orders.sql", "select 2\n")
        repo.stage("models/marts/audited_orders.sql")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.notes.contains { $0.code == "packages_not_installed" && $0.message.contains("dbt deps") })
    }

    @Test func linksInsideOrAsTheInstallFolderAreNotFollowed() throws {
        let outside = ScratchRepository()
        outside.write("evil/dbt_project.yml", "name: evil\nversion: '1.0'\n")
        outside.write("evil/models/evil_model.sql", "select 1\n")
        let repo = ScratchRepository()
        writeInstalled(repo)
        repo.symlink("dbt_packages/evil", to: outside.absolute("evil"))
        _ = try repo.commit("base")
        let project = repo.read("dbt_project.yml") ?? ""
        repo.write("dbt_project.yml", project + "\n  evil:\n    +schema: x\n")
        repo.stage("dbt_project.yml")
        let report = try #require(try impact(repo).reports.first)
        #expect(report.project.nodes["model.evil.evil_model"] == nil)
        #expect(report.project.nodes["model.audit.audit_log"] != nil)

        let linked = ScratchRepository()
        writeShop(linked)
        linked.write(".gitignore", "dbt_packages\n")
        linked.symlink("dbt_packages", to: outside.absolute(""))
        _ = try linked.commit("base")
        linked.write("models/marts/orders.sql", "select 3\n")
        linked.stage("models/marts/orders.sql")
        let linkedReport = try #require(try impact(linked).reports.first)
        #expect(!linkedReport.project.nodes.keys.contains { $0.hasPrefix("model.evil.") })
    }
}

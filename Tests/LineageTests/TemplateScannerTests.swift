import Testing
@testable import Lineage

@Suite("Template scanner")
struct TemplateScannerTests {
    func scan(_ text: String) -> ReferenceScan {
        TemplateScanner.scanTemplate(Array(text.utf8)).scan
    }

    @Test func readsRefSourceAndVersions() {
        let s = scan(
            """
            select * from {{ ref('stg_orders') }}
            join {{ ref("pkg", "dim") }} using (id)
            join {{ ref('dim_customers', v=2) }} using (id)
            join {{ ref('dim_customers', version='1') }} using (id)
            join {{ source('raw', 'orders') }} using (id)
            """)
        #expect(s.refs.map(\.name) == ["stg_orders", "dim", "dim_customers", "dim_customers"])
        #expect(s.refs[1].package == "pkg")
        #expect(s.refs[2].version == "2")
        #expect(s.refs[3].version == "1")
        #expect(s.refs.map(\.line) == [1, 2, 3, 4])
        #expect(s.sources.first?.source == "raw")
        #expect(s.sources.first?.table == "orders")
    }

    @Test func jinjaCommentsHideReferencesButSQLCommentsDoNot() {
        let s = scan(
            """
            {# {{ ref('hidden') }} #}
            -- {{ ref('rendered_in_sql_comment') }}
            /* ref('not_jinja') */
            select 1
            """)
        #expect(s.refs.map(\.name) == ["rendered_in_sql_comment"])
    }

    @Test func nonLiteralRefIsUnresolvedWithLine() {
        let s = scan("select 1\nfrom {{ ref(var('model_name')) }}\n")
        #expect(s.refs.isEmpty)
        #expect(s.unresolved.count == 1)
        #expect(s.unresolved.first?.line == 2)
        #expect(s.unresolved.first?.text == "ref(var('model_name'))")
        #expect(s.vars == ["model_name"])
    }

    @Test func configKeepsLiteralsAndUnrenderedExpressions() {
        let s = scan("{{ config(materialized='incremental', unique_key=['a', 'b'], enabled=true, schema=env_var('S'), meta={'owner': 'x'}) }}")
        #expect(s.config["materialized"] == .string("incremental"))
        #expect(s.config["unique_key"] == .list([.string("a"), .string("b")]))
        #expect(s.config["enabled"] == .bool(true))
        #expect(s.config["schema"] == .string("env_var('S')"))
        #expect(s.config["meta"]?["owner"] == .string("x"))
    }

    @Test func macroCallsAndDispatch() {
        let result = TemplateScanner.scanTemplate(
            Array(
                """
                {% macro outer(x) -%}
                  {{ inner(x) | trim }} {{ my_project.helper() }} {{ adapter.quote(x) }}
                {%- endmacro %}
                {% macro m() %}{{ return(adapter.dispatch('m', 'my_project')()) }}{% endmacro %}
                {% test positive(model, column_name) %}select 1{% endtest %}
                """.utf8))
        #expect(result.blocks.map(\.name) == ["outer", "m", "positive"])
        #expect(result.blocks[0].scan.macroCalls == ["inner", "my_project.helper"])
        #expect(result.blocks[1].scan.dispatches == ["my_project.m"])
        #expect(result.blocks[1].scan.macroCalls.isEmpty)
        #expect(result.blocks[0].text.hasPrefix("{% macro outer(x) -%}"))
        #expect(result.blocks[0].text.hasSuffix("{%- endmacro %}"))
        #expect(result.blocks[2].kind == "test")
    }

    @Test func filtersAndStringsAreNotCalls() {
        let s = scan("{{ \"ref('x')\" | replace('a', 'b') }} {% set y = 'source(1,2)' %}")
        #expect(s.refs.isEmpty)
        #expect(s.sources.isEmpty)
        #expect(s.macroCalls.isEmpty)
    }

    @Test func snapshotBlockBodyAndRawBlocks() {
        let result = TemplateScanner.scanTemplate(
            Array(
                """
                {% snapshot orders_snap %}
                {{ config(strategy='check', check_cols=['status']) }}
                select * from {{ ref('stg_orders') }}
                {% endsnapshot %}
                {% raw %}{{ ref('not_a_ref') }}{% endraw %}
                """.utf8))
        #expect(result.blocks.count == 1)
        let block = result.blocks[0]
        #expect(block.kind == "snapshot")
        #expect(block.scan.refs.map(\.name) == ["stg_orders"])
        #expect(block.scan.config["check_cols"] == .list([.string("status")]))
        #expect(block.body.contains("select * from"))
        #expect(result.scan.refs.isEmpty)
    }

    @Test func pythonModels() {
        let s = TemplateScanner.scanPython(
            Array(
                """
                # dbt.ref('commented')
                def model(dbt, session):
                    dbt.config(materialized="table")
                    orders = dbt.ref("fct_orders")
                    other = dbt.ref("pkg", "thing", v=1)
                    raw = dbt.source("raw", "events")
                    text = "dbt.ref('in_string')"
                    return orders
                """.utf8))
        #expect(s.refs.map(\.name) == ["fct_orders", "thing"])
        #expect(s.refs[1].package == "pkg")
        #expect(s.sources.map(\.table) == ["events"])
        #expect(s.config["materialized"] == .string("table"))
    }
}

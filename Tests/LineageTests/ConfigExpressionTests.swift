import Testing
@testable import Lineage

@Suite("config() expressions")
struct ConfigExpressionTests {
    static let context = RenderContext(
        variable: { name in ["mat": .string("incremental"), "on": .bool(true), "days": .int(3)][name] },
        environment: ["DBT_ENV": "prod"], target: ["type": .string("snowflake"), "name": .string("dev")])

    @Test(arguments: [
        ("var('mat')", Value.string("incremental")),
        ("var('missing', 'view')", .string("view")),
        ("var('on')", .bool(true)),
        ("'table' if target.name == 'prod' else 'view'", .string("view")),
        ("'table' if target.type in ['snowflake', 'bigquery'] else 'view'", .string("table")),
        ("'a_' ~ var('days') ~ '_b'", .string("a_3_b")),
        ("var('days') + 1", .int(4)),
        ("env_var('DBT_ENV', 'dev') == 'prod'", .bool(true)),
        ("env_var('UNSET', 'fallback')", .string("fallback")),
        ("{'owner': var('mat'), 'tier': 1}", .map([("owner", .string("incremental")), ("tier", .int(1))])),
        ("[var('mat'), 'x']", .list([.string("incremental"), .string("x")])),
        ("not var('on')", .bool(false)),
        ("var('on') and target.name == 'dev'", .bool(true)),
        ("'VIEW' | lower", .string("view")),
        ("('x')", .string("x")),
    ])
    func renders(text: String, expected: Value) {
        #expect(ConfigExpression.evaluate(text, in: Self.context) == expected, "\(text)")
    }

    /// ol-data-platform 0e4011820c: `database: '{{ target.database | default(none) }}'` replaced
    /// `'{{ target.database }}'` in every sources file: the same value to dbt, so no change.
    @Test func anUnknownTargetAttributeStandsForItselfAndNothingLooksInside() {
        let bare = RenderContext(variable: { _ in nil }, environment: nil, target: ["type": .string("trino")])
        #expect(
            ConfigExpression.renderTemplate("{{ target.database }}", in: bare)
                == ConfigExpression.renderTemplate("{{ target.database | default(none) }}", in: bare))
        #expect(ConfigExpression.evaluate("target.database", in: bare) != nil)
        #expect(ConfigExpression.evaluate("target.schema ~ '_raw'", in: bare) == .string("{{ target.schema }}_raw"))
        for looksInside in [
            "target.name == 'prod'", "'qa' in target.name", "target.name | upper", "not target.name",
            "'a' if target.name else 'b'", "target.name and true", "target.nonsense",
        ] {
            #expect(ConfigExpression.evaluate(looksInside, in: bare) == nil, "\(looksInside)")
        }
        #expect(ConfigExpression.evaluate("target.type == 'trino'", in: bare) == .bool(true))
        #expect(ConfigExpression.evaluate("var('x', 'y') | default('z')", in: bare) == .string("y"))
    }

    @Test(arguments: [
        "my_macro()",
        "target.name | replace('a', 'b')",
        "var('mat')[0]",
        "this.schema",
        "run_started_at",
        "var('mat') +",
        String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500),
    ])
    func leavesWhatItCannotKnow(text: String) {
        #expect(ConfigExpression.evaluate(text, in: Self.context) == nil, "\(text)")
    }

    @Test func environmentVariablesAreNotReadWhenTheContextForbidsIt() {
        let sealed = RenderContext(variable: { _ in nil }, environment: nil, target: [:])
        #expect(ConfigExpression.evaluate("env_var('DBT_ENV', 'dev')", in: sealed) == nil)
    }
}

@Suite("Rendered property files")
struct RenderedPropertiesTests {
    static let context = RenderContext(
        variable: { $0 == "tier" ? .int(2) : nil }, environment: nil,
        target: ["type": .string("duckdb")])

    @Test func renderedWhereDbtRendersAndKeptWhereItDoesNot() throws {
        let document = try YAMLComposer.compose(
            """
            models:
              - name: orders
                description: "{{ doc('orders') }}"
                config:
                  materialized: "{{ 'table' if target.type == 'duckdb' else 'view' }}"
                  meta: {tier: "{{ var('tier') }}", label: "tier_{{ var('tier') }}"}
                  post_hook: "{{ audit() }}"
                columns:
                  - name: id
                    data_type: "{{ 'UInt8' if target.type in ['clickhouse'] else 'integer' }}"
                    description: "{{ var('tier') }}"
                    data_tests: ["{{ var('tier') }}"]
            sources:
              - name: raw
                description: "{{ var('tier') }}"
                tables:
                  - name: t
                    identifier: "t_{{ var('tier') }}"
                    description: "{{ var('tier') }}"
            """)
        let rendered = ConfigExpression.renderProperties(document, in: Self.context)
        let model = try #require(rendered["models"]?.list?.first)
        #expect(model["config"]?["materialized"] == .string("table"))
        #expect(model["config"]?["meta"]?["tier"] == .int(2), "one expression alone keeps its native type")
        #expect(model["config"]?["meta"]?["label"] == .string("tier_2"))
        #expect(model["config"]?["post_hook"] == .string("{{ audit() }}"), "hooks render later, per node")
        #expect(model["description"] == .string("{{ doc('orders') }}"))
        let column = try #require(model["columns"]?.list?.first)
        #expect(column["data_type"] == .string("integer"))
        #expect(column["description"] == .string("{{ var('tier') }}"))
        #expect(column["data_tests"] == .list([.string("{{ var('tier') }}")]))
        let table = try #require(rendered["sources"]?.list?.first?["tables"]?.list?.first)
        #expect(table["identifier"] == .string("t_2"))
        #expect(table["description"] == .string("{{ var('tier') }}"))
        #expect(rendered["sources"]?.list?.first?["description"] == .string("{{ var('tier') }}"))
    }
}

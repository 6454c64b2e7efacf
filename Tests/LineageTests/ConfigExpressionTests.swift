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

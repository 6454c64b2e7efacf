import Testing
@testable import RationaleCLI

@Suite(".rationale.yml")
struct RationaleConfigTests {
    @Test func readsKnownKeys() throws {
        let config = try RationaleConfig.parse(Array("adapter: duckdb\nproject: analytics/dbt\ndownstream: 2\n".utf8), file: ".rationale.yml")
        #expect(config == RationaleConfig(adapter: "duckdb", project: "analytics/dbt", downstream: 2))
        #expect(try RationaleConfig.parse([], file: ".rationale.yml") == RationaleConfig())
    }

    @Test(arguments: [
        ("adaptor: duckdb\n", "unknown key `adaptor`"),
        ("downstream: many\n", "bad value for `downstream`"),
        ("adapter: [a]\n", "bad value for `adapter`"),
        ("- adapter\n", "expected a mapping"),
        ("adapter: [\n", "malformed YAML"),
    ])
    func badInputNamesTheKey(text: String, message: String) {
        #expect {
            _ = try RationaleConfig.parse(Array(text.utf8), file: ".rationale.yml")
        } throws: { error in
            (error as? ConfigError)?.errorDescription?.contains(message) == true
                && (error as? ConfigError)?.errorDescription?.hasPrefix(".rationale.yml") == true
        }
    }
}

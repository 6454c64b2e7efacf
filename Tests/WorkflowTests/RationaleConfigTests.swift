import Foundation
import Sessions
import Testing
@testable import Workflow

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite(".rationale.yml")
struct RationaleConfigTests {
    @Test func readsKnownKeys() throws {
        let config = try RationaleConfig.parse(Array("adapter: duckdb\nproject: analytics/dbt\ndownstream: 2\n".utf8), file: ".rationale.yml")
        var expected = RationaleConfig()
        expected.adapter = "duckdb"
        expected.project = "analytics/dbt"
        expected.downstream = 2
        #expect(config == expected)
        #expect(try RationaleConfig.parse([], file: ".rationale.yml") == RationaleConfig())
    }

    @Test func readsSessionKeys() throws {
        let text = """
            sessions: ./docs/sessions/
            templates: docs/templates
            gated:
              - "dbt/models/**"
              - dbt/macros/*.sql
            required_sections: [Problem, in my words, Reasoning]
            budget: 3000
            state_limit: 60
            default_branch: trunk
            """
        let config = try RationaleConfig.parse(Array(text.utf8), file: ".rationale.yml")
        #expect(config.sessions == "docs/sessions")
        #expect(config.stateFile == "docs/STATE.md")
        #expect(config.templates == "docs/templates")
        #expect(config.gated == ["dbt/models/**", "dbt/macros/*.sql"])
        #expect(config.requiredSections == ["Problem", "in my words", "Reasoning"])
        #expect(config.budget == 3000)
        #expect(config.stateLimit == 60)
        #expect(config.defaultBranch == "trunk")
        #expect(RationaleConfig().stateFile == ".project/STATE.md")
    }

    @Test func reasoningStepsReplaceTheDefaultsTheyNameOrTurnOff() throws {
        let config = try RationaleConfig.parse(
            Array("reasoning_steps:\n  Model: [transformation]\n  finance: [destination, Quality]\n".utf8), file: ".rationale.yml")
        let table = try #require(config.reasoningSteps?.table)
        #expect(table["model"] == [.transformation])
        #expect(table["finance"] == [.destination, .quality])
        #expect(table["new"] == ReasoningStep.allCases, "keys not named keep their defaults")
        #expect(try RationaleConfig.parse(Array("reasoning_steps: off\n".utf8), file: ".rationale.yml").reasoningSteps == nil)
        #expect(RationaleConfig().reasoningSteps == .defaults)
    }

    @Test func anUnknownKeyFarFromEveryKnownOneGetsNoGuess() {
        #expect(RationaleConfig.nearestKey(to: "lineage") == nil)
        #expect(RationaleConfig.nearestKey(to: "budegt") == "budget")
        #expect(RationaleConfig.nearestKey(to: "default-branch") == "default_branch")
    }

    @Test(arguments: [
        ("adaptor: duckdb\n", "1: unknown key `adaptor`: did you mean `adapter`? rename or delete it"),
        ("stateLimit: 60\n", "unknown key `stateLimit`: did you mean `state_limit`?"),
        ("budget: 10\ndownstream: many\n", "2: bad value for `downstream` (got `many`): expected edges to follow"),
        ("skips: maybe\n", "bad value for `skips` (got `maybe`): expected allow or forbid"),
        ("gated:\n  - dbt/models/**\n  - [x]\n", "3: bad value for `gated` (got a list)"),
        ("adapter: [a]\n", "bad value for `adapter`"),
        ("- adapter\n", "expected a mapping"),
        ("adapter: [\n", "malformed YAML"),
        ("budget: 0\n", "1: bad value for `budget`"),
        ("gated: dbt/models\n", "bad value for `gated`"),
        ("sessions: ../elsewhere\n", "must be a folder inside the repository"),
        ("budget: 1\nbudget: 2\n", "duplicated key(s): 'budget'"),
        ("reasoning_steps:\n  marts: [destination, sauce]\n", "2: `sauce` under `reasoning_steps.marts` is no reasoning step: use source, destination"),
        ("reasoning_steps: on\n", "bad value for `reasoning_steps` (got `on`): expected off, or a mapping"),
        ("reasoning_steps:\n  marts: destination\n", "2: bad value for `reasoning_steps`"),
    ])
    func badInputNamesTheKeyAndLine(text: String, message: String) {
        #expect {
            _ = try RationaleConfig.parse(Array(text.utf8), file: ".rationale.yml")
        } throws: { error in
            (error as? ConfigError)?.errorDescription?.contains(message) == true
                && (error as? ConfigError)?.errorDescription?.hasPrefix(".rationale.yml") == true
        }
    }
}

@Suite("README")
struct ReadmeConfigTests {
    @Test func theConfigurationTableListsEveryKey() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let table = try #require(readme.components(separatedBy: "## Configuration").dropFirst().first?.components(separatedBy: "\n## ").first)
        let documented = Set(
            table.split(separator: "\n").filter { $0.hasPrefix("| `") }.compactMap { line in
                line.split(separator: "`").dropFirst().first.map(String.init)
            })
        #expect(documented == Set(RationaleConfig.keys.map(\.key)))
    }
}

import Testing
@testable import Lineage

@Suite("dbt_project.yml")
struct ProjectConfigTests {
    func config(_ yaml: String) throws -> ProjectConfig {
        guard case .yaml(let value) = ParsedFile.parse(Array(yaml.utf8), as: .yaml) else {
            Issue.record("yaml did not parse")
            throw LineageError.invalidProject(file: "x", message: "x")
        }
        return try ProjectConfig(yaml: value, file: "dbt_project.yml")
    }

    @Test func folderConfigsFollowTheFqnMostSpecificLast() throws {
        let c = try config(
            """
            name: shop
            model-paths: ["models", "more/"]
            vars:
              cutoff: '2020-01-01'
              shop:
                cutoff: '2021-01-01'
            models:
              +persist_docs: {relation: true}
              shop:
                +materialized: view
                marts:
                  +materialized: table
                  +tags: ['a']
                  finance:
                    +schema: finance
                    meta:            # a mapping without + is a folder, as in dbt's fqn_search
                      +materialized: incremental
            """)
        #expect(c.modelPaths == ["models", "more"])
        #expect(c.seedPaths == ["seeds"])
        let staging = c.projectConfig(resource: "models", fqn: ["shop", "staging", "stg"])
        #expect(staging["materialized"] == .string("view"))
        #expect(staging["persist_docs"]?["relation"] == .bool(true))
        let finance = c.projectConfig(resource: "models", fqn: ["shop", "marts", "finance", "rev"])
        #expect(finance["materialized"] == .string("table"))
        #expect(finance["schema"] == .string("finance"))
        let metaFolder = c.projectConfig(resource: "models", fqn: ["shop", "marts", "finance", "meta", "m"])
        #expect(metaFolder["materialized"] == .string("incremental"))
        #expect(c.variable("cutoff") == .string("2021-01-01"))
    }

    @Test func missingNameIsAnError() throws {
        #expect(throws: LineageError.self) { try config("version: 2\n") }
    }

    @Test func malformedYAMLCarriesTheLine() {
        let parsed = ParsedFile.parse(Array("name: x\nmodels:\n  - a\n  b: [\n".utf8), as: .yaml)
        guard case .yamlError(let line, _) = parsed else {
            Issue.record("expected a YAML error, got \(parsed)")
            return
        }
        #expect(line != nil)
    }

    @Test func binaryIsNotText() {
        #expect(ParsedFile.parse([0x73, 0x00, 0xFF], as: .template) == .notText)
        #expect(ParsedFile.parse([0xC3, 0x28], as: .template) == .notText)
    }
}

@Suite("Folder config walk")
struct FolderConfigWalkTests {
    @Test func walkingAFolderThenTheNodeEqualsTheFullWalk() throws {
        guard
            case .yaml(let value) = ParsedFile.parse(
                Array(
                    """
                    name: shop
                    models:
                      +tags: [all]
                      shop:
                        marts:
                          +materialized: table
                          orders:
                            +materialized: incremental
                          finance:
                            +schema: fin
                    """.utf8), as: .yaml)
        else { Issue.record("yaml"); return }
        let config = try ProjectConfig(yaml: value, file: "dbt_project.yml")
        for fqn in [["shop", "marts", "orders"], ["shop", "marts", "customers"], ["shop", "marts", "finance", "rev"], ["shop", "staging", "stg"]] {
            let folder = config.walk(resource: "models", fqn: fqn.dropLast())
            var combined = folder.merged
            if let level = folder.level, let own = level[fqn[fqn.count - 1]], case .map = own {
                combined = combined.mergingConfig(ProjectConfig.configs(at: own))
            }
            #expect(combined == config.projectConfig(resource: "models", fqn: fqn), "\(fqn)")
        }
        #expect(config.projectConfig(resource: "models", fqn: ["shop", "marts", "orders"])["materialized"] == .string("incremental"))
    }
}

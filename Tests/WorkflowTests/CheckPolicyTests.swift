import Foundation
import Testing
import _TestSupport
@testable import Workflow

/// The check and gate decisions, called as the command layer calls them: no binary.
@Suite("check and gate policy")
struct CheckPolicyTests {
    func shop() throws -> ScratchRepository {
        let repo = ScratchRepository()
        repo.write("dbt/dbt_project.yml", "name: shop\n")
        repo.write("dbt/models/stg_orders.sql", "select * from raw.orders\n")
        repo.write("dbt/models/orders.sql", "select * from {{ ref('stg_orders') }}\n")
        repo.write("README.md", "shop\n")
        _ = try repo.commit("base")
        return repo
    }

    @Test func aModelChangeWithoutASessionFails() throws {
        let repo = try shop()
        repo.write("dbt/models/stg_orders.sql", "select * from raw.orders where id > 0\n")
        repo.stage("dbt/models/stg_orders.sql")
        let outcome = try CheckFrontend.run(try Workspace.open(repo.path), skip: nil)
        #expect(outcome.result == .failed)
        #expect(!outcome.passed)
        #expect(outcome.findings.map(\.ruleID) == [CheckFrontend.sessionRequired])
        #expect(outcome.gatedFiles == ["dbt/models/stg_orders.sql"])
    }

    @Test func aSkipIsRecordedAsSkippedAndPasses() throws {
        let repo = try shop()
        repo.write("dbt/models/stg_orders.sql", "select 1\n")
        repo.stage("dbt/models/stg_orders.sql")
        let outcome = try CheckFrontend.run(try Workspace.open(repo.path), skip: "hotfix")
        #expect(outcome.result == .skipped)
        #expect(outcome.passed)
        #expect(outcome.skipReason == "hotfix")
    }

    @Test func aChangeOutsideTheProjectIsOutOfScope() throws {
        let repo = try shop()
        repo.write("README.md", "shop, documented\n")
        repo.stage("README.md")
        let outcome = try CheckFrontend.run(try Workspace.open(repo.path), skip: nil)
        #expect(outcome.result == .outOfScope)
        #expect(outcome.passed)
    }

    @Test func theGateFailsABranchThatChangesAModelWithoutASession() throws {
        let repo = try shop()
        _ = try repo.git("checkout", "-q", "-b", "feature")
        repo.write("dbt/models/orders.sql", "select id from {{ ref('stg_orders') }}\n")
        _ = try repo.commit("narrow orders")
        let workspace = try Workspace.open(repo.path)
        let outcome = try GateFrontend.run(workspace, base: "main", head: nil, body: nil)
        #expect(outcome.result == .failed)
        #expect(outcome.modified.map(\.name) == ["orders"])
        let onMain = try GateFrontend.run(workspace, base: "main", head: "main", body: nil)
        #expect(onMain.result == .outOfScope)
    }

    @Test func verdictsEncodeAsTheJSONSays() throws {
        let encoded = try JSONEncoder().encode([Verdict.passed, .failed, .skipped, .outOfScope])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["passed","failed","skipped","out_of_scope"]"#)
    }
}

/// A change that only touches documentation.
@Suite("documentation-only changes")
struct DocumentationOnlyTests {
    /// A shop whose `orders` description is edited (staged), with or without persist_docs.
    func describedShop(persistDocs: Bool) throws -> ScratchRepository {
        let repo = ScratchRepository()
        repo.write("dbt/dbt_project.yml", "name: shop\n" + (persistDocs ? "models:\n  shop:\n    +persist_docs: {relation: true}\n" : ""))
        repo.write("dbt/models/orders.sql", "select 1 as id\n")
        repo.write("dbt/models/revenue.sql", "select * from {{ ref('orders') }}\n")
        repo.write("dbt/models/_orders.yml", "version: 2\nmodels:\n  - name: orders\n    description: Orders.\n")
        _ = try repo.commit("base")
        repo.write("dbt/models/_orders.yml", "version: 2\nmodels:\n  - name: orders\n    description: One row per order.\n")
        repo.stage("dbt/models/_orders.yml")
        return repo
    }

    @Test func aDescriptionEditAsksForNoRebuildAndTheCheckNamesTheYAML() throws {
        let repo = try describedShop(persistDocs: false)
        let workspace = try Workspace.open(repo.path)
        let report = try #require(try workspace.impact([.staged]).first?.reports.first)
        #expect(report.ids(.modified) == ["model.shop.orders"])
        #expect(report.documentationOnly)
        #expect(report.selector == "", "nothing to rebuild: \(report.selector)")
        let outcome = try CheckFrontend.run(workspace, skip: nil)
        #expect(outcome.findings.first?.location?.file == "dbt/models/_orders.yml", "the file the change touched")
    }

    @Test func withPersistDocsTheDescriptionReachesTheWarehouse() throws {
        let repo = try describedShop(persistDocs: true)
        let report = try #require(try Workspace.open(repo.path).impact([.staged]).first?.reports.first)
        #expect(!report.documentationOnly)
        #expect(report.selector == "orders+")
    }
}

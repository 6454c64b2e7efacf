import Foundation
import Testing
import _TestSupport

@Suite("stated confidence, end to end")
struct ConfidenceCommandTests {
    @Test func aLowConfidenceDecisionMustBecomeAQuestion() throws {
        let (repo, folder) = try startedShop()
        try fillSession(repo, folder, loaded: ["stg_orders"])
        let path = ".project/sessions/\(folder)/SUMMARY.md"
        let summary = try #require(repo.read(path))
        repo.write(
            path,
            summary.replacingOccurrences(
                of: "- excluded: revenue — downstream; sums amount, whose meaning is kept",
                with: "- excluded: revenue — downstream; sums amount, whose meaning is kept [confidence: low]"))
        let status = try rationale(["session", "status"], in: repo)
        #expect(status.status == 1)
        #expect(status.stdout.contains("`excluded: revenue` is low confidence: a guess is a question"), "\(status.stdout)")
        #expect(status.stdout.contains("[confidence_stated]"))
        // The decision still covers what it names.
        #expect(!status.stdout.contains("model_not_covered"))
        _ = try rationale(["loops", "propose", "Does revenue sum cancelled orders?", "--model", "revenue"], in: repo)
        let asked = try rationale(["session", "status"], in: repo)
        #expect(!asked.stdout.contains("confidence_stated"), "\(asked.stdout)")
    }
}

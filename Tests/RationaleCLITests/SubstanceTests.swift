import Foundation
import Testing
import _TestSupport

/// Filling the blanks is not enough: the hollow session a reviewer found passing every check
/// (problem credited to the agent, "Because.", "looked fine") now fails `check` and `gate`, each
/// finding naming its rule and what would do; the same session written with substance passes.
@Suite("reasoning with substance, end to end")
struct SubstanceTests {
    /// The shop on a feature branch with stg_orders edited and a filled session staged.
    func filledShop() throws -> (ScratchRepository, String) {
        let (repo, folder) = try filledShopSession()
        repo.stage(".")
        return (repo, ".project/sessions/\(folder)/SUMMARY.md")
    }

    func replace(_ repo: ScratchRepository, _ path: String, _ old: String, _ new: String) throws {
        let text = try #require(repo.read(path))
        #expect(text.contains(old), "the fixture holds `\(old)`")
        repo.write(path, text.replacingOccurrences(of: old, with: new))
        repo.stage(path)
    }

    static let problem = "Orders count cancelled orders as revenue because the staging model keeps every status."
    static let reasoning = filledReasoning

    @Test func theHollowSessionFailsTheCheckNamingEachRuleAndWhatWouldDo() throws {
        let (repo, summary) = try filledShop()
        try replace(repo, summary, Self.problem, "The agent said orders needs a comment so I am adding one now ok")
        try replace(repo, summary, Self.reasoning, "Because.")
        let run = try rationale(["check"], in: repo)
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stdout.contains("the problem statement credits the agent (`agent … said`)"), "\(run.stdout)")
        #expect(run.stdout.contains("[problem_credits_agent]"))
        #expect(run.stdout.contains("the reasoning is a stock phrase (`Because.`)"), "\(run.stdout)")
        #expect(run.stdout.contains("e.g. \"Aggregating payments per order before the join"), "the message shows what would do")
        #expect(run.stdout.contains("[reasoning_hollow]"))
    }

    @Test func reasoningThatSaysOnlyWhatOrAboutNothingInTheChangeFails() throws {
        let (repo, summary) = try filledShop()
        try replace(repo, summary, Self.reasoning, "Transformation: I changed the SQL file and updated the filter in the query today.\nQuality: I ran it.")
        let what = try rationale(["check"], in: repo)
        #expect(what.status == 1)
        #expect(what.stdout.contains("the reasoning says what, not why"), "\(what.stdout)")
        try replace(
            repo, summary, "Transformation: I changed the SQL file and updated the filter in the query today.\nQuality: I ran it.",
            "Transformation: it is cleaner this way because readers will understand it faster.\nQuality: I ran it twice.")
        let nothing = try rationale(["check"], in: repo)
        #expect(nothing.status == 1)
        #expect(nothing.stdout.contains("the reasoning names nothing the change touches"), "\(nothing.stdout)")
        #expect(nothing.stdout.contains("`stg_orders`"), "it suggests what to name: \(nothing.stdout)")
        // Naming the column the diff touches is naming the change.
        try replace(
            repo, summary, "Transformation: it is cleaner this way because readers will understand it faster.",
            "Transformation: the status filter belongs upstream because every mart reads the same cancelled rows.")
        let column = try rationale(["check"], in: repo)
        #expect(column.status == 0, "\(column.stdout)")
    }

    @Test func aNewModelNeedsEverySixStepsAndTheConfigurationCanAskForLess() throws {
        let (repo, summary) = try filledShop()
        repo.write("dbt/models/marts/refunds.sql", "select * from {{ ref('stg_orders') }} where status = 'refunded'\n")
        let text = try #require(repo.read(summary))
        repo.write(summary, text.replacingOccurrences(of: "- loaded: stg_orders —", with: "- loaded: stg_orders, refunds —"))
        repo.stage(".")
        let run = try rationale(["check"], in: repo)
        #expect(run.status == 1)
        for step in ["Source", "Performance", "Operations"] {
            #expect(run.stdout.contains("Reasoning has no `\(step)` step, which the new model `refunds` needs"), "\(step): \(run.stdout)")
        }
        #expect(!run.stdout.contains("no `Transformation` step"), "filled steps are not asked for again")
        // A team that wants less says so in .rationale.yml.
        repo.write(".rationale.yml", "reasoning_steps:\n  new: [transformation, quality]\n")
        repo.stage(".rationale.yml")
        #expect(try rationale(["check"], in: repo).status == 0)
        repo.write(".rationale.yml", "reasoning_steps: off\n")
        repo.stage(".rationale.yml")
        try replace(repo, summary, Self.reasoning, "Filtering in staging keeps every consumer of stg_orders consistent, so no mart repeats it.")
        let off = try rationale(["check"], in: repo)
        #expect(off.status == 0, "without steps, prose with substance passes: \(off.stdout)")
        repo.write(".rationale.yml", "reasoning_steps:\n  new: [transformation, qualty]\n")
        repo.stage(".rationale.yml")
        let bad = try rationale(["check"], in: repo)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains(".rationale.yml:2: `qualty` under `reasoning_steps.new` is no reasoning step"), "\(bad.stderr)")
    }

    @Test func thePacksRecordIsNotTheAuthorsDecision() throws {
        let (repo, summary) = try filledShop()
        try replace(repo, summary, "- loaded: stg_orders — the models whose rows change\n", "")
        let context = ".project/sessions/\(try #require(sessionFolders(repo).first))/CONTEXT.md"
        // Only the scaffold's own line named it: take that out too, as an author who leaves it to the tool would.
        let scaffold = try #require(repo.read(context))
        repo.write(
            context, scaffold.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("- loaded: stg_orders") }.joined(separator: "\n"))
        let write = try rationale(["context", "--budget", "2000", "--write"], in: repo)
        #expect(write.status == 0, "\(write.stderr)")
        #expect(try #require(repo.read(context)).contains("- loaded: stg_orders — changed by the edit"), "the pack's record names it")
        repo.stage(".")
        let run = try rationale(["check"], in: repo)
        #expect(run.status == 1)
        #expect(run.stdout.contains("which only `rationale context --write`'s record names (what the pack held, not why)"), "\(run.stdout)")
        #expect(run.stdout.contains("[model_not_covered]"))
    }

    @Test func aSessionWithSubstancePasses() throws {
        let (repo, _) = try filledShop()
        let run = try rationale(["check"], in: repo)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    }

    @Test func theGateRefusesAValidationThatCitesNoEvidence() throws {
        let repo = try narrativeRepository()
        repo.write("hollow.md", "## Drop cancelled orders\n\n**Validation:** looked fine\n")
        let hollow = try rationale(["gate", "--base", "main", "--pr-body-file", repo.absolute("hollow.md")], in: repo)
        #expect(hollow.status == 1)
        #expect(hollow.stdout.contains("the validation (`looked fine`) cites no evidence"), "\(hollow.stdout)")
        #expect(hollow.stdout.contains("[validation_without_evidence]"))
        repo.write("proved.md", "## Drop cancelled orders\n\n**Validation:** dbt build --select stg_orders+: 120 fewer rows, all cancelled.\n")
        let proved = try rationale(["gate", "--base", "main", "--pr-body-file", repo.absolute("proved.md")], in: repo)
        #expect(proved.status == 0, "\(proved.stdout)")
    }

    @Test func theGateRefusesAHollowSessionOnTheBranch() throws {
        let repo = try narrativeRepository()
        let summary = ".project/sessions/2026-11-20-drop-cancelled-orders/SUMMARY.md"
        let text = try #require(repo.read(summary))
        repo.write(
            summary,
            text.replacingOccurrences(of: "Transformation: filtering in staging keeps every consumer consistent.", with: "Transformation: see code."))
        _ = try repo.commit("hollow reasoning")
        let run = try rationale(["gate", "--base", "main"], in: repo)
        #expect(run.status == 1)
        #expect(run.stdout.contains("\(summary):23: error: the `Transformation` step is too thin to check (`see code.`)"), "\(run.stdout)")
        #expect(run.stdout.contains("[reasoning_step]"))
    }
}

import Foundation
import Testing
import _TestSupport

/// Runs the binary in the repository with the repository's hermetic environment (plus `extra`).
func rationale(_ arguments: [String], in repo: ScratchRepository, extra: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
    try rationale(arguments, in: repo.path, env: repo.environment.merging(extra) { _, new in new })
}

/// The one session folder under .project/sessions (the tests start exactly one at a time).
func sessionFolders(_ repo: ScratchRepository) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: repo.absolute(".project/sessions"))) ?? []).sorted()
}

/// The Reasoning `fillSession` writes: the two steps a staging fix fills.
let filledReasoning = """
    Transformation: filtering in staging keeps every consumer consistent; a filter in the mart would leave others wrong.
    Quality: orders loses only the cancelled rows, and unique on order id still holds.
    Destination: revenue and the dashboards that read orders lose only the cancelled rows.
    """

/// The shop on a feature branch with stg_orders edited, and a session started and filled in
/// (not staged).
func filledShopSession() throws -> (repo: ScratchRepository, folder: String) {
    let repo = try shopRepository()
    try repo.git("checkout", "-q", "-b", "feature")
    repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders where status != 'cancelled'\n")
    let start = try rationale(["session", "start", "Drop cancelled orders"], in: repo)
    #expect(start.status == 0, "\(start.stderr)")
    let folder = try #require(sessionFolders(repo).first)
    try fillSession(repo, folder, loaded: ["stg_orders"])
    return (repo, folder)
}

/// Fills a started session as its author would: SUMMARY.md keeps its first (session) line and
/// its loops block; CONTEXT.md loses its placeholders.
func fillSession(_ repo: ScratchRepository, _ folder: String, loaded: [String], excluded: [String] = ["revenue"], used: Int = 1800) throws {
    let path = ".project/sessions/\(folder)/SUMMARY.md"
    let template = try #require(repo.read(path))
    let firstLine = template.split(separator: "\n").first.map(String.init) ?? ""
    let loopsBlock =
        template.components(separatedBy: "<!-- rationale:loops:begin -->").dropFirst().first?
        .components(separatedBy: "<!-- rationale:loops:end -->").first ?? "\n_No loops yet._\n"
    repo.write(
        path,
        """
        \(firstLine)
        # The session

        ## Problem, in my words
        Orders count cancelled orders as revenue because the staging model keeps every status.

        ## What was done
        stg_orders drops cancelled orders.

        ## Loops
        <!-- rationale:loops:begin -->\(loopsBlock)<!-- rationale:loops:end -->

        ## Context decisions
        Budget: 4000 tokens
        Used: \(used) tokens

        - loaded: \(loaded.joined(separator: ", ")) — the models whose rows change
        \(excluded.isEmpty ? "" : "- excluded: \(excluded.joined(separator: ", ")) — downstream; sums amount, whose meaning is kept")

        ## Reasoning
        \(filledReasoning)

        ## Excluded scope
        Refunds stay as they are.

        ## Next session
        Compare row counts of orders before and after.

        """)
    let contextPath = ".project/sessions/\(folder)/CONTEXT.md"
    let context = try #require(repo.read(contextPath))
    let cleaned = context.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
        if line.contains("[[fill: node names") { return nil }
        if line.hasPrefix("Used:") { return "Used: \(used) tokens" }
        return line.replacingOccurrences(of: #"\[\[fill:[^\]]*\]\]"#, with: "the model being changed", options: .regularExpression)
    }.joined(separator: "\n")
    repo.write(contextPath, cleaned)
}

@Suite("rationale session, loops and check, end to end")
struct SessionCommandTests {
    /// The shop repository on a feature branch with stg_orders edited and staged.
    func editedShop() throws -> ScratchRepository {
        let repo = try shopRepository()
        try repo.git("checkout", "-q", "-b", "feature")
        repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders where status != 'cancelled'\n")
        repo.stage("dbt/models/staging/stg_orders.sql")
        return repo
    }

    @Test func aModelEditWithoutASessionIsRefusedNamingTheModelAndTheFix() throws {
        let repo = try editedShop()
        let run = try rationale(["check"], in: repo)
        #expect(run.status == 1)
        #expect(run.stdout.contains("dbt/models/staging/stg_orders.sql: error: the staged change modifies model `stg_orders`"))
        #expect(run.stdout.contains("rationale session start"))
        #expect(run.stdout.contains("[session_required]"))
        #expect(run.stderr.contains("RATIONALE_SKIP"))
    }

    @Test func aChangeOutsideGatedPathsPassesSilently() throws {
        let repo = try shopRepository()
        repo.write("README.md", "notes\n")
        repo.stage("README.md")
        let run = try rationale(["check"], in: repo)
        #expect(run.status == 0)
        #expect(run.stdout.isEmpty)
        let json = try rationale(["check", "--format", "json"], in: repo)
        #expect(json.stdout.contains("\"result\" : \"out_of_scope\""))
    }

    @Test func aValidStagedSessionPasses() throws {
        let repo = try editedShop()
        let start = try rationale(["session", "start", "Drop cancelled orders", "--kind", "refactor"], in: repo)
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.stdout.contains("1 modified, 2 downstream"))
        let folder = try #require(sessionFolders(repo).first)
        #expect(folder.hasSuffix("-drop-cancelled-orders"))
        let context = try #require(repo.read(".project/sessions/\(folder)/CONTEXT.md"))
        #expect(context.contains("`stg_orders` — staging model (`dbt/models/staging/stg_orders.sql`): body"))
        #expect(context.contains("`revenue` — marts model: 2 edges downstream"))
        #expect(repo.read(".project/sessions/\(folder)/TASK.md")?.contains("refactor plan") == true)
        #expect(repo.read(".project/STATE.md")?.contains(folder) == true)

        // Not staged yet: the check says to stage it.
        let unstaged = try rationale(["check"], in: repo)
        #expect(unstaged.status == 1)
        #expect(unstaged.stdout.contains("git add .project/sessions/\(folder)/"))

        try fillSession(repo, folder, loaded: ["stg_orders"])
        repo.stage(".project")
        let run = try rationale(["check"], in: repo)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("passed — 1 modified model explained by .project/sessions/\(folder)"))
    }

    @Test func aSessionCommittedEarlierOnTheBranchStillCounts() throws {
        let repo = try editedShop()
        _ = try rationale(["session", "start", "Drop cancelled orders"], in: repo)
        let folder = try #require(sessionFolders(repo).first)
        try fillSession(repo, folder, loaded: ["stg_orders"])
        _ = try repo.commit("first step")
        repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders where status not in ('cancelled', 'void')\n")
        repo.stage("dbt/models")
        let run = try rationale(["check"], in: repo)
        #expect(run.status == 0, "\(run.stdout)")
        // On main itself, a session from another branch does not count.
        try repo.git("checkout", "-q", "-f", "main")
        repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders where status != 'void'\n")
        repo.stage("dbt/models")
        let onMain = try rationale(["check"], in: repo)
        #expect(onMain.status == 1)
    }

    @Test func aSessionThatLeavesAModifiedModelOutIsRefusedNamingIt() throws {
        let repo = try editedShop()
        _ = try rationale(["session", "start", "Two models"], in: repo)
        let folder = try #require(sessionFolders(repo).first)
        try fillSession(repo, folder, loaded: ["stg_orders"])
        // A second model changes after the session was scoped.
        repo.write("dbt/models/marts/orders.sql", "select id from {{ ref('stg_orders') }}\n")
        repo.stage("dbt/models", ".project")
        let run = try rationale(["check"], in: repo)
        #expect(run.status == 1)
        #expect(run.stdout.contains("the change modifies model `orders` (dbt/models/marts/orders.sql), which the context decisions do not name"))
        #expect(run.stdout.contains("[model_not_covered]"))
        #expect(!run.stdout.contains("`stg_orders` (dbt"))
    }

    @Test func mergingMainIntoAFeatureChecksOnlyTheResolutionsOwnEdits() throws {
        let repo = try shopRepository()
        // main moves on: revenue changes there (explained on main, or not: not this branch's to explain).
        try repo.git("checkout", "-q", "-b", "feature")
        try repo.git("checkout", "-q", "main")
        repo.write("dbt/models/marts/revenue.sql", "select sum(amount) as revenue from {{ ref('orders') }}\n")
        _ = try repo.commit("main: revenue names its column")
        try repo.git("checkout", "-q", "feature")
        repo.write("README.md", "feature notes\n")
        _ = try repo.commit("feature: notes")

        try repo.git("merge", "--no-ff", "--no-commit", "main")
        let merging = try rationale(["check"], in: repo)
        #expect(merging.status == 0, "\(merging.stdout)\(merging.stderr)")
        #expect(merging.stdout.contains("1 staged file as the merged-in side has it"), "\(merging.stdout)")
        #expect(!merging.stdout.contains("session_required"))

        // An edit of the resolution's own is the author's, and only it is asked for.
        repo.write("dbt/models/marts/orders.sql", "select id, amount from {{ ref('stg_orders') }}\n")
        repo.stage("dbt/models/marts/orders.sql")
        let own = try rationale(["check"], in: repo)
        #expect(own.status == 1)
        #expect(own.stdout.contains("modifies model `orders`"), "\(own.stdout)")
        #expect(!own.stdout.contains("`revenue`"))
    }

    @Test func aSubmoduleBumpUnderAGatedPathNeedsASessionInCheckAndGate() throws {
        let repo = try shopRepository()
        let base = try repo.git("rev-parse", "HEAD")
        try repo.git("update-index", "--add", "--cacheinfo", "160000,\(base),dbt/models/vendor")
        // Not `commit`: `git add -A` would drop a gitlink without a checkout on disk.
        try repo.git("commit", "-q", "-m", "vendor models as a submodule")
        let vendored = try repo.git("rev-parse", "HEAD")
        try repo.git("checkout", "-q", "-b", "feature")
        try repo.git("update-index", "--cacheinfo", "160000,\(vendored),dbt/models/vendor")
        let check = try rationale(["check"], in: repo)
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(
            check.stdout.contains(
                "dbt/models/vendor: error: the staged change moves the submodule dbt/models/vendor to another commit, but no session explains it"),
            "\(check.stdout)")
        #expect(check.stdout.contains("[session_required]"))

        try repo.git("commit", "-q", "-m", "bump vendor")
        let gate = try rationale(["gate", "--base", "main"], in: repo)
        #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
        #expect(gate.stdout.contains("moves the submodule dbt/models/vendor"), "\(gate.stdout)")
    }

    @Test func placeholdersLeftInAreRefused() throws {
        let repo = try editedShop()
        _ = try rationale(["session", "start", "Drop cancelled orders"], in: repo)
        let folder = try #require(sessionFolders(repo).first)
        try fillSession(repo, folder, loaded: ["stg_orders"])
        let path = ".project/sessions/\(folder)/SUMMARY.md"
        repo.write(path, try #require(repo.read(path)).replacingOccurrences(of: "Refunds stay as they are.", with: "Refunds stay. [[fill: anything else?]]"))
        repo.stage(".project")
        let run = try rationale(["check", "--format", "json"], in: repo)
        #expect(run.status == 1)
        #expect(run.stdout.contains("\"ruleID\" : \"placeholder_left\""))
        #expect(run.stdout.contains("[[fill: anything else?]]"))
    }

    @Test func skipPassesWithAWarning() throws {
        let repo = try editedShop()
        let run = try rationale(["check"], in: repo, extra: ["RATIONALE_SKIP": "hotfix, session follows"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("skipped (RATIONALE_SKIP: hotfix, session follows)"))
    }

    @Test func theCommitMsgModeAddsTheTrailerOnce() throws {
        let repo = try shopRepository()
        repo.write("msg", "Fix orders\n\nBody line.\n# Please enter the commit message\n")
        let run = try rationale(["check", "--commit-msg", repo.absolute("msg")], in: repo, extra: ["RATIONALE_SKIP": "hotfix"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(repo.read("msg") == "Fix orders\n\nBody line.\n\nRationale-Skip: hotfix\n\n# Please enter the commit message\n")
        _ = try rationale(["check", "--commit-msg", repo.absolute("msg")], in: repo, extra: ["RATIONALE_SKIP": "hotfix"])
        #expect(repo.read("msg")?.components(separatedBy: "Rationale-Skip").count == 2)
        repo.write("msg2", "Fix\n\nSigned-off-by: A <a@x>\n")
        _ = try rationale(["check", "--commit-msg", repo.absolute("msg2")], in: repo, extra: ["RATIONALE_SKIP": "why"])
        #expect(repo.read("msg2") == "Fix\n\nSigned-off-by: A <a@x>\nRationale-Skip: why\n")
        repo.write("msg3", "Fix\n")
        _ = try rationale(["check", "--commit-msg", repo.absolute("msg3")], in: repo)
        #expect(repo.read("msg3") == "Fix\n", "without RATIONALE_SKIP nothing changes")
    }

    @Test func aSessionFolderIsNeverOverwritten() throws {
        let repo = try shopRepository()
        let first = try rationale(["session", "start", "Same title"], in: repo)
        #expect(first.status == 0)
        let folder = try #require(sessionFolders(repo).first)
        let summary = ".project/sessions/\(folder)/SUMMARY.md"
        repo.write(summary, "my own words\n")
        let second = try rationale(["session", "start", "Same title"], in: repo)
        #expect(second.status == 0)
        #expect(sessionFolders(repo) == [folder, folder + "-2"])
        #expect(repo.read(summary) == "my own words\n")
    }

    @Test func loopsAreProposedApprovedAndClosedInPlaceAndCarriedToTheNextSession() throws {
        let repo = try editedShop()
        _ = try rationale(["session", "start", "Drop cancelled orders"], in: repo)
        let folder = try #require(sessionFolders(repo).first)
        let loopsPath = ".project/sessions/\(folder)/LOOPS.md"
        repo.write(loopsPath, try #require(repo.read(loopsPath)) + "\n## Notes\nMy notes stay here.\n")

        let proposed = try rationale(["loops", "propose", "Does revenue need a full refresh?", "--model", "revenue", "--by", "claude"], in: repo)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        #expect(proposed.stdout.contains("- L-1 (proposed) Does revenue need a full refresh? [model: revenue] [by: claude]"))
        _ = try rationale(["loops", "propose", "Is void a status too?"], in: repo)
        let before = try #require(repo.read(loopsPath))
        #expect(try rationale(["loops", "approve", "L-1"], in: repo).status == 0)
        let after = try #require(repo.read(loopsPath))
        #expect(after.contains("- L-1 (proposed)") == false)
        #expect(after.contains("- L-1 (approved) Does revenue need a full refresh? [model: revenue] [by: claude] [approved-by: Scratch Tester]"))
        // Only that line changed.
        #expect(before.split(separator: "\n").count == after.split(separator: "\n").count)
        #expect(zip(before.split(separator: "\n"), after.split(separator: "\n")).filter { $0 != $1 }.count == 1)
        #expect(after.hasSuffix("My notes stay here.\n"))
        #expect(repo.read(".project/sessions/\(folder)/SUMMARY.md")?.contains("- L-1 (approved) Does revenue") == true)

        let unknown = try rationale(["loops", "approve", "L-9"], in: repo)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no loop L-9; its loops are L-1, L-2"))

        // A proposed loop stops the close; nothing is written.
        try fillSession(repo, folder, loaded: ["stg_orders"])
        let refused = try rationale(["session", "close"], in: repo)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("L-2 is still proposed"))
        #expect(repo.read(".project/sessions/\(folder)/BOOTLOADER.md") == nil)

        #expect(try rationale(["loops", "close", "L-2", "--note", "no, void is not used"], in: repo).status == 0)
        let listed = try rationale(["loops", "list"], in: repo)
        #expect(listed.stdout.contains("- L-2 (closed) Is void a status too? [by: agent] [note: no, void is not used]"))

        let closed = try rationale(["session", "close"], in: repo)
        #expect(closed.status == 0, "\(closed.stdout)\(closed.stderr)")
        let bootloader = try #require(repo.read(".project/sessions/\(folder)/BOOTLOADER.md"))
        let stated = try #require(bootloader.split(separator: "\n").first)
        #expect(stated.hasPrefix("≈") && stated.contains("tokens"))
        #expect(bootloader.contains("- L-1 (approved) Does revenue need a full refresh?"))
        #expect(!bootloader.contains("L-2"))
        #expect(bootloader.contains("Compare row counts of orders before and after."))
        #expect(bootloader.contains("stg_orders"))
        #expect(!bootloader.contains("[[fill:"))
        #expect(bootloader.contains("## Came back from GTD"), "the section is there with its fallback when nothing came back")
        #expect(bootloader.contains("_Nothing._"))
        #expect(repo.read(".project/sessions/\(folder)/SUMMARY.md")?.contains("status=closed") == true)
        let state = try #require(repo.read(".project/STATE.md"))
        #expect(state.contains("\(folder)/BOOTLOADER.md"))
        #expect(state.split(separator: "\n").count <= 100)

        // The next session carries L-1 with its id; a new loop takes L-3.
        let next = try rationale(["session", "start", "Backfill revenue"], in: repo)
        #expect(next.stdout.contains("1 open loop carried from \(folder)"))
        let nextFolder = try #require(sessionFolders(repo).first { $0 != folder })
        let nextLoops = try #require(repo.read(".project/sessions/\(nextFolder)/LOOPS.md"))
        #expect(
            nextLoops.contains("- L-1 (open) Does revenue need a full refresh? [model: revenue] [by: claude] [approved-by: Scratch Tester] [from: \(folder)]"))
        let third = try rationale(["loops", "propose", "Who owns the backfill?"], in: repo)
        #expect(third.stdout.contains("L-3 (proposed)"))
        #expect(try rationale(["session", "list"], in: repo).stdout.contains("closed"))
    }

    @Test func statusReportsWhatIsMissing() throws {
        let repo = try editedShop()
        #expect(try rationale(["session", "status"], in: repo).stderr.contains("no open session"))
        _ = try rationale(["session", "start", "Drop cancelled orders"], in: repo)
        let status = try rationale(["session", "status"], in: repo)
        #expect(status.status == 1)
        #expect(status.stdout.contains("[required_section]"))
        let folder = try #require(sessionFolders(repo).first)
        try fillSession(repo, folder, loaded: ["stg_orders"])
        let done = try rationale(["session", "status"], in: repo)
        #expect(done.status == 0, "\(done.stdout)")
        #expect(done.stdout.contains("complete"))
    }

    @Test func aBadConfigurationNamesTheKeyAndLine() throws {
        let repo = try editedShop()
        repo.write(".rationale.yml", "budget: 4000\nsesions: docs\n")
        let run = try rationale(["check"], in: repo)
        #expect(run.status == 2)
        #expect(run.stderr.contains(".rationale.yml:2: unknown key `sesions`"))
    }
}

/// The same scenarios through real `git commit`s with the hooks `rationale install` writes.
@Suite("commits through the installed hooks")
struct HookedCommitTests {
    func installedShop() throws -> ScratchRepository {
        let repo = try shopRepository()
        try repo.git("checkout", "-q", "-b", "feature")
        let install = try rationale(["install", "--binary", rationaleBinary], in: repo)
        #expect(install.status == 0, "\(install.stderr)")
        repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders where status != 'cancelled'\n")
        repo.stage("dbt/models")
        return repo
    }

    func commit(_ repo: ScratchRepository, _ message: String, env: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProcess(
            "/usr/bin/env", ["git", "commit", "-q", "-m", message], cwd: repo.path,
            env: repo.environment.merging(env) { _, new in new })
    }

    @Test func aCommitWithoutASessionIsRefusedThenAcceptedWithOne() throws {
        let repo = try installedShop()
        let before = try repo.git("rev-parse", "HEAD")
        let refused = try commit(repo, "Drop cancelled orders")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("modifies model `stg_orders`")) // git sends hook output to stderr
        #expect(refused.stderr.contains("RATIONALE_SKIP"))
        #expect(try repo.git("rev-parse", "HEAD") == before)

        _ = try rationale(["session", "start", "Drop cancelled orders"], in: repo)
        let folder = try #require(sessionFolders(repo).first)
        try fillSession(repo, folder, loaded: ["stg_orders"])
        repo.stage(".project")
        let accepted = try commit(repo, "Drop cancelled orders")
        #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
        #expect(try repo.git("log", "-1", "--format=%B").contains("Rationale-Skip") == false)
        #expect(try repo.git("show", "--name-only", "--format=", "HEAD").contains(".project/sessions/\(folder)/SUMMARY.md"))
    }

    @Test func aSkipPassesAndLeavesATrailerCISees() throws {
        let repo = try installedShop()
        let skipped = try commit(repo, "Hotfix stg_orders", env: ["RATIONALE_SKIP": "prod is down, session follows"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stderr.contains("skipped"))
        let message = try repo.git("log", "-1", "--format=%B")
        #expect(message == "Hotfix stg_orders\n\nRationale-Skip: prod is down, session follows")
        #expect(try repo.git("log", "-1", "--format=%(trailers:key=Rationale-Skip,valueonly)") == "prod is down, session follows")
    }
}

@Suite("session templates and configuration")
struct SessionTemplateTests {
    @Test func aRepositoryTemplateOverridesTheBuiltInOne() throws {
        let repo = try shopRepository()
        repo.write(".rationale.yml", "sessions: docs/sessions\nbudget: 2500\n")
        repo.write(".project/templates/CONTEXT.md", "# Our context for {{{title}}}\nBudget: {{{budget}}} tokens\n")
        let start = try rationale(["session", "start", "First try", "--kind", "new-model"], in: repo)
        #expect(start.status == 0, "\(start.stderr)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: repo.absolute("docs/sessions"))
        let folder = try #require(folders.first)
        #expect(repo.read("docs/sessions/\(folder)/CONTEXT.md") == "# Our context for First try\nBudget: 2500 tokens\n")
        #expect(repo.read("docs/sessions/\(folder)/TASK.md")?.contains("new-model plan") == true)
        #expect(repo.read("docs/sessions/\(folder)/SUMMARY.md")?.hasPrefix("<!-- rationale:session title=\"First try\" kind=new-model") == true)
        #expect(repo.read("docs/STATE.md")?.contains("docs/sessions/\(folder)") == true)
        let listed = try rationale(["session", "list", "--format", "json"], in: repo)
        #expect(listed.stdout.contains("\"kind\" : \"new-model\""))
    }

    @Test func aBrokenTemplateOverrideIsNamed() throws {
        let repo = try shopRepository()
        repo.write(".project/templates/SUMMARY.md", "{{#open}} never closed\n")
        let start = try rationale(["session", "start", "x"], in: repo)
        #expect(start.status == 2)
        #expect(start.stderr.contains("template .project/templates/SUMMARY.md cannot be read"))
        #expect(!FileManager.default.fileExists(atPath: repo.absolute(".project/sessions")))
    }

    @Test func titlesWithLineBreaksCommentEndsOrOtherScriptsStartReadableSessions() throws {
        let repo = try shopRepository()
        for (title, slug) in [("Fix orders\n-->\n## Reasoning", "fix-orders-reasoning"), ("заказы", "заказы"), ("注文の修正", "注文の修正")] {
            let start = try rationale(["session", "start", title], in: repo)
            #expect(start.status == 0, "\(start.stderr)")
            let folder = try #require(sessionFolders(repo).first { $0.hasSuffix("-" + slug) }, "\(sessionFolders(repo))")
            let status = try rationale(["session", "status", "--session", folder], in: repo)
            #expect(status.stdout.contains("session .project/sessions/\(folder)/"), "\(status.stderr)")
            #expect(!status.stdout.contains("[session_metadata]"), "\(status.stdout)")
        }
        let listed = try rationale(["session", "list", "--format", "json"], in: repo)
        #expect(listed.stdout.contains("\"title\" : \"Fix orders —> ## Reasoning\""), "\(listed.stdout)")
        #expect(listed.stdout.contains("\"title\" : \"заказы\""))
        #expect(!listed.stdout.contains("no session comment"))
        #expect(!listed.stdout.contains("\"status\" : \"unknown\""))
        let state = try #require(repo.read(".project/STATE.md"))
        #expect(!state.contains("-->\n## Reasoning"))
    }

    @Test func everyEmbeddedTemplateRendersWithoutStrayBraces() throws {
        // The built-in templates start a session in a repository without a dbt project too.
        let repo = ScratchRepository()
        repo.write("README.md", "no dbt here\n")
        _ = try repo.commit("base")
        for kind in ["refactor", "test-failure", "new-model", "pipeline-debugging", "general"] {
            let start = try rationale(["session", "start", "Kind \(kind)", "--kind", kind], in: repo)
            #expect(start.status == 0, "\(start.stderr)")
            #expect(start.stdout.contains("no dbt project found"))
        }
        for folder in sessionFolders(repo) {
            for file in try FileManager.default.contentsOfDirectory(atPath: repo.absolute(".project/sessions/\(folder)")) {
                let text = try #require(repo.read(".project/sessions/\(folder)/\(file)"))
                #expect(!text.contains("{{"), "\(folder)/\(file) holds an unrendered tag")
            }
        }
    }
}

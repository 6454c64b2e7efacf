import Foundation
import Testing
import _TestSupport

/// The built `rationale` binary, next to the test runner in the build folder.
let rationaleBinary: String = {
    let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = runner.deletingLastPathComponent()
    // The runner may sit inside a `.xctest` bundle folder.
    while folder.path.contains(".xctest") { folder = folder.deletingLastPathComponent() }
    return folder.appendingPathComponent("rationale").path
}()

/// The package root, for reading documentation the tests hold to.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func rationale(_ arguments: [String], in directory: String, env: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    try runProcess(rationaleBinary, arguments, cwd: directory, env: env)
}

func shopRepository() throws -> ScratchRepository {
    let repo = ScratchRepository()
    repo.write("dbt/dbt_project.yml", "name: shop\nmodels:\n  shop:\n    marts:\n      +materialized: table\n")
    repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders\n")
    repo.write("dbt/models/marts/orders.sql", "select * from {{ ref('stg_orders') }}\n")
    repo.write("dbt/models/marts/revenue.sql", "select sum(amount) from {{ ref('orders') }}\n")
    _ = try repo.commit("base")
    return repo
}

@Suite("rationale impact, end to end")
struct ImpactCommandTests {
    @Test func textOutputGroupsByLayerWithReasons() throws {
        let repo = try shopRepository()
        repo.write("dbt/models/staging/stg_orders.sql", "select *, 1 as flag from raw.orders\n")
        repo.stage("dbt/models/staging/stg_orders.sql")
        let run = try rationale(["impact"], in: repo.path + "/dbt/models")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("dbt project shop (dbt/): staged changes"))
        #expect(run.stdout.contains("modified (1)\n  staging\n    stg_orders"))
        #expect(run.stdout.contains("body: raw code differs"))
        #expect(run.stdout.contains("downstream (2)\n  marts\n    orders"))
        #expect(run.stdout.contains("re-check with: dbt build --select stg_orders+"))
    }

    @Test func textIsAlignedAndSaysStepsShortNamesAndTheMacrosFile() throws {
        let repo = try shopRepository()
        let long = "a_model_whose_name_is_longer_than_the_usual_column"
        repo.write("dbt/models/marts/\(long).sql", "select {{ cents('amount') }} from {{ ref('orders') }}\n")
        repo.write("dbt/macros/money.sql", "{% macro cents(c) %}{{ c }} / 100{% endmacro %}\n")
        _ = try repo.commit("long name and a macro")
        repo.write("dbt/models/staging/stg_orders.sql", "select *, 1 as flag from raw.orders\n")
        repo.write("dbt/macros/money.sql", "{% macro cents(c) %}{{ c }} / 100.0{% endmacro %}\n")
        repo.stage("dbt/models/staging/stg_orders.sql", "dbt/macros/money.sql")
        let run = try rationale(["impact"], in: repo.path)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = run.stdout.split(separator: "\n").filter { $0.hasPrefix("    ") }
        let columns = Set(
            rows.map { row in
                row.dropFirst(4).firstIndex(of: " ").map { _ in
                    row.dropFirst(4).count - row.dropFirst(4).drop(while: { $0 != " " }).drop(while: { $0 == " " }).count
                } ?? 0
            })
        #expect(columns.count == 1, "one column for the reasons: \(rows)")
        #expect(run.stdout.contains("orders") && run.stdout.contains("1 step downstream; depends on stg_orders"), "\(run.stdout)")
        #expect(run.stdout.contains("uses changed macro cents (dbt/macros/money.sql)"), "\(run.stdout)")
        #expect(!run.stdout.contains("edge"))
        #expect(run.stdout.contains("changed macros (1)\n    cents"), "the macro is a changed node too: \(run.stdout)")
        let json = try rationale(["impact", "--format", "json"], in: repo.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let macros = try #require(object["macros"] as? [[String: Any]])
        #expect(macros.map { $0["unique_id"] as? String } == ["macro.shop.cents"])
        #expect(macros.first?["path"] as? String == "dbt/macros/money.sql")
    }

    @Test func aDocumentationOnlyChangeAsksForNoRebuild() throws {
        let repo = try shopRepository()
        repo.write("dbt/models/marts/_marts.yml", "version: 2\nmodels:\n  - name: orders\n    description: Orders.\n")
        _ = try repo.commit("describe")
        _ = try repo.git("checkout", "-q", "-b", "docs")
        repo.write("dbt/models/marts/_marts.yml", "version: 2\nmodels:\n  - name: orders\n    description: One row per order.\n")
        _ = try repo.commit("reword")
        let text = try rationale(["impact", "--base", "main"], in: repo.path)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("documentation only: nothing to rebuild"), "\(text.stdout)")
        #expect(!text.stdout.contains("re-check with"))
        let selector = try rationale(["impact", "--base", "main", "--format", "selector"], in: repo.path)
        #expect(selector.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        let narrative = try rationale(["narrate", "--base", "main"], in: repo.path)
        #expect(narrative.stdout.contains("Nothing to rebuild: the change is documentation only"), "\(narrative.stdout)\(narrative.stderr)")
        #expect(narrative.stdout.contains("documentation only: the descriptions change in dbt docs"))
        #expect(!narrative.stdout.contains("dbt build --select"))
    }

    @Test func selectorsQuoteNamesAShellWouldRunOrSplit() throws {
        // dbt refuses only spaces in names: backticks, `$(…)` and quotes are model names it builds.
        let repo = try shopRepository()
        let names = ["evil`$(touch pwned)`", "it's", "stg_orders"]
        for name in names { repo.write("dbt/models/staging/\(name).sql", "select 1 as id -- \(name)\n") }
        repo.stage("dbt/models/staging")
        let run = try rationale(["impact", "--format", "selector"], in: repo.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "'evil`$(touch pwned)`+' 'it'\\''s+' stg_orders+\n")

        // A shell reads it back as exactly those three words, and runs nothing.
        let shell = try runProcess(
            "/bin/sh", ["-c", "set -- " + run.stdout.trimmingCharacters(in: .newlines) + "; printf '%s\\n' \"$@\""], cwd: repo.root, env: repo.environment)
        #expect(shell.stdout == names.map { $0 + "+" }.joined(separator: "\n") + "\n")
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/pwned"))

        // The Markdown forms keep it in one code span.
        let markdown = try rationale(["impact", "--format", "markdown"], in: repo.path)
        #expect(markdown.stdout.contains("Re-check: `` dbt build --select 'evil`$(touch pwned)`+' 'it'\\''s+' stg_orders+ ``"))
    }

    @Test func jsonHasEveryKeyTheDocumentationPromises() throws {
        let repo = try shopRepository()
        repo.write("dbt/models/marts/orders.sql", "select id from {{ ref('stg_orders') }}\n")
        _ = try repo.git("checkout", "-q", "-b", "feature")
        _ = try repo.commit("edit orders")
        let run = try rationale(["impact", "--base", "main~0", "--head", "feature", "--format", "json"], in: repo.path)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])

        let doc = try String(contentsOf: packageRoot.appendingPathComponent("docs/IMPACT_JSON.md"), encoding: .utf8)
        let block = try #require(doc.components(separatedBy: "```json\n").dropFirst().first?.components(separatedBy: "```").first)
        let example = try #require(try JSONSerialization.jsonObject(with: Data(block.replacingOccurrences(of: "…", with: "").utf8)) as? [String: Any])
        #expect(Set(example.keys).subtracting(object.keys).isEmpty, "documented keys missing from the output")
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        let exampleNode = try #require((example["nodes"] as? [[String: Any]])?.first)
        for node in nodes {
            #expect(Set(exampleNode.keys).subtracting(node.keys).isEmpty)
        }
        #expect(object["modified"] as? [String] == ["model.shop.orders"])
        #expect(object["downstream"] as? [String] == ["model.shop.revenue"])
        #expect(object["mode"] as? String == "range")
        #expect((object["project"] as? [String: Any])?["path"] as? String == "dbt")
    }

    @Test func selectorFormatIsADbtSelectArgument() throws {
        let repo = try shopRepository()
        repo.write("dbt/models/marts/orders.sql", "select 2 from {{ ref('stg_orders') }}\n")
        repo.write("dbt/models/staging/stg_orders.sql", "select 2\n")
        repo.stage("dbt")
        let run = try rationale(["impact", "--format", "selector", "--downstream", "1"], in: repo.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "orders+1 stg_orders+1\n")
    }

    @Test func couldNotRunExitsTwoWithAMessageThatSaysWhatToDo() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("rationale-not-a-repo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        let notRepo = try rationale(["impact"], in: outside.path)
        #expect(notRepo.status == 2)
        #expect(notRepo.stderr.contains("rationale: error:"))
        #expect(notRepo.stderr.contains("or pass -C <a folder inside it>"))
        #expect(notRepo.stdout.isEmpty)

        let repo = try shopRepository()
        let badProject = try rationale(["impact", "--project", "analytics"], in: repo.path)
        #expect(badProject.status == 2)
        #expect(
            badProject.stderr.contains(
                "project folder `analytics` (from --project, or `project:` in .rationale.yml) holds no dbt_project.yml: pass a folder that holds one (`dbt`)"))

        let badRevision = try rationale(["impact", "--base", "no-such-branch"], in: repo.path)
        #expect(badRevision.status == 2)
        #expect(badRevision.stderr.contains("no-such-branch"))

        repo.write("dbt/models/marts/_props.yml", "models:\n  - name: orders\n    columns: [\n")
        repo.stage("dbt/models/marts/_props.yml")
        let badYAML = try rationale(["impact"], in: repo.path)
        #expect(badYAML.status == 2)
        #expect(badYAML.stderr.contains("dbt/models/marts/_props.yml:"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/rationale"), "nothing is written when the tool cannot run")
    }

    @Test func usageErrorsExitSixtyFour() throws {
        let repo = try shopRepository()
        let run = try rationale(["impact", "--head", "main"], in: repo.path)
        #expect(run.status == 64)
        #expect(run.stderr.contains("--head needs --base"))
        let both = try rationale(["impact", "--staged", "--worktree"], in: repo.path)
        #expect(both.status == 64)
    }

    @Test func shallowCloneWithoutMergeBaseSaysFetchFullHistory() throws {
        let repo = try shopRepository()
        _ = try repo.git("checkout", "-q", "-b", "feature")
        repo.write("dbt/models/marts/orders.sql", "select 3\n")
        _ = try repo.commit("feature")
        _ = try repo.git("checkout", "-q", "main")
        repo.write("dbt/models/marts/revenue.sql", "select 4\n")
        _ = try repo.commit("main moves")
        let clone = repo.root + "/shallow"
        _ = try repo.git(in: repo.root, "clone", "-q", "--depth", "1", "--no-single-branch", "file://" + repo.path, clone)
        let run = try rationale(["impact", "--base", "origin/main", "--head", "origin/feature"], in: clone, env: repo.environment)
        #expect(run.status == 2)
        #expect(run.stderr.contains("fetch-depth: 0"))
    }

    @Test func stagedInABareRepositoryIsRefused() throws {
        let repo = try shopRepository()
        let bare = repo.root + "/bare.git"
        _ = try repo.git(in: repo.root, "clone", "-q", "--bare", repo.path, bare)
        let run = try rationale(["impact", "--staged"], in: bare)
        #expect(run.status == 2)
        #expect(run.stderr.contains("--staged"))
        let range = try rationale(["impact", "--base", "main~0", "--head", "main"], in: bare)
        #expect(range.status == 0, "\(range.stderr)")
    }

    @Test func aBareRepositoryTakesTheProjectFromItsRootWhereverItRuns() throws {
        let repo = try shopRepository()
        repo.write("dbt/models/staging/stg_orders.sql", "select 3 as id from raw.orders\n")
        _ = try repo.commit("edit")
        let bare = repo.root + "/bare.git"
        _ = try repo.git(in: repo.root, "clone", "-q", "--bare", repo.path, bare)
        // From the git directory, from a folder inside it, and from outside with -C: `--project`
        // names the folder in the repository, never one relative to where the command runs.
        for (arguments, directory) in [([String](), bare), ([], bare + "/refs"), (["-C", bare], repo.root)] {
            let run = try rationale(["impact"] + arguments + ["--base", "main~1", "--head", "main", "--project", "dbt", "--format", "json"], in: directory)
            #expect(run.status == 0, "\(directory): \(run.stderr)")
            #expect(run.stdout.contains("model.shop.stg_orders"), "\(directory)")
        }
        let wrong = try rationale(["impact", "--base", "main~1", "--head", "main", "--project", "nowhere"], in: bare)
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("`dbt`"), "the message lists the real project folder")
    }
}

@Suite("Parse cache on disk")
struct CacheFileTests {
    @Test func concurrentColdRunsAgreeAndLeaveAWholeCache() throws {
        let repo = try shopRepository()
        repo.write("dbt/models/staging/stg_orders.sql", "select 2 as id from raw.orders\n")
        repo.stage("dbt/models/staging/stg_orders.sql")
        let processes = (0..<4).map { _ -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: rationaleBinary)
            process.arguments = ["impact", "--format", "json"]
            process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let cacheFolder = repo.path + "/.git/rationale"
        #expect(FileManager.default.fileExists(atPath: cacheFolder + "/parse-cache.bin"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cacheFolder).filter { $0.hasPrefix(".tmp-") }
        #expect(leftovers.isEmpty, "no temporary file is left behind")
        let cold = try rationale(["impact", "--format", "json", "--no-cache"], in: repo.path)
        let warm = try rationale(["impact", "--format", "json"], in: repo.path)
        #expect(warm.status == 0)
        #expect(warm.stdout == cold.stdout)
    }
}

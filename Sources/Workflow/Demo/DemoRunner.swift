import Foundation

/// Builds the sample project in a new git repository and walks the whole loop with the real
/// commands — the installed hook refusing a change, a session started, filled and checked, the
/// commit accepted, the narrative drafted and the gate run — handing each step to the caller as
/// it happens. Every command runs as a user would run it: `rationale` is this binary, `git` is
/// the one on PATH (hooks run only through git itself).
public struct DemoRunner {
    /// One step of the demo: the command a user would type, what it printed, and its exit status.
    public struct Step: Sendable {
        /// The command line, as a user would type it.
        public var command: String
        /// What it printed (standard output and error, in order of the streams).
        public var output: String
        /// Its exit status.
        public var status: Int32
        /// What the step shows, in a sentence.
        public var note: String
    }

    /// Where the repository goes; nil makes a new temporary folder.
    public var folder: String?
    /// The rationale binary to run (the running one by default).
    public var binary: String

    /// Creates a runner.
    public init(folder: String?, binary: String) {
        self.folder = folder
        self.binary = binary
    }

    /// The branch the demo works on.
    static let branch = "round-payments"

    /// Runs the demo; returns the repository folder.
    @discardableResult
    public func run(_ report: @escaping (Step) -> Void) throws -> String {
        let path = try prepareFolder()
        var context = Context(root: path, binary: binary, report: report)

        try write(SampleProject.files, into: path)
        try context.git(["init", "-q", "-b", "main"], quiet: true)
        // Local settings, so the user's global configuration (signing, a global hooks path)
        // neither breaks nor changes the demo.
        for (key, value) in [
            ("user.name", "Rationale Demo"), ("user.email", "demo@rationale.invalid"),
            ("commit.gpgsign", "false"), ("core.hooksPath", ".git/hooks"),
        ] {
            try context.git(["config", key, value], quiet: true)
        }
        try context.git(["add", "-A"], quiet: true)
        try context.git(
            ["commit", "-q", "-m", "Sample shop: sources, staging, marts"],
            note: "a small dbt project (sources, seeds, staging, intermediate, marts, a macro, a snapshot, an exposure) on main")
        try context.git(["checkout", "-q", "-b", Self.branch], note: "a branch for the change, as for a pull request")
        try context.rationale(["install"], note: "pre-commit and commit-msg hooks that run `rationale check`")

        try write(SampleProject.change, into: path)
        try context.git(["add", "-A"], note: "stage the change: stg_payments gains a `method` column; cents_to_dollars rounds instead of casting")
        try context.rationale(["impact"], note: "what the change modifies and what lies downstream, read from git in milliseconds")
        try context.git(
            ["commit", "-q", "-m", "Round payments to cents"], expect: 1,
            note: "the hook refuses: the change has no session explaining it")

        try context.rationale(
            ["session", "start", "Round payments to cents", "--kind", "refactor", "--problem", Self.problem],
            note: "scaffold the session with the problem in your words, first (recorded: a later rewrite shows); CONTEXT.md holds the lineage and the budget")
        let session = try sessionFolder(path)
        try context.rationale(
            ["context", "--budget", "2000", "--write"], quietOutput: true,
            note: "a context pack for the agent within 2,000 tokens; its decisions go into CONTEXT.md")
        try context.rationale(
            ["loops", "propose", "Does the revenue dashboard need a note about rounding?", "--model", "customers", "--by", "agent"],
            note: "the agent raises a question")
        try context.rationale(["loops", "approve", "L-1"], note: "you decide it matters")
        try context.rationale(
            [
                "attempts", "add", "round in the marts instead of the macro", "--result", "failed", "--why",
                "stg_payments still truncates half cents for anyone who reads it", "--by", "agent",
            ],
            note: "a first try that did not work is logged, not hidden: the narrative and the handoff show it")
        try fillSummary(path: path, session: session)
        context.show(
            "edit \(session)/SUMMARY.md",
            output: "(the demo writes what was done, the reasoning, the excluded scope and the context decisions, as you would)",
            note: "the author writes the why")
        try context.rationale(["session", "status"], note: "nothing missing")
        try context.git(["add", "-A"], quiet: true)
        try context.git(["commit", "-q", "-m", "Round payments to cents"], note: "the same commit, now with its reasoning: the hook lets it through")

        try context.rationale(["session", "close"], note: "BOOTLOADER.md hands off to the next session; STATE.md points at it")
        try context.git(["add", "-A"], quiet: true)
        try context.git(["commit", "-q", "-m", "Close the session"], note: "session files only: nothing for the hook to hold")

        try context.rationale(["narrate", "--base", "main", "--output", "narrative.md"], quiet: true)
        let narrative = (try? String(contentsOfFile: path + "/narrative.md", encoding: .utf8)) ?? ""
        context.show(
            "rationale narrate --base main --output narrative.md && cat narrative.md", output: narrative,
            note: "the pull request narrative, drafted from the session and the lineage")
        try context.rationale(
            ["gate", "--base", "main", "--pr-body-file", "narrative.md"], expect: 1,
            note: "the gate refuses a description that still asks the author how the data was checked")
        let filled = narrative.replacingOccurrences(
            of: #"<!-- rationale:todo how you checked the data[^>]*-->"#,
            with: "Totals of `amount` per day match before and after to the cent; 3 payments of odd cents now round half up.",
            options: .regularExpression)
        try Data(filled.utf8).write(to: URL(fileURLWithPath: path + "/narrative.md"))
        context.show("edit narrative.md", output: "(the author says how the data was checked)", note: "only the author can write this")
        try context.rationale(["gate", "--base", "main", "--pr-body-file", "narrative.md"], note: "the required check passes")

        // Proof from data: what `dbt build` writes, here written by the demo (no warehouse).
        try writeRunResults(path: path, failing: true)
        context.show(
            "dbt build --select stg_payments+", output: "(the demo writes target/run_results.json as dbt would: unique_stg_payments_payment_id fails)",
            note: "CI builds the change; a duplicate payment id slipped in")
        try context.rationale(
            ["gate", "--base", "main", "--pr-body-file", "narrative.md", "--run-results", "target/run_results.json"], expect: 1,
            note: "the gate names the failed test the change reaches")
        try writeRunResults(path: path, failing: false)
        context.show(
            "dbt build --select stg_payments+", output: "(the demo writes target/run_results.json again: every test passes)",
            note: "the duplicate fixed upstream, the build runs again")
        try context.rationale(
            ["gate", "--base", "main", "--pr-body-file", "narrative.md", "--run-results", "target/run_results.json"],
            note: "the gate passes on the data too")
        if let failure = context.failure { throw failure }
        return path
    }

    /// Runs steps, reports them, and remembers the first one that did not end as expected.
    struct Context {
        let root: String
        let binary: String
        let report: (Step) -> Void
        var failure: DemoError?

        mutating func rationale(_ arguments: [String], expect: Int32 = 0, quiet: Bool = false, quietOutput: Bool = false, note: String = "") throws {
            let result = try Self.execute(binary, arguments, in: root)
            let command = "rationale " + arguments.map(Self.quoted).joined(separator: " ")
            if !quiet {
                report(
                    Step(
                        command: command, output: quietOutput ? "(\(result.output.split(separator: "\n").count) lines)" : result.output, status: result.status,
                        note: note))
            }
            if result.status != expect, failure == nil { failure = .stepFailed(command, result.status, result.output) }
        }

        mutating func git(_ arguments: [String], expect: Int32 = 0, quiet: Bool = false, note: String = "") throws {
            let result = try Self.execute("/usr/bin/env", ["git"] + arguments, in: root)
            let command = "git " + arguments.map(Self.quoted).joined(separator: " ")
            if !quiet { report(Step(command: command, output: result.output, status: result.status, note: note)) }
            if result.status != expect, failure == nil { failure = .stepFailed(command, result.status, result.output) }
        }

        func show(_ command: String, output: String, note: String) {
            report(Step(command: command, output: output, status: 0, note: note))
        }

        static func quoted(_ argument: String) -> String {
            argument.contains(where: { $0 == " " || $0 == "'" || $0 == "\"" || $0 == "`" }) ? "\"\(argument)\"" : argument
        }

        static func execute(_ executable: String, _ arguments: [String], in folder: String) throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: folder, isDirectory: true)
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = "1"
            environment["RATIONALE_SKIP"] = nil
            environment["GIT_DIR"] = nil
            environment["GIT_WORK_TREE"] = nil
            process.environment = environment
            // One file for both streams keeps them in the order they were written.
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rationale-demo-\(UUID().uuidString)")
            FileManager.default.createFile(atPath: scratch.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let handle = try FileHandle(forWritingTo: scratch)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                throw DemoError.cannotRun(executable == "/usr/bin/env" ? "git" : executable)
            }
            process.waitUntilExit()
            try handle.close()
            let output = String(decoding: (try? Data(contentsOf: scratch)) ?? Data(), as: UTF8.self)
            return (process.terminationStatus, output.trimmingCharacters(in: .newlines))
        }
    }

    func sessionFolder(_ root: String) throws -> String {
        let sessions = root + "/.project/sessions"
        guard let name = (try? FileManager.default.contentsOfDirectory(atPath: sessions))?.sorted().last else {
            throw DemoError.stepFailed("rationale session start", 0, "no session folder was made")
        }
        return ".project/sessions/" + name
    }

    /// Writes target/run_results.json as `dbt build --select stg_payments+` would, dated now
    /// (results older than the head commit are stale).
    func writeRunResults(path: String, failing: Bool) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let results: [(String, String)] = [
            ("model.sample_shop.stg_payments", "success"),
            ("test.sample_shop.unique_stg_payments_payment_id.4f1f0a7c2e", failing ? "fail" : "pass"),
            ("test.sample_shop.not_null_stg_payments_payment_id.9b2d51e0aa", "pass"),
            ("model.sample_shop.int_order_payments", "success"),
            ("model.sample_shop.orders", "success"),
            ("test.sample_shop.unique_orders_order_id.0c8e7d6b5a", "pass"),
            ("test.sample_shop.not_null_orders_order_id.1d9f8e7c6b", "pass"),
            ("model.sample_shop.customers", "success"),
        ]
        let lines = results.map { id, status in
            #"    {"unique_id": "\#(id)", "status": "\#(status)", "failures": \#(status == "fail" ? "2" : "0"), "execution_time": 0.1}"#
        }
        let text = """
            {"metadata": {"dbt_version": "1.11.0", "generated_at": "\(formatter.string(from: Date()))"},
             "results": [
            \(lines.joined(separator: ",\n"))
            ]}

            """
        try FileManager.default.createDirectory(atPath: path + "/target", withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/target/run_results.json"))
    }

    /// The problem, as the demo's author states it before any fix.
    static let problem =
        "Payment amounts are cast to numeric(16, 2), which truncates half cents, so daily revenue drifts from the payment provider's totals by a few cents a day."

    /// Writes SUMMARY.md the way its author would: the session comment and the loops block kept.
    func fillSummary(path: String, session: String) throws {
        let file = path + "/" + session + "/SUMMARY.md"
        let template = try String(contentsOfFile: file, encoding: .utf8)
        let first = template.split(separator: "\n").first.map(String.init) ?? ""
        let loops =
            template.components(separatedBy: "<!-- rationale:loops:begin -->").dropFirst().first?
            .components(separatedBy: "<!-- rationale:loops:end -->").first ?? "\n_No loops._\n"
        let text = """
            \(first)
            # Round payments to cents

            ## Problem, in my words
            \(Self.problem)

            ## What was done
            - `cents_to_dollars` rounds to two decimals instead of casting.
            - `stg_payments` carries the payment `method`, which finance asked for.

            ## Loops
            <!-- rationale:loops:begin -->\(loops)<!-- rationale:loops:end -->

            ## Context decisions
            The budget and the tokens used are in CONTEXT.md, where `rationale context --write` recorded them.

            - loaded: stg_payments — the model whose amount changes, and the macro it calls
            - excluded: customers — sums orders.amount; the grain and keys stay the same

            ## Reasoning
            ### Transformation
            Rounding in `cents_to_dollars` fixes every model that converts cents at once; rounding in the marts would leave `stg_payments` wrong for anyone reading it directly.

            ### Destination
            `revenue_dashboard` sums `orders.amount` per day: rounding moves a day by a few cents, towards the provider's figure.

            ### Quality
            Daily totals of `amount` must match the provider's report to the cent; the payment tests still pass.

            ## Excluded scope
            Historical snapshots are not rebuilt; they keep the truncated values.

            ## Next session
            Compare daily revenue with the provider's report for last month.

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    }

    func prepareFolder() throws -> String {
        let fm = FileManager.default
        if let folder {
            let absolute = (folder as NSString).standardizingPath
            if fm.fileExists(atPath: absolute) {
                let contents = try fm.contentsOfDirectory(atPath: absolute)
                guard contents.isEmpty else { throw DemoError.folderNotEmpty(absolute) }
            }
            try fm.createDirectory(atPath: absolute, withIntermediateDirectories: true)
            return absolute
        }
        let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("rationale-demo-\(UUID().uuidString.prefix(8).lowercased())")
        try fm.createDirectory(atPath: base, withIntermediateDirectories: true)
        return (base as NSString).resolvingSymlinksInPath
    }

    func write(_ files: [String: String], into root: String) throws {
        for (path, content) in files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((content.hasSuffix("\n") ? content : content + "\n").utf8).write(to: url)
        }
    }
}

/// Why the demo could not run.
public enum DemoError: Error, LocalizedError, Equatable {
    /// `--into` names a folder that already holds files.
    case folderNotEmpty(String)
    /// A program (git) could not be started.
    case cannotRun(String)
    /// A step did not end as it should.
    case stepFailed(String, Int32, String)

    public var errorDescription: String? {
        switch self {
        case .folderNotEmpty(let path):
            return "\(path) is not empty: the demo never writes over files — pass a new or empty folder to --into"
        case .cannotRun(let program):
            return "cannot run \(program): the demo needs git on PATH (hooks run only through git itself)"
        case .stepFailed(let command, let status, let output):
            return "the demo step `\(command)` ended with exit \(status), which it should not have:\n\(output)"
        }
    }
}

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
    /// What runs the data steps: a dbt with the duckdb adapter, or a simulation.
    public var data: DataSource

    /// Creates a runner.
    public init(folder: String?, binary: String, data: DataSource) {
        self.folder = folder
        self.binary = binary
        self.data = data
    }

    /// The branch the demo works on.
    static let branch = "round-payments"

    /// Runs the demo; returns the repository folder.
    @discardableResult
    public func run(_ report: @escaping (Step) -> Void) throws -> String {
        let path = try prepareFolder()
        var context = Context(root: path, binary: binary, report: report)
        if case .dbt(let dbt) = data {
            // Commands find this dbt on PATH, as a user's would be; it reads the sample's profiles.yml.
            let folder = (dbt as NSString).deletingLastPathComponent
            context.environment = Self.dbtEnvironment(root: path)
            context.environment["PATH"] = folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        }

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
        try buildProduction(&context)
        try context.git(["checkout", "-q", "-b", Self.branch], note: "a branch for the change, as for a pull request")
        try context.rationale(["install"], note: "pre-commit and commit-msg hooks that run `rationale check`")

        try write(SampleProject.change, into: path)
        try context.git(
            ["add", "-A"], note: "stage the change: stg_payments gains a `method` column; cents_to_dollars rounds half cents instead of dropping them")
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
                "stg_payments still drops half cents for anyone who reads it", "--by", "agent",
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

        switch data {
        case .dbt where context.failure != nil: break
        case .dbt: try proveWithData(&context, path: path)
        case .simulated(let reason): try simulateData(&context, path: path, reason: reason)
        }
        if let failure = context.failure { throw failure }
        return path
    }

    func sessionFolder(_ root: String) throws -> String {
        let sessions = root + "/.project/sessions"
        guard let name = (try? FileManager.default.contentsOfDirectory(atPath: sessions))?.sorted().last else {
            throw DemoError.stepFailed("rationale session start", 0, "no session folder was made")
        }
        return ".project/sessions/" + name
    }

    /// The problem, as the demo's author states it before any fix.
    static let problem =
        "Payment amounts drop their half cents (cents_to_dollars floors them), so daily revenue falls below the payment provider's totals by a few cents a day."

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
            - `cents_to_dollars` rounds fractional cents instead of flooring them.
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
            Historical snapshots are not rebuilt; they keep the floored values.

            ## Next session
            Compare daily revenue with the provider's report for last month.

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    }

    func prepareFolder() throws -> String {
        let fm = FileManager.default
        if let folder {
            let given = folder.hasPrefix("/") ? folder : fm.currentDirectoryPath + "/" + folder
            let absolute = (given as NSString).standardizingPath
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
    /// `--dbt` names a dbt the data steps cannot use.
    case dbtUnusable(String, String)

    public var errorDescription: String? {
        switch self {
        case .folderNotEmpty(let path):
            return "\(path) is not empty: the demo never writes over files — pass a new or empty folder to --into"
        case .cannotRun(let program) where program != "git":
            return "cannot run \(program): check that it is an executable file"
        case .cannotRun(let program):
            return "cannot run \(program): the demo needs git on PATH (hooks run only through git itself)"
        case .stepFailed(let command, let status, let output):
            return "the demo step `\(command)` ended with exit \(status), which it should not have:\n\(output)"
        case .dbtUnusable(let dbt, let reason):
            return "cannot run the data steps with \(dbt): \(reason) — \(DemoRunner.dbtInstall), or leave out --dbt to simulate them"
        }
    }
}

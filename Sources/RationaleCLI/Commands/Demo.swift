import Workflow
import ArgumentParser
import Foundation

extension Rationale {
    /// `rationale demo`: the whole loop on an embedded sample project.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Walk the whole loop on a sample dbt project in a new git repository.",
            discussion: """
                Writes a small dbt project into a temporary git repository (or --into DIR) and runs \
                the real commands, printing each before its output: install the hooks, see the \
                impact of a change, watch the hook refuse a commit without a session, start and fill a \
                session, commit through the hook, close the session, draft the pull request narrative \
                and run the gate. The repository stays behind for you to explore. Needs git on PATH.

                With a dbt that has the duckdb adapter (--dbt, else dbt on PATH; `make demo` \
                installs dbt-core 1.11 and dbt-duckdb), the data steps are real: production is built \
                from main into one duckdb file, the branch on a dev schema with --defer, and \
                `rationale prove` compares them for the narrative and the gate. Without one, the demo \
                writes dbt's run results itself and says so.

                Example:
                  rationale demo
                  rationale demo --into ./rationale-sample
                  rationale demo --dbt .venv/bin/dbt
                """
        )

        @Option(name: .long, help: "Build the sample here (a new or empty folder) instead of a temporary one.")
        var into: String?

        @Option(name: .long, help: ArgumentHelp("The dbt (with dbt-duckdb) for the data steps: a path, or a name on PATH (default dbt).", valueName: "path"))
        var dbt: String?

        @Flag(name: .long, help: "Simulate the data steps (dbt's run results written by the demo) even when dbt is installed.")
        var noDbt = false

        func validate() throws {
            if noDbt && dbt != nil { throw ValidationError("--dbt and --no-dbt exclude each other: pass one") }
        }

        func run() throws {
            try runReportingErrors {
                guard let binary = HookInstaller.currentExecutablePath() else { throw HookError.binaryNotFound }
                let environment = ProcessInfo.processInfo.environment
                let data =
                    noDbt
                    ? DemoRunner.DataSource.simulated(reason: "--no-dbt")
                    : try DemoRunner.dataSource(
                        requested: dbt, path: environment["PATH"], directory: FileManager.default.currentDirectoryPath)
                switch data {
                case .dbt(let executable): emit("# data steps: real, with \(executable) and dbt-duckdb")
                case .simulated(let reason): emit("# data steps: simulated (\(reason)); for real ones: \(DemoRunner.dbtInstall)")
                }
                let path = try DemoRunner(folder: into, binary: binary, data: data).run { step in
                    var lines = ["", "$ \(step.command)"]
                    if !step.note.isEmpty { lines.insert("# \(step.note)", at: 1) }
                    if !step.output.isEmpty { lines.append(step.output) }
                    if step.status != 0 { lines.append("(exit \(step.status))") }
                    emit(lines.joined(separator: "\n"))
                }
                emit("\nThe sample repository stays at \(path)\nExplore it: cd \(path) && \(binary) session list")
            }
        }
    }
}

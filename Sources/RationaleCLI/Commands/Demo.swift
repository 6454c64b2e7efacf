import Workflow
import ArgumentParser
import Foundation

extension Rationale {
    /// `rationale demo`: the whole loop on an embedded sample project.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the whole loop on a sample dbt project in a new git repository.",
            discussion: """
                Writes a small dbt project into a temporary git repository (or --into DIR) and runs \
                the real commands, printing each before its output: install the hooks, see the \
                impact of a change, watch the hook refuse a commit without a session, start and fill a \
                session, commit through the hook, close the session, draft the pull request narrative \
                and run the gate. The repository stays behind for you to explore. Needs git on PATH.

                Example:
                  rationale demo
                  rationale demo --into ./rationale-sample
                """
        )

        @Option(name: .long, help: "Build the sample here (a new or empty folder) instead of a temporary one.")
        var into: String?

        func run() throws {
            try runReportingErrors {
                guard let binary = HookInstaller.currentExecutablePath() else { throw HookError.binaryNotFound }
                let path = try DemoRunner(folder: into, binary: binary).run { step in
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

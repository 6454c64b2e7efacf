import ArgumentParser
import Foundation

extension Rationale {
    /// `rationale demo`: the main job on an embedded sample project.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a sample dbt project in a new git repository, change it, and show the impact.",
            discussion: """
            Writes a small dbt project (sources, seeds, staging, intermediate, marts, a macro, a \
            snapshot, an exposure) into a temporary git repository, commits it, stages a change, \
            and runs the real commands on it. The repository stays behind for you to explore.

            Example:
              rationale demo
              rationale demo --into ./rationale-sample
            """
        )

        @Option(name: .long, help: "Build the sample here (a new or empty folder) instead of a temporary one.")
        var into: String?

        func run() throws {
            try runReportingErrors {
                let path = try DemoRunner(folder: into).run { step in
                    emit("$ \(step.command)")
                    emit(step.output)
                    emit("")
                }
                // Name the binary as the user can run it: `make demo` does not put it on PATH.
                let invoked = CommandLine.arguments.first ?? "rationale"
                let binary = invoked.contains("/")
                    ? URL(fileURLWithPath: invoked).standardizedFileURL.path
                    : invoked
                emit("The sample repository stays at \(path)\nExplore it: cd \(path) && \(binary) impact --format markdown")
            }
        }
    }
}

import Workflow
import ArgumentParser
import Foundation

extension Rationale {
    /// `rationale doctor`: what is set up, what is missing, and how to fix it.
    struct Doctor: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Check the setup: repository, hooks, hook managers, configuration, sessions, history.",
            discussion: """
                Prints a checklist: the repository and its hooks folder (and where it came from), \
                for each hook whether rationale installed it, whether the binary it runs exists, \
                whether a .legacy hook is chained or a foreign hook runs instead, husky, lefthook and \
                pre-commit, .rationale.yml, the sessions folder, and a shallow clone. Every problem \
                line says how to fix it. Exit 0 when nothing is wrong, 1 when something is.

                Examples:
                  rationale doctor
                  rationale doctor -C ../warehouse --format json
                """
        )

        @Option(name: .long, help: "Output format: text or json.")
        var format: DoctorFormat = .text

        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            try runReportingErrors {
                let report = SetupDoctor.examine(directory: repository.resolvedDirectory)
                emit(format == .json ? DoctorRenderer.json(report) : DoctorRenderer.text(report))
                if report.hasProblems { throw ExitCode(1) }
            }
        }
    }
}

/// The output formats of `doctor`.
enum DoctorFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

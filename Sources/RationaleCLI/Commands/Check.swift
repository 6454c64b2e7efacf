import Workflow
import ArgumentParser
import Diagnostics
import Foundation

extension Rationale {
    /// `rationale check`: the pre-commit check.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "The pre-commit check: a staged dbt change needs a session that explains it.",
            discussion: """
                When the staged change touches gated paths (by default each dbt project's model, seed, \
                macro and snapshot paths and dbt_project.yml; `gated:` in .rationale.yml), a session \
                staged in this commit, or committed on this branch since it left the default branch, \
                must validate and name every modified model in its context decisions.

                To commit past it once, say why: RATIONALE_SKIP="hotfix, session follows" git commit … \
                The commit-msg hook (`check --commit-msg FILE`) then adds a `Rationale-Skip:` trailer \
                so CI sees every skip.

                Exit codes: 0 pass (or nothing in scope, or skipped), 1 findings, 2 could not run.

                Examples:
                  rationale check
                  rationale check --format json
                  RATIONALE_SKIP="typo fix in a comment" git commit -m "…"
                """
        )

        @Option(name: .long, help: "Output format: text, json.")
        var format: ReportFormat = .text

        @Option(name: .long, help: "Run as the commit-msg hook: add the Rationale-Skip trailer to this message file when RATIONALE_SKIP is set.")
        var commitMsg: String?

        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            try runReportingErrors {
                let skip = ProcessInfo.processInfo.environment["RATIONALE_SKIP"].flatMap {
                    $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0
                }
                if let commitMsg {
                    guard let skip else { return }
                    guard let data = FileManager.default.contents(atPath: commitMsg) else {
                        throw CheckError.cannotReadMessage(commitMsg)
                    }
                    let message = String(decoding: data, as: UTF8.self)
                    let updated = CheckFrontend.addSkipTrailer(to: message, reason: skip)
                    if updated != message {
                        do { try Data(updated.utf8).write(to: URL(fileURLWithPath: commitMsg)) } catch { throw CheckError.cannotReadMessage(commitMsg) }
                    }
                    return
                }
                let workspace = try Workspace.open(repository.resolvedDirectory)
                let outcome = try CheckFrontend.run(workspace, skip: skip)
                switch format {
                case .json:
                    emit(FindingsOutput.json(outcome))
                case .text:
                    if let note = outcome.note { emit("rationale check: \(note)") }
                    switch outcome.result {
                    case .skipped:
                        emitError(
                            "rationale check: skipped (RATIONALE_SKIP: \(outcome.skipReason ?? "")); the commit-msg hook records a Rationale-Skip trailer and CI sees it"
                        )
                    case .outOfScope:
                        break
                    case .passed:
                        if !outcome.findings.isEmpty { emit(FindingsOutput.text(outcome.findings)) }
                        emit(
                            "rationale check: passed — \(outcome.modified.count) modified model\(outcome.modified.count == 1 ? "" : "s") explained by \(outcome.sessions.map(ConsoleText.oneLine).joined(separator: ", "))"
                        )
                    case .failed:
                        emit(FindingsOutput.text(outcome.findings))
                        emitError(
                            """
                            rationale check: this commit changes dbt code without the reasoning behind it (\(outcome.findings.filter { $0.severity == .error }.count) problem\(outcome.findings.count == 1 ? "" : "s") above).
                            Fix them and commit again, or skip once and say why: RATIONALE_SKIP="reason" git commit …
                            """)
                    }
                }
                if !outcome.passed { throw ExitCode(1) }
            }
        }
    }
}

/// Why `check` could not run.
enum CheckError: Error, LocalizedError {
    case cannotReadMessage(String)

    var errorDescription: String? {
        switch self {
        case .cannotReadMessage(let path):
            return "cannot read or write the commit message file \(path): run `rationale check --commit-msg` only from the commit-msg hook"
        }
    }
}

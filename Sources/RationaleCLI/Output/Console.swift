import Workflow
import Diagnostics
import Foundation
import Narrative

/// Everything the CLI prints goes through here, so text from a repository (file names, session
/// titles, loop text, findings) or a forge (its messages) cannot steer what reads the output:
/// no token from the environment is ever printed, control characters (terminal escapes) are
/// written visibly, and in GitHub Actions no printed line can be a workflow command unless it is
/// one of our own annotations (``emitWorkflowCommands(_:)``).
struct Console: Sendable {
    /// Whether the output is a GitHub Actions job log (`GITHUB_ACTIONS=true`).
    var inGitHubActions: Bool
    /// The tokens in the environment, replaced by `***` wherever they appear.
    var secrets: [String]

    /// The variables that hold the tokens rationale uses or a CI job carries.
    static let secretVariables = ["GITHUB_TOKEN", "GH_TOKEN", "RATIONALE_GITLAB_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN"]

    /// The process's own environment decides, once.
    static let current = Console(environment: ProcessInfo.processInfo.environment)

    init(environment: [String: String]) {
        inGitHubActions = environment["GITHUB_ACTIONS"] == "true"
        secrets = Self.secretVariables.compactMap { environment[$0]?.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    /// Plain text (lines of findings, messages, Markdown, JSON) made safe to print.
    func printable(_ text: String) -> String {
        let safe = ConsoleText.printable(ConsoleText.redacting(secrets, in: text))
        return inGitHubActions ? WorkflowOutput.inert(safe) : safe
    }

    /// Our own workflow commands (built by ``WorkflowOutput/annotation(_:file:line:title:message:)``,
    /// which escapes every line break): the tokens and control characters in their values go,
    /// the commands stay.
    func workflowCommands(_ text: String) -> String {
        ConsoleText.printable(ConsoleText.redacting(secrets, in: text))
    }
}

/// Writes text to standard output, with a final newline unless `newline` is false.
func emit(_ text: String, newline: Bool = true) {
    write(Console.current.printable(text), to: .standardOutput, newline: newline)
}

/// Writes our own workflow commands (annotations) to standard output.
func emitWorkflowCommands(_ text: String) {
    write(Console.current.workflowCommands(text), to: .standardOutput)
}

/// Writes text to standard error, with a final newline.
func emitError(_ text: String) {
    write(Console.current.printable(text), to: .standardError)
}

private func write(_ text: String, to handle: FileHandle, newline: Bool = true) {
    handle.write(Data((!newline || text.hasSuffix("\n") ? text : text + "\n").utf8))
}

import Workflow
import ArgumentParser
import Foundation
import Narrative

extension Rationale {
    /// `rationale publish`: puts the narrative on the pull request.
    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Put the PR narrative on the pull request: one comment updated in place, or a marked block of the body.",
            discussion: """
                The comment starts with the hidden marker <!-- rationale:narrative --> and is found \
                again on every run (all pages of comments), updated in place, never duplicated. With \
                --into-body the narrative goes between <!-- rationale:begin --> and \
                <!-- rationale:end --> in the body instead (appended when the markers are not there); \
                the body is fetched again right before the update and nothing outside the markers \
                changes. Nothing is written when the narrative is already there.

                A token that cannot write (a fork's pull request), or no token in a fork's pipeline, \
                does not fail the job: the narrative goes to the job summary (GITHUB_STEP_SUMMARY) \
                with a note, or to standard output. The forge is retried on 429 and 5xx answers with \
                backoff.

                Environment: GitHub Actions — GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, \
                GITHUB_API_URL, GITHUB_STEP_SUMMARY. GitLab CI — RATIONALE_GITLAB_TOKEN or \
                GITLAB_TOKEN (sent as PRIVATE-TOKEN), CI_API_V4_URL, CI_MERGE_REQUEST_PROJECT_ID, \
                CI_MERGE_REQUEST_IID.

                Limits: the token goes only to the API's own host (a redirect elsewhere is refused); \
                at most 100 pages of comments, answers of at most 10 MB, and 60 s for all requests of \
                the run (RATIONALE_FORGE_DEADLINE, in seconds, changes it).

                Exit codes: 0 written, unchanged, or fallen back to the summary; 2 could not run (no \
                token, no pull request, an unreadable event or narrative file, an API error, a limit).

                Examples:
                  rationale publish --github --file narrative.md
                  cat narrative.md | rationale publish --gitlab --into-body --file -
                  GITHUB_TOKEN=… rationale publish --github --repo octo/shop --pr 7 --file narrative.md
                """
        )

        @Flag(help: "The forge to write to.")
        var forge: ForgeChoice

        @Flag(name: .long, help: "Write the narrative as a marked block of the PR body instead of a comment.")
        var intoBody = false

        @Option(name: .long, help: "The narrative Markdown file; - reads standard input.")
        var file: String

        @Option(name: .long, help: "The REST API root (default: GITHUB_API_URL or CI_API_V4_URL, else the public forge).")
        var apiURL: String?

        @Option(name: .long, help: "The repository: GitHub OWNER/NAME, or the GitLab project id or path (default: from the environment).")
        var repo: String?

        @Option(name: .long, help: "The pull request (merge request) number (default: from the event).")
        var pr: Int?

        @OptionGroup var repository: RepositoryOptions

        func validate() throws {
            if let pr, pr <= 0 { throw ValidationError("--pr must be a positive number, got \(pr)") }
            if forge == .github, let repo, repo.split(separator: "/", omittingEmptySubsequences: false).count != 2 || repo.hasPrefix("/") || repo.hasSuffix("/")
            {
                throw ValidationError("--repo must be OWNER/NAME for GitHub, got `\(repo)`")
            }
        }

        func run() throws {
            try runReportingErrors {
                let exchange = try Network.required()
                let narrative = try PublishFrontend.readNarrative(file, relativeTo: repository.resolvedDirectory)
                let options = PublishFrontend.Options(
                    forge: forge.kind, mode: intoBody ? .body : .comment, apiURL: apiURL, repository: repo, pullRequest: pr
                )
                for line in try PublishFrontend.run(options, narrative: narrative, environment: ProcessInfo.processInfo.environment, exchange: exchange) {
                    switch line {
                    case .text(let text): emit(text)
                    case .workflowCommand(let command): emitWorkflowCommands(command)
                    }
                }
            }
        }
    }

    /// `--github` or `--gitlab`.
    enum ForgeChoice: String, EnumerableFlag {
        case github, gitlab

        var kind: ForgeKind { self == .github ? .github : .gitlab }

        static func help(for value: ForgeChoice) -> ArgumentHelp? {
            value == .github ? "Write to a GitHub pull request." : "Write to a GitLab merge request."
        }
    }
}

import Foundation
import ForgeHTTP
import Testing
@testable import Narrative

@Suite("CI context from the environment")
struct CIContextTests {
    /// Writes an event payload into a fresh temporary file and returns its path.
    func eventFile(_ json: String) throws -> String {
        let path = NSTemporaryDirectory() + "rationale-event-\(UUID().uuidString).json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func gitHubPullRequestEvent() throws {
        let path = try eventFile(
            """
            {"action": "opened", "number": 7, "pull_request": {"number": 7, "body": "Why: typo",
             "base": {"sha": "aaa"}, "head": {"sha": "bbb", "repo": {"full_name": "octo/shop"}}}}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let context = try CIContext.github(environment: [
            "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "octo/shop", "GITHUB_EVENT_PATH": path,
            "GITHUB_EVENT_NAME": "pull_request", "GITHUB_TOKEN": "t", "GITHUB_STEP_SUMMARY": "/home/runner/work/_temp/_runner_file_commands/step_summary",
        ])
        #expect(context.forge == .github)
        #expect(context.apiURL == "https://api.github.com")
        #expect(context.pullRequest == 7)
        #expect(context.eventBody == "Why: typo")
        #expect(context.baseSHA == "aaa" && context.headSHA == "bbb")
        #expect(!context.isFork && !context.isMergeGroup)
        #expect(context.token == "t")
        #expect(context.stepSummaryPath == "/home/runner/work/_temp/_runner_file_commands/step_summary")
        #expect(context.pullRequestName == "octo/shop#7")
        #expect(try CIContext.detect(environment: ["GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "octo/shop", "GITHUB_EVENT_PATH": path]) != nil)
    }

    @Test func aNullBodyIsEmptyAndAnotherHeadRepositoryIsAFork() throws {
        let path = try eventFile(
            """
            {"pull_request": {"number": 9, "body": null, "base": {"sha": "a"}, "head": {"sha": "b", "repo": {"full_name": "someone/shop"}}}}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let context = try CIContext.github(environment: [
            "GITHUB_REPOSITORY": "octo/shop", "GITHUB_EVENT_PATH": path, "GITHUB_API_URL": "https://ghe.example/api/v3",
        ])
        #expect(context.eventBody == "")
        #expect(context.isFork)
        #expect(context.token == nil)
        #expect(context.apiURL == "https://ghe.example/api/v3")
    }

    @Test func mergeGroupEventsHaveCommitsButNoPullRequest() throws {
        let path = try eventFile(#"{"merge_group": {"base_sha": "a", "head_sha": "b", "head_ref": "gh-readonly-queue/main/pr-7-a"}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let context = try CIContext.github(environment: ["GITHUB_REPOSITORY": "octo/shop", "GITHUB_EVENT_PATH": path, "GITHUB_EVENT_NAME": "merge_group"])
        #expect(context.isMergeGroup)
        #expect(context.pullRequest == nil)
        #expect(context.baseSHA == "a" && context.headSHA == "b")
    }

    @Test(arguments: ["not json", "[1, 2]"])
    func aBadEventFileIsAnErrorNamingIt(content: String) throws {
        let path = try eventFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ForgeError.self) { try CIContext.github(environment: ["GITHUB_EVENT_PATH": path]) }
        #expect(throws: ForgeError.self) { try CIContext.github(environment: ["GITHUB_EVENT_PATH": path + ".missing"]) }
    }

    @Test func gitLabMergeRequestPipeline() throws {
        let environment = [
            "GITLAB_CI": "true", "CI_API_V4_URL": "https://gitlab.example/api/v4", "CI_MERGE_REQUEST_PROJECT_ID": "42",
            "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "7",
            "CI_MERGE_REQUEST_DIFF_BASE_SHA": "aaa", "CI_COMMIT_SHA": "bbb", "CI_PIPELINE_SOURCE": "merge_request_event",
            "GITLAB_TOKEN": "fallback", "RATIONALE_GITLAB_TOKEN": "preferred",
        ]
        let context = try #require(try CIContext.detect(environment: environment))
        #expect(context.forge == .gitlab)
        #expect(context.apiURL == "https://gitlab.example/api/v4")
        #expect(context.repository == "42" && context.pullRequest == 7)
        #expect(context.baseSHA == "aaa" && context.headSHA == "bbb")
        #expect(context.token == "preferred")
        #expect(!context.isFork)
        #expect(context.pullRequestName == "42!7")
        #expect(CIContext.gitlab(environment: ["GITLAB_TOKEN": "fallback"]).token == "fallback")
        #expect(CIContext.gitlab(environment: [:]).apiURL == CIContext.defaultGitLabAPI)
    }

    @Test func aMissingTokenOrPullRequestNamesWhatToSet() throws {
        let noToken = CIContext(
            forge: .gitlab, apiURL: "https://gitlab.com/api/v4", repository: "42", pullRequest: 7, tokenVariables: ["RATIONALE_GITLAB_TOKEN", "GITLAB_TOKEN"])
        #expect(throws: ForgeError.missingToken(forge: .gitlab, variables: ["RATIONALE_GITLAB_TOKEN", "GITLAB_TOKEN"])) { try noToken.makeForge() }
        #expect(
            ForgeError.missingToken(forge: .gitlab, variables: ["RATIONALE_GITLAB_TOKEN", "GITLAB_TOKEN"]).errorDescription?.contains(
                "RATIONALE_GITLAB_TOKEN or GITLAB_TOKEN") == true)
        let noPullRequest = CIContext(forge: .github, apiURL: "https://api.github.com", repository: "o/r", token: "t")
        #expect(throws: ForgeError.missingPullRequest(forge: .github)) { try noPullRequest.makeForge() }
        #expect(ForgeError.missingPullRequest(forge: .github).errorDescription?.contains("pull_request event, or pass --pr") == true)
        var badURL = noPullRequest
        badURL.pullRequest = 1
        badURL.apiURL = "api.github.com"
        #expect(throws: ForgeError.badAPIURL("api.github.com")) { try badURL.makeForge() }
    }
}

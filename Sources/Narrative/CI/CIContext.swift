import Foundation

/// What a CI job knows about the pull request it runs for: the forge, its API, the repository,
/// the pull request, the commits and the token, read from the job's environment.
///
/// The environment is passed in (the library never reads the process's own), so tests and
/// local runs can hand in exactly what they mean. Every field is a `var`: a command-line flag
/// overrides what the environment says.
public struct CIContext: Sendable, Equatable {
    /// GitHub or GitLab.
    public var forge: ForgeKind
    /// The REST API root, such as `https://api.github.com` or `https://gitlab.com/api/v4`.
    public var apiURL: String
    /// GitHub `owner/name`, or the GitLab project id (or its `group/name` path).
    public var repository: String?
    /// The pull request number (GitLab: the merge request iid).
    public var pullRequest: Int?
    /// The API token, when the environment has one.
    public var token: String?
    /// The variables the token is read from, in order, for messages.
    public var tokenVariables: [String]
    /// The base commit of the pull request (GitLab: the diff base).
    public var baseSHA: String?
    /// The head commit of the pull request.
    public var headSHA: String?
    /// The pull request body as the event recorded it (a null body is an empty body); nil when
    /// there is no event payload. It may be stale: fetch it again from the API before relying on it.
    public var eventBody: String?
    /// The event that started the job (`pull_request`, `merge_group`, `merge_request_event`, …).
    public var eventName: String?
    /// Whether the pull request comes from a fork: its token is then read-only.
    public var isFork: Bool
    /// Whether the job runs for a merge queue group (no pull request to write to).
    public var isMergeGroup: Bool
    /// The job summary file (`GITHUB_STEP_SUMMARY`), when there is one.
    public var stepSummaryPath: String?

    /// Creates a context from its parts.
    public init(
        forge: ForgeKind, apiURL: String, repository: String? = nil, pullRequest: Int? = nil,
        token: String? = nil, tokenVariables: [String] = [], baseSHA: String? = nil, headSHA: String? = nil,
        eventBody: String? = nil, eventName: String? = nil, isFork: Bool = false, isMergeGroup: Bool = false,
        stepSummaryPath: String? = nil
    ) {
        self.forge = forge
        self.apiURL = apiURL
        self.repository = repository
        self.pullRequest = pullRequest
        self.token = token
        self.tokenVariables = tokenVariables
        self.baseSHA = baseSHA
        self.headSHA = headSHA
        self.eventBody = eventBody
        self.eventName = eventName
        self.isFork = isFork
        self.isMergeGroup = isMergeGroup
        self.stepSummaryPath = stepSummaryPath
    }

    /// The GitHub API root when `GITHUB_API_URL` is not set.
    public static let defaultGitHubAPI = "https://api.github.com"
    /// The GitLab API root when neither `CI_API_V4_URL` nor `CI_SERVER_URL` is set.
    public static let defaultGitLabAPI = "https://gitlab.com/api/v4"

    /// The context of the CI system the environment belongs to: GitHub Actions when
    /// `GITHUB_ACTIONS` is `true`, GitLab CI when `GITLAB_CI` is `true`, nil otherwise.
    ///
    /// - Throws: ``ForgeError/badEventFile(path:reason:)`` when GitHub's event payload is unreadable.
    public static func detect(environment: [String: String]) throws -> CIContext? {
        if environment["GITHUB_ACTIONS"] == "true" { return try github(environment: environment) }
        if environment["GITLAB_CI"] == "true" { return gitlab(environment: environment) }
        return nil
    }

    /// GitHub Actions' context: `GITHUB_REPOSITORY`, `GITHUB_API_URL`, `GITHUB_TOKEN`,
    /// `GITHUB_STEP_SUMMARY`, `GITHUB_EVENT_NAME` and the event payload at `GITHUB_EVENT_PATH`
    /// (`pull_request` and `pull_request_target` events carry the pull request; `merge_group`
    /// events carry only the commits).
    ///
    /// - Throws: ``ForgeError/badEventFile(path:reason:)`` when `GITHUB_EVENT_PATH` is set but
    ///   the file cannot be read or is not a JSON object.
    public static func github(environment: [String: String]) throws -> CIContext {
        let repository = nonEmpty(environment["GITHUB_REPOSITORY"])
        var context = CIContext(
            forge: .github,
            apiURL: nonEmpty(environment["GITHUB_API_URL"]) ?? defaultGitHubAPI,
            repository: repository,
            token: nonEmpty(environment["GITHUB_TOKEN"]),
            tokenVariables: ["GITHUB_TOKEN"],
            eventName: nonEmpty(environment["GITHUB_EVENT_NAME"]),
            stepSummaryPath: nonEmpty(environment["GITHUB_STEP_SUMMARY"])
        )
        guard let path = nonEmpty(environment["GITHUB_EVENT_PATH"]) else { return context }
        let event = try readEvent(at: path)
        if let pullRequest = event["pull_request"] as? [String: Any] {
            context.pullRequest = (pullRequest["number"] as? Int) ?? (event["number"] as? Int)
            context.eventBody = (pullRequest["body"] as? String) ?? ""
            context.baseSHA = (pullRequest["base"] as? [String: Any])?["sha"] as? String
            let head = pullRequest["head"] as? [String: Any]
            context.headSHA = head?["sha"] as? String
            if let headRepository = (head?["repo"] as? [String: Any])?["full_name"] as? String, let repository {
                context.isFork = headRepository.lowercased() != repository.lowercased()
            }
        } else if let group = event["merge_group"] as? [String: Any] {
            context.isMergeGroup = true
            context.baseSHA = group["base_sha"] as? String
            context.headSHA = group["head_sha"] as? String
        }
        if context.eventName == "merge_group" { context.isMergeGroup = true }
        return context
    }

    /// GitLab CI's context for a merge request pipeline: `CI_API_V4_URL`,
    /// `CI_MERGE_REQUEST_PROJECT_ID`, `CI_MERGE_REQUEST_IID`, `CI_MERGE_REQUEST_DIFF_BASE_SHA`,
    /// `CI_COMMIT_SHA`, `CI_PIPELINE_SOURCE`, and the token from `RATIONALE_GITLAB_TOKEN` or
    /// `GITLAB_TOKEN` (GitLab's own job token cannot write notes).
    public static func gitlab(environment: [String: String]) -> CIContext {
        let api =
            nonEmpty(environment["CI_API_V4_URL"])
            ?? nonEmpty(environment["CI_SERVER_URL"]).map { $0 + "/api/v4" }
            ?? defaultGitLabAPI
        let project = nonEmpty(environment["CI_MERGE_REQUEST_PROJECT_ID"]) ?? nonEmpty(environment["CI_PROJECT_ID"])
        let source = nonEmpty(environment["CI_MERGE_REQUEST_SOURCE_PROJECT_ID"])
        let variables = ["RATIONALE_GITLAB_TOKEN", "GITLAB_TOKEN"]
        return CIContext(
            forge: .gitlab,
            apiURL: api,
            repository: project,
            pullRequest: nonEmpty(environment["CI_MERGE_REQUEST_IID"]).flatMap { Int($0) },
            token: variables.lazy.compactMap { nonEmpty(environment[$0]) }.first,
            tokenVariables: variables,
            baseSHA: nonEmpty(environment["CI_MERGE_REQUEST_DIFF_BASE_SHA"]),
            headSHA: nonEmpty(environment["CI_COMMIT_SHA"]),
            eventName: nonEmpty(environment["CI_PIPELINE_SOURCE"]),
            isFork: source != nil && project != nil && source != project
        )
    }

    /// How the pull request is written in messages: `owner/name#7`, or `project!7` on GitLab.
    public var pullRequestName: String {
        let repository = repository ?? "?"
        let number = pullRequest.map(String.init) ?? "?"
        return forge == .github ? "\(repository)#\(number)" : "\(repository)!\(number)"
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return value
    }

    private static func readEvent(at path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ForgeError.badEventFile(path: path, reason: "no such file")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ForgeError.badEventFile(path: path, reason: "not JSON")
        }
        guard let event = object as? [String: Any] else {
            throw ForgeError.badEventFile(path: path, reason: "not a JSON object")
        }
        return event
    }
}

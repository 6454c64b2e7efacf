import Foundation

/// Why talking to GitHub or GitLab, or reading their CI environment, failed. Each case carries
/// what a user needs to act.
public enum ForgeError: Error, LocalizedError, Equatable {
    /// No token in the environment; `variables` are the ones that were looked at.
    case missingToken(forge: ForgeKind, variables: [String])
    /// No pull request (merge request) number in the environment or on the command line.
    case missingPullRequest(forge: ForgeKind)
    /// No repository (GitHub `owner/name`, GitLab project) in the environment or on the command line.
    case missingRepository(forge: ForgeKind)
    /// The API address is not a URL.
    case badAPIURL(String)
    /// The event payload at `GITHUB_EVENT_PATH` cannot be read or is not the JSON Actions writes.
    case badEventFile(path: String, reason: String)
    /// The forge answered with an error status.
    case http(method: String, path: String, status: Int, message: String)
    /// The forge could not be reached (after retries).
    case connection(method: String, path: String, reason: String)
    /// The forge answered with something that is not what its API documents.
    case badResponse(method: String, path: String, reason: String)
    /// The PR body holds one of the block markers without the other after it.
    case unbalancedMarkers(found: String, missing: String)
    /// The job summary file cannot be written.
    case cannotWriteSummary(path: String, reason: String)
    /// An environment variable holds a value rationale cannot use.
    case badSetting(variable: String, value: String, expected: String)
    /// The forge redirected to another scheme, host or port: the token is not sent there.
    case redirectToAnotherOrigin(method: String, path: String, location: String)
    /// The answer's body passed ``ForgeLimits/maxBodyBytes``.
    case responseTooLarge(method: String, path: String, limit: Int)
    /// The run's requests passed ``ForgeLimits/deadline``.
    case deadlineExceeded(method: String, path: String, seconds: TimeInterval)
    /// The forge kept announcing a next page past ``ForgeLimits/maxPages``.
    case tooManyPages(path: String, limit: Int)

    public var errorDescription: String? {
        switch self {
        case .missingToken(let forge, let variables):
            let names = variables.joined(separator: " or ")
            return "no \(forge.displayName) token: set \(names) in the job's environment (with permission to write pull requests)"
        case .missingPullRequest(let forge):
            return "no \(forge.pullRequestWord) number: run this on a \(forge == .github ? "pull_request" : "merge_request") event, or pass --pr N"
        case .missingRepository(let forge):
            let variable = forge == .github ? "GITHUB_REPOSITORY" : "CI_MERGE_REQUEST_PROJECT_ID"
            return
                "no \(forge.displayName) \(forge == .github ? "repository" : "project"): set \(variable), or pass --repo \(forge == .github ? "OWNER/NAME" : "PROJECT")"
        case .badAPIURL(let url):
            return "the API address `\(url)` is not a URL: pass --api-url like https://api.github.com or https://gitlab.com/api/v4"
        case .badEventFile(let path, let reason):
            return
                "the event payload \(path) (GITHUB_EVENT_PATH) cannot be read: \(reason) — run inside GitHub Actions, or unset GITHUB_EVENT_PATH and pass --pr N"
        case .http(let method, let path, let status, let message):
            return "\(method) \(path) answered \(status): \(message)\(Self.hint(status: status))"
        case .connection(let method, let path, let reason):
            return "\(method) \(path) failed: \(reason) — check --api-url (or GITHUB_API_URL / CI_API_V4_URL) and the network"
        case .badResponse(let method, let path, let reason):
            return "\(method) \(path): unexpected answer: \(reason) — check that --api-url points at the REST API"
        case .unbalancedMarkers(let found, let missing):
            return "the PR body has \(found) without \(missing) after it: edit the body so both markers are there (or neither), then run again"
        case .cannotWriteSummary(let path, let reason):
            return "cannot append to the job summary \(path) (GITHUB_STEP_SUMMARY): \(reason)"
        case .badSetting(let variable, let value, let expected):
            return "\(variable) is `\(value)`: set it to \(expected), or unset it"
        case .redirectToAnotherOrigin(let method, let path, let location):
            return
                "\(method) \(path) redirected to \(location), another host, scheme or port than the API's: the token is not sent there — pass --api-url with the address the API answers at itself"
        case .responseTooLarge(let method, let path, let limit):
            return
                "\(method) \(path): the answer is larger than \(ForgeLimits.describe(bytes: limit)), the most rationale reads — check that --api-url points at the REST API"
        case .deadlineExceeded(let method, let path, let seconds):
            return
                "\(method) \(path): the forge did not answer within \(ForgeLimits.describe(seconds: seconds)), the time all requests of one run may take (\(ForgeLimits.deadlineVariable) changes it) — the forge is slow or stalled; run the job again later"
        case .tooManyPages(let path, let limit):
            return
                "GET \(path): the forge still announces a next page after \(limit) pages, the most rationale reads — check that --api-url points at the REST API, or delete old comments on the pull request"
        }
    }

    /// What a user can do about an error status.
    private static func hint(status: Int) -> String {
        switch status {
        case 401: return " — the token is missing, expired or wrong"
        case 403: return " — the token may lack permission (GitHub: `permissions: pull-requests: write`; GitLab: the api scope)"
        case 404: return " — check the repository, the pull request number and that the token can read them"
        case 429, 500...599: return " — the forge is busy or failing; run the job again later"
        default: return ""
        }
    }

    /// Whether this is a refused write by a token that can read but not write (a fork's pull
    /// request on GitHub), rather than a rate limit or a refused read.
    public var isReadOnlyRefusal: Bool {
        guard case .http(let method, _, 403, let message) = self, method != "GET" else { return false }
        return !message.lowercased().contains("rate limit")
    }

    /// Whether the request may have reached the forge and failed there or on the way back (a 5xx
    /// or a broken connection): a create may have happened even so.
    var mayHaveHappened: Bool {
        switch self {
        case .http(_, _, let status, _): return (500...599).contains(status)
        case .connection: return true
        default: return false
        }
    }
}

/// The two forges `rationale` can write to.
public enum ForgeKind: String, Sendable, Hashable, CaseIterable {
    case github, gitlab

    /// The forge's name as people write it.
    public var displayName: String { self == .github ? "GitHub" : "GitLab" }

    /// What the forge calls a pull request.
    public var pullRequestWord: String { self == .github ? "pull request" : "merge request" }
}

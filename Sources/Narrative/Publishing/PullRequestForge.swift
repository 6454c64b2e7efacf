import Foundation

/// A comment on a pull request (a GitLab note).
public struct ForgeComment: Sendable, Hashable {
    /// The forge's id of the comment.
    public var id: Int
    /// Its Markdown text.
    public var body: String

    /// Creates a comment.
    public init(id: Int, body: String) {
        self.id = id
        self.body = body
    }
}

/// The few calls on one pull request (merge request) that publishing and the gate need, the same
/// on GitHub and GitLab.
public protocol PullRequestForge: Sendable {
    /// GitHub or GitLab.
    var kind: ForgeKind { get }
    /// How the pull request is written in messages: `owner/name#7`, `project!7`.
    var pullRequestName: String { get }
    /// The pull request's body (GitLab: description) as it is now, fetched from the API; a null
    /// body is an empty one.
    func fetchBody() throws -> String
    /// Replaces the pull request's body.
    func updateBody(_ body: String) throws
    /// Every comment on the pull request, oldest first, all pages followed (GitLab: the notes
    /// people and bots wrote, without system notes).
    func comments() throws -> [ForgeComment]
    /// Adds a comment and returns it.
    func createComment(_ body: String) throws -> ForgeComment
    /// Replaces the text of a comment and returns it.
    func updateComment(id: Int, body: String) throws -> ForgeComment
}

extension CIContext {
    /// The forge client for this context's pull request.
    ///
    /// - Parameters:
    ///   - exchange: What sends a request over the network.
    ///   - maxAttempts: The most attempts of one request.
    ///   - limits: The bounds of the run: one deadline for all requests, body size, pages.
    ///   - sleep: How to wait between attempts (tests pass one that does not).
    /// - Throws: ``ForgeError`` when the token, repository or pull request is missing or the API
    ///   address is not a URL.
    public func makeForge(
        exchange: @escaping HTTPExchange, maxAttempts: Int = 4, limits: ForgeLimits = ForgeLimits(),
        sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }
    ) throws -> any PullRequestForge {
        guard let token else { throw ForgeError.missingToken(forge: forge, variables: tokenVariables) }
        guard let repository else { throw ForgeError.missingRepository(forge: forge) }
        guard let pullRequest else { throw ForgeError.missingPullRequest(forge: forge) }
        guard let base = URL(string: apiURL), let scheme = base.scheme, ["http", "https"].contains(scheme.lowercased()), base.host != nil else {
            throw ForgeError.badAPIURL(apiURL)
        }
        switch forge {
        case .github:
            let transport = HTTPTransport(
                baseURL: base, headers: HTTPTransport.gitHubHeaders(token: token), exchange: exchange, maxAttempts: maxAttempts, limits: limits, sleep: sleep)
            return GitHubForge(transport: transport, repository: repository, number: pullRequest)
        case .gitlab:
            let transport = HTTPTransport(
                baseURL: base, headers: HTTPTransport.gitLabHeaders(token: token), exchange: exchange, maxAttempts: maxAttempts, limits: limits, sleep: sleep)
            return GitLabForge(transport: transport, project: repository, iid: pullRequest)
        }
    }
}

/// Decodes a JSON answer, naming the request when it is not what the API documents.
func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse, _ method: String, _ path: String) throws -> T {
    do {
        return try JSONDecoder().decode(T.self, from: response.body)
    } catch {
        throw ForgeError.badResponse(method: method, path: path, reason: "not the JSON the API documents (\(error.localizedDescription))")
    }
}

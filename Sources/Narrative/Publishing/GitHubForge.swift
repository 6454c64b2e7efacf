import Foundation

/// A GitHub pull request through the REST API: the body on `/pulls/{n}`, the comments on
/// `/issues/{n}/comments` (a pull request's conversation is its issue's).
public struct GitHubForge: PullRequestForge {
    /// The API client.
    public var transport: HTTPTransport
    /// `owner/name`.
    public var repository: String
    /// The pull request number.
    public var number: Int

    /// Creates a client for one pull request.
    public init(transport: HTTPTransport, repository: String, number: Int) {
        self.transport = transport
        self.repository = repository
        self.number = number
    }

    public var kind: ForgeKind { .github }
    public var pullRequestName: String { "\(repository)#\(number)" }

    private var pullPath: String { "/repos/\(repository)/pulls/\(number)" }

    private struct Pull: Decodable { var body: String? }
    private struct Comment: Decodable { var id: Int; var body: String? }

    public func fetchBody() throws -> String {
        let response = try transport.send("GET", pullPath)
        return try decode(Pull.self, response, "GET", pullPath).body ?? ""
    }

    public func updateBody(_ body: String) throws {
        _ = try transport.send("PATCH", pullPath, json: ["body": body])
    }

    public func comments() throws -> [ForgeComment] {
        let path = "/repos/\(repository)/issues/\(number)/comments?per_page=100"
        var next: URL? = try transport.url(path)
        var seen: Set<String> = []
        var all: [ForgeComment] = []
        while let url = next, seen.insert(url.absoluteString).inserted {
            // A forge that always links a next page must not get requests without end.
            guard seen.count <= transport.limits.maxPages else { throw ForgeError.tooManyPages(path: path, limit: transport.limits.maxPages) }
            let response = try transport.send("GET", url: url)
            all += try decode([Comment].self, response, "GET", url.path).map { ForgeComment(id: $0.id, body: $0.body ?? "") }
            next = try response.header("Link").flatMap { LinkHeader.target(of: $0, rel: "next") }.map { try sameOrigin($0, as: url) }
        }
        return all
    }

    public func createComment(_ body: String) throws -> ForgeComment {
        let path = "/repos/\(repository)/issues/\(number)/comments"
        let comment = try decode(Comment.self, transport.send("POST", path, json: ["body": body]), "POST", path)
        return ForgeComment(id: comment.id, body: comment.body ?? body)
    }

    public func updateComment(id: Int, body: String) throws -> ForgeComment {
        let path = "/repos/\(repository)/issues/comments/\(id)"
        let comment = try decode(Comment.self, transport.send("PATCH", path, json: ["body": body]), "PATCH", path)
        return ForgeComment(id: comment.id, body: comment.body ?? body)
    }
}

/// A pagination link, refused when it leads away from the API that gave it (the token goes with
/// every request).
func sameOrigin(_ link: String, as current: URL) throws -> URL {
    guard let url = URL(string: link), let origin = Origin(url), origin == Origin(current) else {
        throw ForgeError.badResponse(
            method: "GET", path: current.path,
            reason: "the next-page link leads to \(URL(string: link).map(Origin.describe) ?? "something that is not a URL"), not the API's host")
    }
    return url
}

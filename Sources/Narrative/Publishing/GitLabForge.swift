import Foundation

/// A GitLab merge request through the REST API (v4): the description on
/// `/projects/:id/merge_requests/:iid`, the notes on `…/notes`.
public struct GitLabForge: PullRequestForge {
    /// The API client.
    public var transport: HTTPTransport
    /// The project id, or its `group/name` path.
    public var project: String
    /// The merge request iid.
    public var iid: Int

    /// Creates a client for one merge request.
    public init(transport: HTTPTransport, project: String, iid: Int) {
        self.transport = transport
        self.project = project
        self.iid = iid
    }

    public var kind: ForgeKind { .gitlab }
    public var pullRequestName: String { "\(project)!\(iid)" }

    /// The project as a path segment: a `group/name` path is URL-encoded, as the API asks.
    private var projectSegment: String {
        project.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? project
    }

    private var mergeRequestPath: String { "/projects/\(projectSegment)/merge_requests/\(iid)" }

    private struct MergeRequest: Decodable { var description: String? }
    private struct Note: Decodable { var id: Int; var body: String?; var system: Bool? }

    public func fetchBody() throws -> String {
        let response = try transport.send("GET", mergeRequestPath)
        return try decode(MergeRequest.self, response, "GET", mergeRequestPath).description ?? ""
    }

    public func updateBody(_ body: String) throws {
        _ = try transport.send("PUT", mergeRequestPath, json: ["description": body])
    }

    public func comments() throws -> [ForgeComment] {
        var page: String? = "1"
        var seen: Set<String> = []
        var all: [ForgeComment] = []
        while let current = page, seen.insert(current).inserted {
            // A forge that always names a next page must not get requests without end.
            guard seen.count <= transport.limits.maxPages else {
                throw ForgeError.tooManyPages(path: "\(mergeRequestPath)/notes", limit: transport.limits.maxPages)
            }
            let path = "\(mergeRequestPath)/notes?per_page=100&page=\(current)"
            let response = try transport.send("GET", path)
            all += try decode([Note].self, response, "GET", path)
                .filter { $0.system != true }
                .map { ForgeComment(id: $0.id, body: $0.body ?? "") }
            page = response.header("X-Next-Page").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map(String.init)
        }
        // GitLab lists the newest first by default; callers expect the oldest first.
        return all.sorted { $0.id < $1.id }
    }

    public func createComment(_ body: String) throws -> ForgeComment {
        let path = "\(mergeRequestPath)/notes"
        let note = try decode(Note.self, transport.send("POST", path, json: ["body": body]), "POST", path)
        return ForgeComment(id: note.id, body: note.body ?? body)
    }

    public func updateComment(id: Int, body: String) throws -> ForgeComment {
        let path = "\(mergeRequestPath)/notes/\(id)"
        let note = try decode(Note.self, transport.send("PUT", path, json: ["body": body]), "PUT", path)
        return ForgeComment(id: note.id, body: note.body ?? body)
    }
}

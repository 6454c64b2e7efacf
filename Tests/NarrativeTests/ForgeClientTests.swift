import Foundation
import ForgeHTTP
import Testing
import _TestSupport
@testable import Narrative

/// Records the waits of the transport instead of waiting.
final class SleepRecorder: @unchecked Sendable {
    // Only the test's own thread calls the transport; the lock keeps the recorder honest anyway.
    private let lock = NSLock()
    private var recorded: [TimeInterval] = []

    var sleeps: [TimeInterval] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    var sleep: @Sendable (TimeInterval) -> Void {
        { [self] seconds in
            lock.lock()
            recorded.append(seconds)
            lock.unlock()
        }
    }
}

@Suite("HTTP transport, forges and publisher against the loopback fake forge")
struct ForgeClientTests {
    let token = "test-token"

    func gitHub(_ forge: FakeForge, sleeps: SleepRecorder, maxAttempts: Int = 4, now: Date = Date()) throws -> GitHubForge {
        let transport = HTTPTransport(
            baseURL: try #require(URL(string: forge.gitHubAPI)), headers: HTTPTransport.gitHubHeaders(token: token),
            maxAttempts: maxAttempts, sleep: sleeps.sleep, now: { now }
        )
        return GitHubForge(transport: transport, repository: "octo/shop", number: 7)
    }

    @Test func a429IsRetriedAfterTheSecondsItAsksFor() throws {
        let forge = try FakeForge(seed: [
            "fail_next": [["method": "GET", "path_regex": "/pulls/7$", "status": 429, "retry_after": 3]], "github": ["body": "B"],
        ])
        let sleeps = SleepRecorder()
        #expect(try gitHub(forge, sleeps: sleeps).fetchBody() == "B")
        #expect(sleeps.sleeps == [3])
        #expect(try forge.state().requests.map(\.status) == [429, 200])
    }

    @Test func serverErrorsBackOffExponentiallyAndGiveUpWithTheAPIsMessage() throws {
        let forge = try FakeForge(seed: ["fail_next": [["path_regex": "/pulls/7$", "status": 502, "count": 5, "message": "Server Error"]]])
        let sleeps = SleepRecorder()
        #expect {
            try gitHub(forge, sleeps: sleeps, maxAttempts: 3).fetchBody()
        } throws: { error in
            (error as? ForgeError) == .http(method: "GET", path: "/repos/octo/shop/pulls/7", status: 502, message: "Server Error")
        }
        #expect(sleeps.sleeps == [1, 2])
    }

    @Test func anExhaustedRateLimitWaitsUntilTheReset() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let forge = try FakeForge(seed: [
            "fail_next": [
                [
                    "path_regex": "/pulls/7$", "status": 403, "message": "API rate limit exceeded",
                    "headers": ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000005"],
                ]
            ]
        ])
        let sleeps = SleepRecorder()
        _ = try gitHub(forge, sleeps: sleeps, now: now).fetchBody()
        #expect(sleeps.sleeps == [5])
    }

    @Test func refusalsAreNotRetried() throws {
        let forge = try FakeForge(seed: ["token": "another-token"])
        let sleeps = SleepRecorder()
        #expect(throws: ForgeError.http(method: "GET", path: "/repos/octo/shop/pulls/7", status: 401, message: "Bad credentials")) {
            try gitHub(forge, sleeps: sleeps).fetchBody()
        }
        #expect(sleeps.sleeps.isEmpty)
    }

    @Test func aRefusedConnectionIsRetriedThenNamed() throws {
        // A port that was just free: nothing listens there.
        let port = try FakeForge(seed: [:]).port
        let sleeps = SleepRecorder()
        let transport = HTTPTransport(baseURL: try #require(URL(string: "http://127.0.0.1:\(port)")), headers: [:], maxAttempts: 2, sleep: sleeps.sleep)
        #expect {
            try transport.send("GET", "/repos/octo/shop/pulls/7")
        } throws: { error in
            guard case .connection(let method, let path, _) = error as? ForgeError else { return false }
            return method == "GET" && path == "/repos/octo/shop/pulls/7"
        }
        #expect(sleeps.sleeps == [1])
    }

    @Test func aRedirectWithinTheAPIsOwnOriginIsFollowedWithTheToken() throws {
        let forge = try FakeForge(seed: [
            "github": ["body": "B"],
            "hostile": [["method": "GET", "path_regex": "/pulls/7$", "count": 1, "redirect": "/repos/octo/shop/pulls/7?moved=1"]],
        ])
        #expect(try gitHub(forge, sleeps: SleepRecorder()).fetchBody() == "B")
        let requests = try forge.state().requests
        #expect(requests.map(\.path) == ["/repos/octo/shop/pulls/7", "/repos/octo/shop/pulls/7?moved=1"])
        #expect(requests.allSatisfy { $0.headers["authorization"] == "Bearer test-token" })
    }

    @Test func aForgeEchoingTheTokenHasItRedactedFromItsMessage() throws {
        let forge = try FakeForge(seed: ["fail_next": [["path_regex": "/pulls/7$", "status": 422, "message": "token test-token is not valid"]]])
        #expect(throws: ForgeError.http(method: "GET", path: "/repos/octo/shop/pulls/7", status: 422, message: "token *** is not valid")) {
            try gitHub(forge, sleeps: SleepRecorder()).fetchBody()
        }
        let transport = HTTPTransport(baseURL: try #require(URL(string: forge.gitLabAPI)), headers: HTTPTransport.gitLabHeaders(token: "glpat-secret"))
        #expect(transport.redacted("glpat-secret and again glpat-secret") == "*** and again ***")
    }

    @Test func theDeadlineComesFromTheEnvironmentOrIsRefusedByName() throws {
        #expect(try ForgeLimits(environment: [:]) == ForgeLimits(deadline: 60, maxPages: 100, maxBodyBytes: 10 * 1024 * 1024))
        #expect(try ForgeLimits(environment: ["RATIONALE_FORGE_DEADLINE": "2.5"]).deadline == 2.5)
        for bad in ["0", "-1", "soon", "inf"] {
            #expect(throws: ForgeError.badSetting(variable: "RATIONALE_FORGE_DEADLINE", value: bad, expected: "a positive number of seconds, such as 60")) {
                try ForgeLimits(environment: ["RATIONALE_FORGE_DEADLINE": bad])
            }
        }
    }

    @Test func commentsAreCollectedAcrossEveryPage() throws {
        let comments = (1...5).map { ["id": $0, "body": "comment \($0)"] as [String: Any] }
        let forge = try FakeForge(seed: ["per_page": 2, "github": ["comments": comments]])
        let all = try gitHub(forge, sleeps: SleepRecorder()).comments()
        #expect(all.map(\.id) == [1, 2, 3, 4, 5])
        #expect(try forge.state().requests.count == 3)
    }

    @Test func gitLabNotesAreCollectedAcrossPagesOldestFirstWithoutSystemNotes() throws {
        let notes: [[String: Any]] = [
            ["id": 1, "body": "one", "system": false], ["id": 2, "body": "added 1 commit", "system": true],
            ["id": 3, "body": "three", "system": false],
        ]
        let forge = try FakeForge(seed: ["per_page": 1, "gitlab": ["notes": notes]])
        let transport = HTTPTransport(
            baseURL: try #require(URL(string: forge.gitLabAPI)), headers: HTTPTransport.gitLabHeaders(token: token), sleep: SleepRecorder().sleep)
        let all = try GitLabForge(transport: transport, project: "42", iid: 7).comments()
        #expect(all == [ForgeComment(id: 1, body: "one"), ForgeComment(id: 3, body: "three")])
    }

    @Test func aLost502OnCreateLooksBeforePostingAgain() throws {
        let forge = try FakeForge(seed: ["fail_next": [["method": "POST", "path_regex": "/comments$", "status": 502]]])
        let publisher = NarrativePublisher(forge: try gitHub(forge, sleeps: SleepRecorder()))
        let result = try publisher.publish("Narrative", mode: .comment)
        guard case .created(.comment) = result.outcome else { Issue.record("\(result.outcome)"); return }
        let state = try forge.state()
        #expect(state.github.comments.count == 1)
        #expect(
            state.requests.map(\.line) == [
                "GET /repos/octo/shop/issues/7/comments", "POST /repos/octo/shop/issues/7/comments",
                "GET /repos/octo/shop/issues/7/comments", "POST /repos/octo/shop/issues/7/comments",
            ])
    }

    @Test func severalMarkedCommentsUpdateTheNewestAndSaySo() throws {
        let marker = NarrativeMarkers.comment
        let forge = try FakeForge(seed: [
            "github": [
                "comments": [
                    ["id": 10, "body": "\(marker)\nold"], ["id": 11, "body": "LGTM"], ["id": 12, "body": "\(marker)\nolder copy"],
                ]
            ]
        ])
        let result = try NarrativePublisher(forge: try gitHub(forge, sleeps: SleepRecorder())).publish("new", mode: .comment)
        #expect(result.outcome == .updated(.comment(id: 12)))
        #expect(result.notes.count == 1 && result.notes[0].contains("2 comments carry the narrative marker"))
        let state = try forge.state()
        #expect(state.github.comments.map(\.body) == ["\(marker)\nold", "LGTM", "\(marker)\nnew"])
    }

    @Test func aRefusedReadIsAnErrorNotAFallback() throws {
        let forge = try FakeForge(seed: ["fail_next": [["method": "GET", "path_regex": "/comments$", "status": 403, "message": "Must have admin rights"]]])
        let summary = forge.root + "/summary.md"
        let publisher = NarrativePublisher(forge: try gitHub(forge, sleeps: SleepRecorder()), summaryPath: summary)
        #expect(throws: ForgeError.http(method: "GET", path: "/repos/octo/shop/issues/7/comments?per_page=100", status: 403, message: "Must have admin rights"))
        {
            try publisher.publish("N", mode: .comment)
        }
        #expect(!FileManager.default.fileExists(atPath: summary))
    }

    @Test func aGitLabProjectPathIsEncodedAsOneSegment() throws {
        let forge = try FakeForge(seed: ["gitlab": ["project": "data/shop", "description": "D"]])
        let transport = HTTPTransport(
            baseURL: try #require(URL(string: forge.gitLabAPI)), headers: HTTPTransport.gitLabHeaders(token: token), sleep: SleepRecorder().sleep)
        #expect(try GitLabForge(transport: transport, project: "data/shop", iid: 7).fetchBody() == "D")
        #expect(try forge.state().requests.map(\.path) == ["/api/v4/projects/data%2Fshop/merge_requests/7"])
    }
}

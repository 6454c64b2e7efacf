import Foundation
import Testing
import _TestSupport

/// The token the fake forge expects.
private let token = "test-token"
private let marker = "<!-- rationale:narrative -->"
private let begin = "<!-- rationale:begin -->"
private let end = "<!-- rationale:end -->"

/// A pull_request event payload for octo/shop#7 whose body is `body` (stale on purpose in tests
/// that check the body is fetched again).
private func pullRequestEvent(body: String = "stale body from the event") -> String {
    let payload: [String: Any] = [
        "action": "synchronize", "number": 7,
        "pull_request": [
            "number": 7, "body": body, "base": ["sha": "aaa"],
            "head": ["sha": "bbb", "repo": ["full_name": "octo/shop"]],
        ],
    ]
    return String(decoding: (try? JSONSerialization.data(withJSONObject: payload)) ?? Data(), as: UTF8.self)
}

/// GitHub Actions' environment for octo/shop#7 against the fake forge; nothing from this machine
/// but PATH.
private func gitHubEnvironment(_ forge: FakeForge, summary: Bool = true) throws -> [String: String] {
    var environment = [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        "HOME": forge.root,
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_REPOSITORY": "octo/shop",
        "GITHUB_API_URL": forge.gitHubAPI,
        "GITHUB_TOKEN": token,
        "GITHUB_EVENT_PATH": try forge.write("event.json", pullRequestEvent()),
    ]
    if summary { environment["GITHUB_STEP_SUMMARY"] = forge.root + "/summary.md" }
    return environment
}

/// GitLab CI's environment for merge request 42!7 against the fake forge.
private func gitLabEnvironment(_ forge: FakeForge) -> [String: String] {
    [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        "HOME": forge.root,
        "GITLAB_CI": "true",
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_API_V4_URL": forge.gitLabAPI,
        "CI_MERGE_REQUEST_PROJECT_ID": "42",
        "CI_MERGE_REQUEST_IID": "7",
        "RATIONALE_GITLAB_TOKEN": token,
    ]
}

/// Writes the narrative next to the fake forge and runs `rationale publish` on it.
private func publish(
    _ forge: FakeForge, _ arguments: [String], narrative: String, env: [String: String]
) throws -> (status: Int32, stdout: String, stderr: String) {
    try forge.write("narrative.md", narrative)
    return try rationale(["publish"] + arguments + ["--file", "narrative.md"], in: forge.root, env: env)
}

/// The two forges, for tests that hold both to the same promise.
enum ForgeCase: String, CaseIterable, Sendable {
    case github, gitlab
}

@Suite("rationale publish against the loopback fake forge, end to end")
struct PublishCommandTests {
    // MARK: GitHub comment

    @Test func createsOneCommentThenUpdatesItInPlaceThenLeavesItAlone() throws {
        let forge = try FakeForge(seed: ["github": ["comments": [["id": 1, "body": "LGTM"]]]])
        let env = try gitHubEnvironment(forge)

        let first = try publish(forge, ["--github"], narrative: "## Why\nOrders counted cancelled rows.\n", env: env)
        #expect(first.status == 0, "\(first.stderr)")
        var state = try forge.state()
        let id = try #require(state.github.comments.last?.id)
        #expect(first.stdout == "publish: created comment \(id) on octo/shop#7\n")
        #expect(state.github.comments.map(\.body) == ["LGTM", "\(marker)\n## Why\nOrders counted cancelled rows."])
        #expect(state.writes.map(\.line) == ["POST /repos/octo/shop/issues/7/comments"])
        let post = try #require(state.writes.first)
        #expect(post.headers["user-agent"] == "rationale")
        #expect(post.headers["accept"] == "application/vnd.github+json")
        #expect(post.headers["x-github-api-version"] == "2022-11-28")

        let second = try publish(forge, ["--github"], narrative: "## Why\nOrders counted cancelled and refunded rows.\n", env: env)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == "publish: updated comment \(id) on octo/shop#7\n")
        state = try forge.state()
        #expect(state.github.comments.count == 2)
        #expect(state.github.comments.last?.body == "\(marker)\n## Why\nOrders counted cancelled and refunded rows.")
        #expect(state.writes.map(\.line) == ["POST /repos/octo/shop/issues/7/comments", "PATCH /repos/octo/shop/issues/comments/\(id)"])

        let third = try publish(forge, ["--github"], narrative: "## Why\nOrders counted cancelled and refunded rows.\n", env: env)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stdout == "publish: unchanged comment \(id) on octo/shop#7 (nothing written)\n")
        #expect(try forge.state().writes.count == 2)
    }

    @Test func findsTheMarkedCommentOnPageThreeAndUpdatesItWithoutADuplicate() throws {
        var comments: [[String: Any]] = (1...5).map { ["id": $0, "body": "review comment \($0)"] }
        comments.append(["id": 6, "body": "\(marker)\nold narrative"])
        let forge = try FakeForge(seed: ["per_page": 2, "github": ["comments": comments]])

        let run = try publish(forge, ["--github"], narrative: "new narrative", env: try gitHubEnvironment(forge))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "publish: updated comment 6 on octo/shop#7\n")
        let state = try forge.state()
        #expect(state.github.comments.count == 6)
        #expect(state.github.comments.last?.body == "\(marker)\nnew narrative")
        #expect(
            state.requests.map(\.path) == [
                "/repos/octo/shop/issues/7/comments?per_page=100",
                "/repos/octo/shop/issues/7/comments?per_page=2&page=2",
                "/repos/octo/shop/issues/7/comments?per_page=2&page=3",
                "/repos/octo/shop/issues/comments/6",
            ])
    }

    @Test func oneRateLimitedAnswerIsRetriedAndPostsOnce() throws {
        let forge = try FakeForge(seed: ["fail_next": [["method": "POST", "path_regex": "/issues/7/comments$", "status": 429, "retry_after": 0]]])
        let run = try publish(forge, ["--github"], narrative: "Narrative", env: try gitHubEnvironment(forge))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("publish: created comment"))
        let state = try forge.state()
        #expect(state.github.comments.count == 1)
        #expect(state.requests.map { "\($0.method) \($0.status)" } == ["GET 200", "POST 429", "POST 201"])
    }

    @Test func aReadOnlyTokenFallsBackToTheJobSummaryAndPasses() throws {
        let forge = try FakeForge(seed: ["read_only": true])
        let run = try publish(forge, ["--github"], narrative: "## Why\nBecause.\n", env: try gitHubEnvironment(forge))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("publish: could not write to octo/shop#7: the token is read-only (fork?) — narrative appended to the job summary"))
        #expect(run.stdout.contains("::warning title=rationale publish::"))
        #expect(run.stdout.contains("Resource not accessible by integration"))
        let summary = try #require(forge.read("summary.md"))
        #expect(summary.contains("could not write to the PR: the token is read-only (fork?) — narrative below"))
        #expect(summary.contains("## Why\nBecause.\n"))
        let state = try forge.state()
        #expect(state.github.comments.isEmpty)
        #expect(state.requests.map { "\($0.method) \($0.status)" } == ["GET 200", "POST 403"])
    }

    @Test func aReadOnlyTokenWithoutAJobSummaryPrintsTheNarrative() throws {
        let forge = try FakeForge(seed: ["read_only": true, "github": ["body": "Author text"]])
        let run = try publish(forge, ["--github", "--into-body"], narrative: "The narrative", env: try gitHubEnvironment(forge, summary: false))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("publish: could not write to octo/shop#7: the token is read-only (fork?) — narrative below"))
        #expect(run.stdout.hasSuffix("The narrative\n"))
        #expect(try forge.state().github.body == "Author text")
    }

    // MARK: GitHub body

    @Test func intoBodyKeepsEveryByteOutsideTheMarkersAndRefetchesTheBodyBeforeWriting() throws {
        let before = "## What 🚀\r\nCafe\u{301} metrics moved.\r\n\r\n"
        let after = "\r\n\r\n– reviewed by Zoë 👩🏽‍💻\r\nTrailing text the author added after the event.  "
        let body = before + begin + "\r\nold narrative\r\n" + end + after
        let forge = try FakeForge(seed: ["github": ["body": body]])
        let env = try gitHubEnvironment(forge)

        let run = try publish(forge, ["--github", "--into-body"], narrative: "New narrative\nline two\n", env: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "publish: updated body block on octo/shop#7\n")
        var state = try forge.state()
        let written = Array((state.github.body ?? "").utf8)
        let expected = Array((before + begin + "\r\nNew narrative\r\nline two\r\n" + end + after).utf8)
        #expect(written == expected)
        #expect(written.starts(with: Array(before.utf8)))
        #expect(written.suffix(after.utf8.count).elementsEqual(after.utf8))
        #expect(!(state.github.body ?? "").contains("stale body from the event"))
        // The body was read from the API right before the write, not taken from the event.
        let lines = state.requests.map(\.line)
        #expect(lines == ["GET /repos/octo/shop/pulls/7", "PATCH /repos/octo/shop/pulls/7"])

        let again = try publish(forge, ["--github", "--into-body"], narrative: "New narrative\nline two\n", env: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "publish: unchanged body block on octo/shop#7 (nothing written)\n")
        state = try forge.state()
        #expect(state.writes.count == 1)
        #expect(Array((state.github.body ?? "").utf8) == expected)
    }

    @Test(
        arguments: [
            ("Author text", "Author text\n\n\(begin)\nThe narrative\n\(end)"),
            (nil, "\(begin)\nThe narrative\n\(end)"),
        ] as [(String?, String)])
    func intoBodyAppendsABlockWhenNoneExists(body: String?, expected: String) throws {
        let forge = try FakeForge(seed: ["github": ["body": body.map { $0 as Any } ?? NSNull()]])
        let run = try publish(forge, ["--github", "--into-body"], narrative: "The narrative\n", env: try gitHubEnvironment(forge))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "publish: created body block on octo/shop#7\n")
        #expect(try forge.state().github.body == expected)
    }

    @Test func aBodyWithABeginMarkerButNoEndIsRefusedAndLeftAlone() throws {
        let body = "Mine\n\(begin)\nno end marker, then more of mine"
        let forge = try FakeForge(seed: ["github": ["body": body]])
        let run = try publish(forge, ["--github", "--into-body"], narrative: "N", env: try gitHubEnvironment(forge))
        #expect(run.status == 2)
        #expect(run.stderr.contains("without `\(end)`"))
        let state = try forge.state()
        #expect(state.writes.isEmpty)
        #expect(state.github.body == body)
    }

    // MARK: GitLab

    @Test func gitLabCreatesOneNoteThenUpdatesItInPlaceThenLeavesItAlone() throws {
        let forge = try FakeForge(seed: [
            "per_page": 1,
            "gitlab": [
                "notes": [
                    ["id": 1, "body": "Looks fine", "system": false], ["id": 2, "body": "added 1 commit", "system": true],
                ]
            ],
        ])
        let env = gitLabEnvironment(forge)

        let first = try publish(forge, ["--gitlab"], narrative: "First", env: env)
        #expect(first.status == 0, "\(first.stderr)")
        var state = try forge.state()
        let id = try #require(state.gitlab.notes.last?.id)
        #expect(first.stdout == "publish: created comment \(id) on 42!7\n")
        #expect(state.writes.map(\.line) == ["POST /api/v4/projects/42/merge_requests/7/notes"])

        let second = try publish(forge, ["--gitlab"], narrative: "Second", env: env)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == "publish: updated comment \(id) on 42!7\n")
        state = try forge.state()
        #expect(state.gitlab.notes.count == 3)
        #expect(state.gitlab.notes.last?.body == "\(marker)\nSecond")
        #expect(state.writes.last?.line == "PUT /api/v4/projects/42/merge_requests/7/notes/\(id)")

        let third = try publish(forge, ["--gitlab"], narrative: "Second", env: env)
        #expect(third.stdout == "publish: unchanged comment \(id) on 42!7 (nothing written)\n")
        #expect(try forge.state().writes.count == 2)
    }

    @Test func gitLabIntoBodyRewritesOnlyTheBlockOfTheDescription() throws {
        let description = "Author 🙂\r\n\r\n\(begin)\r\nold\r\n\(end)\r\nafter"
        let forge = try FakeForge(seed: ["gitlab": ["description": description]])
        let env = gitLabEnvironment(forge)

        let run = try publish(forge, ["--gitlab", "--into-body"], narrative: "new", env: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "publish: updated body block on 42!7\n")
        var state = try forge.state()
        #expect(Array((state.gitlab.description ?? "").utf8) == Array("Author 🙂\r\n\r\n\(begin)\r\nnew\r\n\(end)\r\nafter".utf8))
        #expect(state.requests.map(\.line) == ["GET /api/v4/projects/42/merge_requests/7", "PUT /api/v4/projects/42/merge_requests/7"])

        let again = try publish(forge, ["--gitlab", "--into-body"], narrative: "new", env: env)
        #expect(again.stdout == "publish: unchanged body block on 42!7 (nothing written)\n")
        state = try forge.state()
        #expect(state.writes.count == 1)
    }

    // MARK: A hostile or broken forge

    @Test(arguments: ForgeCase.allCases)
    func aRedirectToAnotherPortIsRefusedAndTheTokenNeverLeaves(forge kind: ForgeCase) throws {
        let elsewhere = try FakeForge(seed: [:])
        let target = kind == .github ? elsewhere.gitHubAPI + "/repos/octo/shop/issues/7/comments" : elsewhere.gitLabAPI + "/projects/42/merge_requests/7/notes"
        let forge = try FakeForge(seed: [
            "hostile": [["method": "GET", "path_regex": kind == .github ? "/comments$" : "/notes$", "redirect": target, "status": 307]]
        ])
        let env = kind == .github ? try gitHubEnvironment(forge) : gitLabEnvironment(forge)

        let run = try publish(forge, ["--\(kind.rawValue)"], narrative: "N", env: env)
        #expect(run.status == 2)
        #expect(
            run.stderr.contains("redirected to http://127.0.0.1:\(elsewhere.port), another host, scheme or port than the API's: the token is not sent there"))
        let reached = try elsewhere.state().requests
        #expect(reached.isEmpty, "the other port saw \(reached.map(\.headers))")
        #expect(!reached.contains { $0.headers["authorization"] != nil || $0.headers["private-token"] != nil })
        #expect(try forge.state().writes.isEmpty)
    }

    @Test(arguments: ForgeCase.allCases)
    func aForgeThatAlwaysHasANextPageIsReadAtMostAHundredPages(forge kind: ForgeCase) throws {
        let comments: [[String: Any]] = [["id": 1, "body": "one", "system": false]]
        let forge = try FakeForge(seed: ["per_page": 1, "endless_pages": 150, "github": ["comments": comments], "gitlab": ["notes": comments]])
        let env = kind == .github ? try gitHubEnvironment(forge) : gitLabEnvironment(forge)

        let run = try publish(forge, ["--\(kind.rawValue)"], narrative: "N", env: env)
        #expect(run.status == 2)
        #expect(run.stderr.contains("still announces a next page after 100 pages, the most rationale reads"))
        let state = try forge.state()
        #expect(state.requests.count == 100)
        #expect(state.writes.isEmpty)
    }

    @Test func aTricklingForgeIsCutOffAtTheRunsDeadline() throws {
        // 150 bytes at one every 0.1 s: 15 s for an answer that stays within the idle timeout.
        let body = "[]" + String(repeating: " ", count: 148)
        let forge = try FakeForge(seed: ["hostile": [["method": "GET", "path_regex": "/comments$", "trickle": body, "interval": 0.1]]])
        var env = try gitHubEnvironment(forge)
        env["RATIONALE_FORGE_DEADLINE"] = "2"

        let started = Date()
        let run = try publish(forge, ["--github"], narrative: "N", env: env)
        #expect(run.status == 2)
        #expect(run.stderr.contains("the forge did not answer within 2 s, the time all requests of one run may take (RATIONALE_FORGE_DEADLINE changes it)"))
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(try forge.state().writes.isEmpty)

        env["RATIONALE_FORGE_DEADLINE"] = "soon"
        let bad = try publish(forge, ["--github"], narrative: "N", env: env)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("RATIONALE_FORGE_DEADLINE is `soon`: set it to a positive number of seconds"))
    }

    @Test func aHugeAnswerIsRefusedPastTenMegabytesWithoutReadingIt() throws {
        let forge = try FakeForge(seed: ["hostile": [["method": "GET", "path_regex": "/comments$", "stream_bytes": 200_000_000]]])
        let run = try publish(forge, ["--github"], narrative: "N", env: try gitHubEnvironment(forge))
        #expect(run.status == 2)
        #expect(run.stderr.contains("the answer is larger than 10 MB, the most rationale reads"))
        let answer = try #require(try forge.state().requests.first)
        // The client hung up soon after the limit: the kernel's buffers, not the 200 MB.
        #expect(answer.hungUp == true)
        #expect((answer.sent ?? 0) < 64_000_000, "sent \(answer.sent ?? 0) bytes")
    }

    // MARK: Could not run, and local use

    @Test func withoutATokenItSaysWhichVariableToSet() throws {
        let forge = try FakeForge(seed: [:])
        var env = try gitHubEnvironment(forge)
        env["GITHUB_TOKEN"] = nil
        let github = try publish(forge, ["--github"], narrative: "N", env: env)
        #expect(github.status == 2)
        #expect(github.stderr.contains("no GitHub token: set GITHUB_TOKEN"))

        var gitlabEnv = gitLabEnvironment(forge)
        gitlabEnv["RATIONALE_GITLAB_TOKEN"] = nil
        let gitlab = try publish(forge, ["--gitlab"], narrative: "N", env: gitlabEnv)
        #expect(gitlab.status == 2)
        #expect(gitlab.stderr.contains("set RATIONALE_GITLAB_TOKEN or GITLAB_TOKEN"))
        #expect(try forge.state().requests.isEmpty)
    }

    @Test func aForksPipelineWithoutATokenWritesTheNarrativeToTheJobLog() throws {
        let forge = try FakeForge(seed: [:])
        var env = gitLabEnvironment(forge)
        env["RATIONALE_GITLAB_TOKEN"] = nil
        env["CI_MERGE_REQUEST_SOURCE_PROJECT_ID"] = "99"
        let run = try publish(forge, ["--gitlab"], narrative: "The narrative\n", env: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stdout == """
                publish: could not write to 42!7: a fork's pipeline has no token (RATIONALE_GITLAB_TOKEN or GITLAB_TOKEN) — narrative below
                The narrative

                """)
        #expect(try forge.state().requests.isEmpty)
    }

    @Test func withoutAPullRequestItSaysToRunOnAPullRequestEventOrPassPR() throws {
        let forge = try FakeForge(seed: [:])
        var env = try gitHubEnvironment(forge)
        env["GITHUB_EVENT_PATH"] = try forge.write("push.json", #"{"ref": "refs/heads/main"}"#)
        let run = try publish(forge, ["--github"], narrative: "N", env: env)
        #expect(run.status == 2)
        #expect(run.stderr.contains("run this on a pull_request event, or pass --pr N"))
    }

    @Test func aBadEventFileIsNamed() throws {
        let forge = try FakeForge(seed: [:])
        var env = try gitHubEnvironment(forge)
        env["GITHUB_EVENT_PATH"] = try forge.write("event.json", "{ not json")
        let run = try publish(forge, ["--github"], narrative: "N", env: env)
        #expect(run.status == 2)
        #expect(run.stderr.contains("event.json (GITHUB_EVENT_PATH) cannot be read: not JSON"))
    }

    @Test func aMergeGroupRunHasNothingToPublish() throws {
        let forge = try FakeForge(seed: [:])
        var env = try gitHubEnvironment(forge)
        env["GITHUB_EVENT_NAME"] = "merge_group"
        env["GITHUB_EVENT_PATH"] = try forge.write("group.json", #"{"merge_group": {"base_sha": "a", "head_sha": "b"}}"#)
        let run = try publish(forge, ["--github"], narrative: "N", env: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("nothing to do"))
        #expect(try forge.state().requests.isEmpty)
    }

    @Test func flagsStandInForTheEnvironmentAndStandardInputHoldsTheNarrative() throws {
        let forge = try FakeForge(seed: ["github": ["repository": "acme/dbt", "number": 12]])
        try forge.write("narrative.md", "From stdin\n")
        let env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": forge.root,
            "GITHUB_TOKEN": token, "RATIONALE": rationaleBinary,
        ]
        let command = #""$RATIONALE" publish --github --api-url "# + forge.gitHubAPI + #" --repo acme/dbt --pr 12 --file - < narrative.md"#
        let run = try runProcess("/bin/sh", ["-c", command], cwd: forge.root, env: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("publish: created comment"))
        #expect(run.stdout.hasSuffix(" on acme/dbt#12\n"))
        #expect(try forge.state().github.comments.map(\.body) == ["\(marker)\nFrom stdin"])
    }

    @Test func usageErrorsAndHelp() throws {
        let forge = try FakeForge(seed: [:])
        let env = try gitHubEnvironment(forge)
        #expect(try rationale(["publish", "--file", "x.md"], in: forge.root, env: env).status == 64)
        #expect(try rationale(["publish", "--github", "--gitlab", "--file", "x.md"], in: forge.root, env: env).status == 64)
        #expect(try rationale(["publish", "--github", "--repo", "no-slash", "--file", "x.md"], in: forge.root, env: env).status == 64)
        let missing = try rationale(["publish", "--github", "--file", "missing.md"], in: forge.root, env: env)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the narrative file missing.md"))
        let help = try rationale(["publish", "--help"], in: forge.root, env: env)
        #expect(help.status == 0)
        #expect(help.stdout.contains("Examples:"))
        #expect(help.stdout.contains("rationale publish --github --file narrative.md"))
    }
}

import Foundation
import Testing
import _TestSupport

@testable import Proof

/// The runner with stand-ins for dbt: scripts that answer as dbt's JSON log does, fail, hang or
/// flood.
@Suite("Running dbt")
struct DbtRunnerTests {
    /// A folder with an executable `dbt` script of this body.
    static func fakeDbt(_ body: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fake-dbt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/dbt"
        try Data(("#!/bin/sh\n" + body + "\n").utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return folder
    }

    static func runner(_ folder: String, timeout: TimeInterval = 30, outputLimit: Int = 1 << 20) -> DbtRunner {
        DbtRunner(
            executable: folder + "/dbt", projectDirectory: folder, target: "dev", environment: ["PATH": "/usr/bin:/bin"], timeout: timeout,
            outputLimit: outputLimit)
    }

    @Test func locatesOnPathOrByPathAndSaysWhenThereIsNone() throws {
        let folder = try Self.fakeDbt("exit 0")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try DbtRunner.locate(nil, path: "/nonexistent:\(folder)", directory: "/") == folder + "/dbt")
        #expect(try DbtRunner.locate(folder + "/dbt", path: nil, directory: "/") == folder + "/dbt")
        #expect(throws: ProofError.dbtNotFound("dbt", searched: "/nonexistent")) { try DbtRunner.locate(nil, path: "/nonexistent", directory: "/") }
        #expect(throws: ProofError.dbtNotFound("./nope", searched: nil)) { try DbtRunner.locate("./nope", path: "/usr/bin", directory: folder) }
        let message = ProofError.dbtNotFound("dbt", searched: "").errorDescription ?? ""
        #expect(message.contains("no dbt on PATH") && message.contains("--dbt PATH"))
    }

    @Test func theArgumentsAreAVectorWithThePlanInTheEnvironment() throws {
        // The script writes what it was given: each argument on its own line, then the plan.
        let folder = try Self.fakeDbt(
            #"for a in "$@"; do printf '%s\n' "$a" | head -c 40; echo; done > "$(dirname "$0")/args"; printf '%s' "$RATIONALE_PROOF_PLAN" > "$(dirname "$0")/plan""#
        )
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try Self.runner(folder).run(plan: "{\"models\": [\"x'; rm -rf /\"]}")
        #expect(output.status == 0)
        let arguments = try String(contentsOfFile: folder + "/args", encoding: .utf8)
        #expect(arguments.hasPrefix("--log-format\n\njson\n\n--log-level\n\ninfo\n\n--no-quiet"))
        #expect(arguments.contains("show\n\n--no-write-json\n\n--project-dir"))
        #expect(arguments.contains("--target\n\ndev"))
        #expect(try String(contentsOfFile: folder + "/plan", encoding: .utf8) == "{\"models\": [\"x'; rm -rf /\"]}")
    }

    @Test func progressAndTheAnswerComeFromTheJSONLog() throws {
        let folder = try Self.fakeDbt(
            """
            echo '{"info": {"name": "MainReportVersion", "level": "info", "msg": "Running with dbt=1.11.16"}, "data": {"version": "=1.11.16"}}'
            echo 'not json: a plugin printing'
            echo '{"info": {"name": "JinjaLogInfo", "level": "info", "msg": "rationale-progress 1/1 orders"}, "data": {"msg": "rationale-progress 1/1 orders"}}'
            echo '{"info": {"name": "ConcurrencyLine", "level": "info", "msg": ""}, "data": {"target_name": "dev"}}'
            echo '{"info": {"name": "ShowNode", "level": "info", "msg": "{}"}, "data": {"preview": "[{\\"rationale_proof\\": \\"%5B%5D\\"}]"}}'
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var steps: [String] = []
        let output = try Self.runner(folder).run(plan: "{}") { steps.append($0) }
        #expect(steps == ["1/1 orders"])
        let events = DbtEvents(stdout: output.stdout)
        #expect(events.version == "1.11.16" && events.target == "dev")
        #expect(String(decoding: try events.answer(), as: UTF8.self) == "[]")
    }

    @Test func dbtsOwnErrorIsPassedOn() throws {
        let folder = try Self.fakeDbt(
            """
            printf '%s\n' '{"info": {"name": "MainStackTrace", "level": "error", "msg": "Traceback (most recent call last):"}, "data": {}}'
            printf '%s\n' '{"info": {"name": "MainEncounteredError", "level": "error", "msg": "Encountered an error:\\nRuntime Error\\n  Catalog Error: Table with name orders does not exist!"}, "data": {}}'
            exit 2
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plan = ProofPlan(items: [
            .init(
                name: "orders", uniqueID: "model.shop.orders", resourceType: "model", role: "modified", distance: 0, production: nil, branch: nil, key: [],
                keySource: nil, compare: nil)
        ])
        #expect(
            throws: ProofError.dbtFailed(status: 2, messages: ["Encountered an error:\nRuntime Error\n  Catalog Error: Table with name orders does not exist!"])
        ) {
            try Prover.run(plan, runner: Self.runner(folder))
        }
    }

    @Test func aHangingDbtIsStoppedAtTheTimeout() throws {
        let folder = try Self.fakeDbt("sleep 30")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let started = Date()
        #expect(throws: ProofError.dbtTimedOut(folder + "/dbt", seconds: 1)) { try Self.runner(folder, timeout: 1).run(plan: "{}") }
        #expect(Date().timeIntervalSince(started) < 15)
    }

    @Test func tooMuchOutputIsRefusedEvenWhenItComesAtOnce() throws {
        let folder = try Self.fakeDbt("head -c 300000 /dev/zero | tr '\\0' x")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: ProofError.dbtOutputTooLarge(folder + "/dbt", limit: 1 << 16)) { try Self.runner(folder, outputLimit: 1 << 16).run(plan: "{}") }
    }

    @Test func aFloodIsStopped() throws {
        let folder = try Self.fakeDbt("yes '{\"info\": {}}'")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: ProofError.dbtOutputTooLarge(folder + "/dbt", limit: 1 << 16)) { try Self.runner(folder, outputLimit: 1 << 16).run(plan: "{}") }
    }
}

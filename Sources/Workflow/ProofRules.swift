import Diagnostics
import Foundation
import Narrative
import Sessions

/// What the gate knows when it is given dbt's run results (`gate --run-results FILE`).
public struct ProofInput: Sendable {
    /// The run results and how the user named the file.
    public var results: RunResults
    public var file: String
    /// The models (seeds, snapshots) the change modifies or deletes.
    public var modified: [ModifiedNode]
    /// The nodes the change reaches, modified and downstream: unique id → name.
    public var reached: [String: String]
    /// Tests attached to reached nodes: test name → the node's unique id.
    public var tests: [String: String]
    /// The sessions' files on the range, as (path, text): where a failure or a missing test is
    /// explained.
    public var sessions: [(file: String, text: String)]
    /// When the head commit was made: results generated before it are stale.
    public var head: Date?
    /// Whether the file is committed in the pull request's head: anyone who opens one can write it.
    public var committed = false

    public init(
        results: RunResults, file: String, modified: [ModifiedNode], reached: [String: String], tests: [String: String],
        sessions: [(file: String, text: String)], head: Date?
    ) {
        self.results = results
        self.file = file
        self.modified = modified
        self.reached = reached
        self.tests = tests
        self.sessions = sessions
        self.head = head
    }

    /// The test name in a test's unique id (`test.shop.not_null_orders_id.1a2b3c` → `not_null_orders_id`).
    static func testName(_ id: String) -> String? {
        let parts = id.split(separator: ".")
        guard parts.first == "test", parts.count >= 3 else { return nil }
        return String(parts[2])
    }

    /// The node a result is about, if the change reaches it: the node itself, or the node a test checks.
    func reachedNode(_ result: RunResults.Result) -> String? {
        if let name = reached[result.uniqueID] { return name }
        if let test = Self.testName(result.uniqueID), let node = tests[test] { return reached[node] }
        return nil
    }

    /// The first session line that names `word` (as a whole identifier) and, when given, holds
    /// `also` too.
    func explanation(naming word: String, also: String? = nil) -> (file: String, line: Int)? {
        let needle = word.lowercased()
        for session in sessions {
            for (index, line) in session.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let lower = line.lowercased()
                guard ContextFrontend.words(lower).contains(needle) || lower.contains(needle) && needle.contains(".") else { continue }
                if let also, !lower.contains(also) { continue }
                return (session.file, index + 1)
            }
        }
        return nil
    }
}

/// A rule over a pull request's run results.
public protocol ProofRule: Rule {
    static var examples: [ProofExample] { get }
    static func check(_ input: ProofInput) -> [Finding]
}

/// An example for a proof rule.
public struct ProofExample: Sendable {
    public var triggers: Bool
    public var note: String
    public var line: ExpectedLine?
    public var input: ProofInput

    public init(triggers: Bool, _ note: String, line: ExpectedLine? = nil, input: ProofInput) {
        self.triggers = triggers
        self.note = note
        self.line = line
        self.input = input
    }

    /// A sample: `orders` modified, `revenue` downstream, `not_null_orders_id` on orders, these
    /// results, this session text.
    static func sample(_ results: [(String, String)], session: String = "## Reasoning\nThe join is fixed.\n", generated: String? = nil)
        -> ProofInput
    {
        ProofInput(
            results: RunResults(
                results: results.map { RunResults.Result(uniqueID: $0.0, status: $0.1, failures: $0.1 == "fail" ? 3 : nil) }, generatedAt: generated),
            file: "target/run_results.json",
            modified: [ModifiedNode(name: "orders", uniqueID: "model.shop.orders", path: "models/orders.sql")],
            reached: ["model.shop.orders": "orders", "model.shop.revenue": "revenue"],
            tests: ["not_null_orders_id": "model.shop.orders", "unique_revenue_day": "model.shop.revenue"],
            sessions: [(".project/sessions/s/SUMMARY.md", session)], head: Date(timeIntervalSince1970: 1_700_000_000))
    }
}

extension ProofRule {
    public static func exampleRuns() -> [RuleExampleRun] {
        examples.map { RuleExampleRun(triggers: $0.triggers, note: $0.note, line: $0.line, findings: check($0.input)) }
    }
}

/// `run_failed`: a test or a model the change reaches failed in the run results, and no session
/// says why.
public enum RunFailedRule: ProofRule {
    public static let id = "run_failed"
    public static let description = "no test or model the change reaches failed or errored in the run results, unless a session names it and says why"

    public static func check(_ input: ProofInput) -> [Finding] {
        var findings: [Finding] = []
        for result in input.results.results where ["fail", "error"].contains(result.status) {
            guard let node = input.reachedNode(result) else { continue }
            let name = ProofInput.testName(result.uniqueID) ?? input.reached[result.uniqueID] ?? result.uniqueID
            let what = result.uniqueID.hasPrefix("test.") ? "test `\(name)` on `\(node)`" : "`\(name)`"
            let rows = result.failures.map { $0 > 0 ? " (\($0) failing row\($0 == 1 ? "" : "s"))" : "" } ?? ""
            if let place = input.explanation(naming: name) {
                findings.append(
                    Finding(
                        severity: .warning, location: .init(file: place.file, line: place.line), ruleID: id,
                        message: "\(what) \(result.status == "fail" ? "failed" : "errored")\(rows) in \(input.file); the session explains it here"))
            } else {
                findings.append(
                    Finding(
                        severity: .error, location: .init(file: input.file, line: nil), ruleID: id,
                        message:
                            "\(what) \(result.status == "fail" ? "failed" : "errored")\(rows), and this change reaches it: fix it, or explain it in the session — a loop or a line that names `\(name)` and says why it may fail (e.g. `- L-3 (open) \(name) fails on 3 legacy rows until the backfill`)"
                    ))
            }
        }
        return findings
    }

    public static let examples: [ProofExample] = [
        ProofExample(
            triggers: false, "every test passed", input: ProofExample.sample([("model.shop.orders", "success"), ("test.shop.not_null_orders_id.1a", "pass")])),
        ProofExample(
            triggers: true, "a test of the modified model failed", line: ExpectedLine.none,
            input: ProofExample.sample([("model.shop.orders", "success"), ("test.shop.not_null_orders_id.1a", "fail")])),
        ProofExample(
            triggers: true, "a downstream model errored", line: ExpectedLine.none,
            input: ProofExample.sample([("model.shop.orders", "success"), ("test.shop.not_null_orders_id.1a", "pass"), ("model.shop.revenue", "error")])),
        ProofExample(
            triggers: false, "a failure elsewhere in the project is not this change's",
            input: ProofExample.sample([("test.shop.not_null_orders_id.1a", "pass"), ("test.shop.unique_customers_id.2b", "fail")])),
        ProofExample(
            triggers: true, "a failure the session explains is still reported, as a warning where it is explained", line: .line(2),
            input: ProofExample.sample(
                [("test.shop.not_null_orders_id.1a", "fail")],
                session: "## Loops\n- L-2 (open) not_null_orders_id fails on 3 legacy rows until the backfill runs\n")),
    ]
}

/// `model_untested`: every model the change modifies had a test executed in the run results, or
/// a session says why it needs none.
public enum ModelUntestedRule: ProofRule {
    public static let id = "model_untested"
    public static let description = "each modified model has a test executed in the run results, or the session says why it needs none"

    public static func check(_ input: ProofInput) -> [Finding] {
        var tested = Set<String>()
        for result in input.results.results where result.uniqueID.hasPrefix("test.") && result.status != "skipped" {
            if let name = ProofInput.testName(result.uniqueID), let node = input.tests[name] { tested.insert(node) }
        }
        return input.modified.filter { $0.resourceType == "model" && !$0.deleted && !tested.contains($0.uniqueID) }.compactMap { node in
            guard input.explanation(naming: node.name, also: "test") == nil else { return nil }
            return Finding(
                severity: .error, location: .init(file: input.file, line: nil), ruleID: id,
                message:
                    "`\(node.name)` is modified but \(input.file) ran no test on it: add one and run `dbt build --select \(node.name)+`, or say in SUMMARY.md why it needs none (e.g. `\(node.name) has no test of its own: a pass-through view, checked by the row counts above`)"
            )
        }
    }

    public static let examples: [ProofExample] = [
        ProofExample(triggers: false, "a test ran on the modified model", input: ProofExample.sample([("test.shop.not_null_orders_id.1a", "pass")])),
        ProofExample(triggers: true, "only the model ran", line: ExpectedLine.none, input: ProofExample.sample([("model.shop.orders", "success")])),
        ProofExample(
            triggers: true, "a skipped test is no test", line: ExpectedLine.none, input: ProofExample.sample([("test.shop.not_null_orders_id.1a", "skipped")])),
        ProofExample(
            triggers: false, "the session says why it has no test",
            input: ProofExample.sample(
                [("model.shop.orders", "success")], session: "## Validation\norders has no test of its own: row counts match the source to the row.\n")),
    ]
}

/// `run_results_stale`: run results older than the head commit, or of a selection that leaves out
/// what the change modifies, prove nothing about it.
public enum RunResultsStaleRule: ProofRule {
    public static let id = "run_results_stale"
    public static let description =
        "the run results come from the CI job (not the pull request's files), were written after the head commit and cover the nodes the change modifies"

    public static func check(_ input: ProofInput) -> [Finding] {
        var findings: [Finding] = []
        if input.committed {
            findings.append(
                Finding(
                    severity: .error, location: .init(file: input.file, line: nil), ruleID: id,
                    message:
                        "\(input.file) is committed in the pull request, and whoever opens one can write it: pass the run_results.json a dbt step of the CI job wrote, and remove this one from the repository"
                ))
        }
        if let head = input.head, let written = input.results.generatedAt.flatMap(parse), written < head {
            findings.append(
                Finding(
                    severity: .warning, location: .init(file: input.file, line: nil), ruleID: id,
                    message:
                        "\(input.file) was written at \(input.results.generatedAt ?? "") — before the last commit that changes more than session files: run `dbt build` on this commit and pass its run_results.json"
                ))
        }
        let covered = input.results.results.contains { input.reachedNode($0) != nil }
        if !input.modified.isEmpty, !covered {
            findings.append(
                Finding(
                    severity: .warning, location: .init(file: input.file, line: nil), ruleID: id,
                    message:
                        "\(input.file) has no result for any node this change modifies or reaches: it is of another selection — run `dbt build --select \(input.modified.prefix(3).map { $0.name + "+" }.joined(separator: " "))`"
                ))
        }
        return findings
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    public static let examples: [ProofExample] = [
        ProofExample(
            triggers: false, "written after the head commit",
            input: ProofExample.sample([("test.shop.not_null_orders_id.1a", "pass")], generated: "2024-01-02T10:00:00.123456Z")),
        ProofExample(
            triggers: true, "written before the head commit", line: ExpectedLine.none,
            input: ProofExample.sample([("test.shop.not_null_orders_id.1a", "pass")], generated: "2023-01-02T10:00:00.123456Z")),
        ProofExample(
            triggers: true, "committed in the pull request: proof its author wrote", line: ExpectedLine.none,
            input: {
                var input = ProofExample.sample([("test.shop.not_null_orders_id.1a", "pass")], generated: "2024-01-02T10:00:00Z")
                input.committed = true
                return input
            }()),
        ProofExample(
            triggers: true, "of another selection", line: ExpectedLine.none,
            input: ProofExample.sample([("model.shop.customers", "success")], generated: "2024-01-02T10:00:00Z")),
    ]
}

import Foundation
import Proof

/// The demo's data steps: with a dbt that has the duckdb adapter, production is built from main,
/// the branch on a developer's schema with `--defer`, and `rationale prove` compares them — a real
/// proof, with no warehouse; without one, the results of a build are written as dbt would.
extension DemoRunner {
    /// The dbt the demo can run its data steps with.
    public enum DataSource: Sendable, Equatable {
        /// This dbt executable, which has the duckdb adapter.
        case dbt(String)
        /// No usable dbt: the demo writes `target/run_results.json` itself; the reason says why.
        case simulated(reason: String)
    }

    /// What to pip-install for the real data steps.
    public static let dbtInstall = "pip install 'dbt-core==1.11.*' 'dbt-duckdb==1.11.*'"

    /// Finds the dbt for the data steps: `requested` (`--dbt`, a path or a name on `PATH`), else
    /// `dbt` on `path`. A dbt that exists but lacks the duckdb adapter, or none at all, gives
    /// ``DataSource/simulated(reason:)`` — unless it was asked for by name, which throws.
    ///
    /// - Throws: ``DemoError/dbtUnusable(_:_:)`` when the requested dbt is missing or has no duckdb adapter.
    public static func dataSource(requested: String?, path: String?, directory: String) throws -> DataSource {
        let executable: String
        do {
            executable = try DbtRunner.locate(requested, path: path, directory: directory)
        } catch {
            if let requested { throw DemoError.dbtUnusable(requested, "it is not an executable file, nor a name on PATH") }
            return .simulated(reason: "no dbt on PATH")
        }
        let version = (try? Context.execute(executable, ["--version"], in: directory, environment: dbtEnvironment(root: directory)))?.output ?? ""
        guard version.lowercased().contains("duckdb") else {
            if let requested { throw DemoError.dbtUnusable(requested, "`dbt --version` lists no duckdb adapter") }
            return .simulated(reason: "the dbt on PATH has no duckdb adapter")
        }
        return .dbt(executable)
    }

    /// What dbt runs with in the demo: the sample's own profiles.yml, no usage statistics sent.
    static func dbtEnvironment(root: String) -> [String: String] {
        ["DBT_PROFILES_DIR": root, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1", "DBT_USE_COLORS": "false"]
    }

    /// Builds production from main into the `prod` schema and keeps its manifest as the state.
    func buildProduction(_ context: inout Context) throws {
        guard case .dbt(let dbt) = data else { return }
        try context.dbt(
            dbt, ["build", "--target", "prod", "--target-path", "prod-artifacts"],
            note:
                "production: main built into the `prod` schema of sample_shop.duckdb (dbt-duckdb reads raw/*.csv in place); its manifest is the state to compare with"
        )
    }

    /// The branch's build, the proof from data, the narrative with the proof, and the gate.
    func proveWithData(_ context: inout Context, path: String) throws {
        guard case .dbt(let dbt) = data else { return }
        try context.dbt(
            dbt, ["build", "--target", "dev", "--select", "state:modified+", "--defer", "--state", "prod-artifacts"],
            note: "build what the change modifies and what lies downstream on the `dev` schema; the rest is read from production (--defer)")
        guard context.failure == nil else { return }
        let prove = ["prove", "--base", "main", "--state", "prod-artifacts", "--target", "dev"]
        try context.rationale(
            prove, expect: 1,
            note:
                "production against the branch through your dbt — rows, columns, the key, the values the diff touches — and the session's claims checked against them"
        )
        try reviseExclusion(path: path)
        context.show(
            "edit \(try sessionFolder(path))/SUMMARY.md",
            output: "(customers moves from the excluded models to the loaded ones, with why its lifetime value changes)",
            note: "the data contradicts an exclusion: the author takes it back")
        try context.git(
            ["commit", "-q", "-am", "customers' lifetime value moves with the rounding"], note: "a session file only: the hook has nothing to hold")
        try context.rationale(prove + ["--format", "json", "--output", "proof.json"], note: "proved again: no claim contradicted")
        try context.rationale(["narrate", "--base", "main", "--proof", "proof.json", "--output", "narrative.md"], quiet: true)
        let narrative = (try? String(contentsOfFile: path + "/narrative.md", encoding: .utf8)) ?? ""
        context.show(
            "rationale narrate --base main --proof proof.json --output narrative.md && cat narrative.md", output: narrative,
            note: "the pull request narrative, drafted from the session, the lineage and the proof (under Proof of correctness)")
        try context.rationale(
            ["gate", "--base", "main", "--pr-body-file", "narrative.md", "--proof", "proof.json", "--run-results", "target/run_results.json"],
            note: "the required check passes: every change explained, the proof agrees with the session, every test the change reaches passed")
    }

    /// The author's answer to `excluded_data_changed`: customers is no longer excluded.
    func reviseExclusion(path: String) throws {
        let file = path + "/" + (try sessionFolder(path)) + "/SUMMARY.md"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let revised = text.replacingOccurrences(
            of: "- excluded: customers — sums orders.amount; the grain and keys stay the same",
            with: "- loaded: customers — lifetime_value sums orders.amount, so it moves by the rounded cents; the grain and keys stay the same")
        try Data(revised.utf8).write(to: URL(fileURLWithPath: file))
    }

    /// Without dbt: the narrative, then `target/run_results.json` written as dbt would, failing and then passing.
    func simulateData(_ context: inout Context, path: String, reason: String) throws {
        try context.rationale(["narrate", "--base", "main", "--output", "narrative.md"], quiet: true)
        let narrative = (try? String(contentsOfFile: path + "/narrative.md", encoding: .utf8)) ?? ""
        context.show(
            "rationale narrate --base main --output narrative.md && cat narrative.md", output: narrative,
            note: "the pull request narrative, drafted from the session and the lineage")
        try gateUntilExplained(&context, path: path, narrative: narrative, extra: [])
        context.show(
            "dbt build --select stg_payments+",
            output: "(\(reason): the demo writes target/run_results.json as dbt would — unique_stg_payments_payment_id fails. "
                + "For a real build and a proof from data: \(Self.dbtInstall), then run the demo again)",
            note: "CI builds the change; a duplicate payment id slipped in")
        try writeRunResults(path: path, failing: true)
        try context.rationale(
            ["gate", "--base", "main", "--pr-body-file", "narrative.md", "--run-results", "target/run_results.json"], expect: 1,
            note: "the gate names the failed test the change reaches")
        try writeRunResults(path: path, failing: false)
        context.show(
            "dbt build --select stg_payments+", output: "(the demo writes target/run_results.json again: every test passes)",
            note: "the duplicate fixed upstream, the build runs again")
        try context.rationale(
            ["gate", "--base", "main", "--pr-body-file", "narrative.md", "--run-results", "target/run_results.json"],
            note: "the gate passes on the data too")
    }

    /// The gate refuses the narrative while it asks how the data was checked; the author answers.
    func gateUntilExplained(_ context: inout Context, path: String, narrative: String, extra: [String]) throws {
        try context.rationale(
            ["gate", "--base", "main", "--pr-body-file", "narrative.md"] + extra, expect: 1,
            note: "the gate refuses a description that still asks the author how the data was checked")
        let filled = narrative.replacingOccurrences(
            of: #"<!-- rationale:todo how you checked the data[^>]*-->"#,
            with: "Totals of `amount` per day match the provider's report to the cent; payments with half cents now round up instead of losing them.",
            options: .regularExpression)
        try Data(filled.utf8).write(to: URL(fileURLWithPath: path + "/narrative.md"))
        context.show("edit narrative.md", output: "(the author says how the data was checked)", note: "only the author can write this")
        try context.rationale(["gate", "--base", "main", "--pr-body-file", "narrative.md"] + extra, note: "the required check passes")
    }

    /// Writes target/run_results.json as `dbt build --select stg_payments+` would, dated now
    /// (results older than the head commit are stale).
    func writeRunResults(path: String, failing: Bool) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let results: [(String, String)] = [
            ("model.sample_shop.stg_payments", "success"),
            ("test.sample_shop.unique_stg_payments_payment_id.4f1f0a7c2e", failing ? "fail" : "pass"),
            ("test.sample_shop.not_null_stg_payments_payment_id.9b2d51e0aa", "pass"),
            ("model.sample_shop.int_order_payments", "success"),
            ("model.sample_shop.orders", "success"),
            ("test.sample_shop.unique_orders_order_id.0c8e7d6b5a", "pass"),
            ("test.sample_shop.not_null_orders_order_id.1d9f8e7c6b", "pass"),
            ("model.sample_shop.customers", "success"),
        ]
        let lines = results.map { id, status in
            #"    {"unique_id": "\#(id)", "status": "\#(status)", "failures": \#(status == "fail" ? "2" : "0"), "execution_time": 0.1}"#
        }
        let text = """
            {"metadata": {"dbt_version": "1.11.0", "generated_at": "\(formatter.string(from: Date()))"},
             "results": [
            \(lines.joined(separator: ",\n"))
            ]}

            """
        try FileManager.default.createDirectory(atPath: path + "/target", withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/target/run_results.json"))
    }
}

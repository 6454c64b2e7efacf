import Foundation

/// dbt's `target/run_results.json`: what the last `dbt build` / `dbt test` did to each node.
public struct RunResults: Sendable, Hashable {
    /// One node's result.
    public struct Result: Sendable, Hashable {
        /// dbt's unique id (`model.shop.orders`, `test.shop.not_null_orders_id.1a2b3c`).
        public var uniqueID: String
        /// `success`, `error`, `skipped` (models); `pass`, `fail`, `warn`, `error`, `skipped` (tests).
        public var status: String
        /// Failing rows of a test, when dbt reports them.
        public var failures: Int?
    }

    /// Every result, in file order.
    public var results: [Result]
    /// When dbt wrote the file (`metadata.generated_at`), if present.
    public var generatedAt: String?

    /// Why a run results file could not be read.
    public enum ReadError: Error, LocalizedError, Equatable {
        case notJSON(file: String, message: String)
        case noResults(file: String)

        public var errorDescription: String? {
            switch self {
            case .notJSON(let file, let message):
                return "\(file) is not a dbt run_results.json (\(message)): pass the file dbt wrote in target/ after `dbt build`"
            case .noResults(let file):
                return "\(file) has no `results` list: pass the run_results.json of a `dbt build` or `dbt test`"
            }
        }
    }

    /// Reads the JSON.
    public init(json: Data, file: String) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw ReadError.notJSON(file: file, message: "\(error.localizedDescription)")
        }
        guard let root = object as? [String: Any], let list = root["results"] as? [[String: Any]] else {
            throw ReadError.noResults(file: file)
        }
        results = list.compactMap { item in
            guard let id = item["unique_id"] as? String else { return nil }
            return Result(uniqueID: id, status: (item["status"] as? String) ?? "unknown", failures: item["failures"] as? Int)
        }
        generatedAt = (root["metadata"] as? [String: Any])?["generated_at"] as? String
    }

    /// Creates results directly.
    public init(results: [Result], generatedAt: String? = nil) {
        self.results = results
        self.generatedAt = generatedAt
    }

    /// The name a test result carries: `test.<package>.<name>.<hash>` → `<name>`;
    /// `unit_test.<package>.<model>.<name>` → `<name>`.
    public static func testName(_ uniqueID: String) -> String? {
        let parts = uniqueID.split(separator: ".").map(String.init)
        if parts.first == "test", parts.count >= 3 { return parts[2] }
        if parts.first == "unit_test", parts.count >= 4 { return parts[3] }
        return nil
    }
}

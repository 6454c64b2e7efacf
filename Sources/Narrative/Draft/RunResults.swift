import Foundation
import Lineage

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

        /// Creates a result.
        public init(uniqueID: String, status: String, failures: Int? = nil) {
            self.uniqueID = uniqueID
            self.status = status
            self.failures = failures
        }
    }

    /// Every result, in file order.
    public var results: [Result]
    /// When dbt wrote the file (`metadata.generated_at`), if present.
    public var generatedAt: String?

    /// The largest run_results.json read: 256 MB. dbt writes one result per node with its
    /// compiled SQL; a project needs far more than ten thousand nodes to come near it.
    public static let maxFileBytes = 256 * 1024 * 1024

    /// Why a run results file could not be read.
    public enum ReadError: Error, LocalizedError, Equatable {
        case notJSON(file: String, message: String)
        case noResults(file: String)
        case tooLarge(file: String, bytes: Int, limit: Int)
        case cannotRead(file: String, reason: String)

        public var errorDescription: String? {
            switch self {
            case .notJSON(let file, let message):
                return "\(file) is not a dbt run_results.json (\(message)): pass the file dbt wrote in target/ after `dbt build`"
            case .noResults(let file):
                return "\(file) has no `results` list: pass the run_results.json of a `dbt build` or `dbt test`"
            case .tooLarge(let file, let bytes, let limit):
                return
                    "\(file) is \(bytes / (1024 * 1024)) MB, more than the \(limit / (1024 * 1024)) MB a run_results.json may be: pass the run results of the models this change touches (`dbt build --select …`), or leave --run-results out"
            case .cannotRead(let file, let reason):
                return "cannot read \(file): \(reason) — pass the run_results.json dbt wrote in target/"
            }
        }
    }

    /// Reads the file at `path` (memory-mapped, never more than ``maxFileBytes``); `file` names it
    /// in errors.
    ///
    /// - Throws: ``ReadError`` when the file is too large, unreadable, or not run results.
    public init(path: String, file: String) throws {
        let size: Int
        do {
            size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw ReadError.cannotRead(file: file, reason: (error as NSError).localizedDescription)
        }
        guard size <= Self.maxFileBytes else { throw ReadError.tooLarge(file: file, bytes: size, limit: Self.maxFileBytes) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw ReadError.cannotRead(file: file, reason: (error as NSError).localizedDescription)
        }
        try self.init(json: data, file: file)
    }

    /// Reads the JSON, decoding only each result's `unique_id`, `status` and `failures` and
    /// `metadata.generated_at`, and skipping the rest (compiled SQL, timings, adapter answers)
    /// without building it: the memory is the results, not the file.
    public init(json: Data, file: String) throws {
        guard json.count <= Self.maxFileBytes else { throw ReadError.tooLarge(file: file, bytes: json.count, limit: Self.maxFileBytes) }
        var results: [Result]?
        var generatedAt: String?
        do {
            try json.withUnsafeBytes { raw in
                var scanner = JSONScanner(raw.bindMemory(to: UInt8.self))
                guard scanner.peek() == UInt8(ascii: "{") else { throw ReadError.noResults(file: file) }
                try scanner.object { scanner, key in
                    if key.is("results"), scanner.peek() == UInt8(ascii: "[") {
                        var list: [Result] = []
                        try scanner.array { scanner in
                            if let result = try Self.result(&scanner) { list.append(result) }
                        }
                        results = list
                    } else if key.is("metadata"), scanner.peek() == UInt8(ascii: "{") {
                        try scanner.object { scanner, key in
                            if key.is("generated_at"), scanner.peek() == UInt8(ascii: "\"") {
                                generatedAt = try scanner.string()
                            } else {
                                try scanner.skipValue()
                            }
                        }
                    } else {
                        try scanner.skipValue()
                    }
                }
                guard scanner.peek() == 0 else { throw JSONScanner.Failure(offset: scanner.offset, expected: "the end of the file") }
            }
        } catch let failure as JSONScanner.Failure {
            throw ReadError.notJSON(file: file, message: "at byte \(failure.offset): expected \(failure.expected)")
        }
        guard let results else { throw ReadError.noResults(file: file) }
        self.results = results
        self.generatedAt = generatedAt
    }

    /// One element of `results`: nil when it is not an object with a string `unique_id`.
    private static func result(_ scanner: inout JSONScanner) throws -> Result? {
        guard scanner.peek() == UInt8(ascii: "{") else {
            try scanner.skipValue()
            return nil
        }
        var id: String?
        var status: String?
        var failures: Int?
        try scanner.object { scanner, key in
            let isString = scanner.peek() == UInt8(ascii: "\"")
            if key.is("unique_id"), isString {
                id = try scanner.string()
            } else if key.is("status"), isString {
                status = try scanner.string()
            } else if key.is("failures") {
                failures = try scanner.scalarText().flatMap { Int($0) }
            } else {
                try scanner.skipValue()
            }
        }
        return id.map { Result(uniqueID: $0, status: status ?? "unknown", failures: failures) }
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

import Foundation

/// What one `dbt --log-format json show` said, read from its JSON log lines: the rows it showed,
/// its errors, and who answered (dbt's version, the adapter, the target).
public struct DbtEvents: Sendable, Equatable {
    /// The `preview` of the `ShowNode` event: the shown rows as a JSON text.
    public var preview: String?
    /// The messages of error events, as dbt wrote them.
    public var errors: [String] = []
    /// `1.11.16`, from `MainReportVersion`.
    public var version: String?
    /// `duckdb`, from `AdapterRegistered`.
    public var adapter: String?
    /// The target dbt connected with, from `ConcurrencyLine`.
    public var target: String?

    /// Reads the log lines; lines that are not JSON events (a plugin's own print) are skipped.
    public init(stdout: Data) {
        var start = stdout.startIndex
        while start < stdout.endIndex {
            let end = stdout[start...].firstIndex(of: UInt8(ascii: "\n")) ?? stdout.endIndex
            let line = stdout[start..<end]
            start = end < stdout.endIndex ? stdout.index(after: end) : end
            guard line.first == UInt8(ascii: "{"), let event = Self.event(Data(line)) else { continue }
            let data = event.data
            switch event.name {
            case "ShowNode": preview = data["preview"] as? String
            case "MainReportVersion": version = (data["version"] as? String).map { $0.hasPrefix("=") ? String($0.dropFirst()) : $0 }
            case "AdapterRegistered": adapter = data["adapter_name"] as? String
            case "ConcurrencyLine": target = data["target_name"] as? String
            default: break
            }
            // The message a user acts on, not dbt's Python stack trace (also an error event).
            if event.level == "error", !event.message.isEmpty, event.name != "MainStackTrace" { errors.append(event.message) }
        }
    }

    /// One event's name, level, message and data.
    static func event(_ line: Data) -> (name: String, level: String, message: String, data: [String: Any])? {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any], let info = object["info"] as? [String: Any] else {
            return nil
        }
        return (
            info["name"] as? String ?? "", info["level"] as? String ?? "", info["msg"] as? String ?? "",
            object["data"] as? [String: Any] ?? [:]
        )
    }

    /// The step a progress line of the program names (`2/10 orders`), or nil for any other line.
    static func progress(_ line: String) -> String? {
        guard line.contains(ProofQuery.progressPrefix), let event = event(Data(line.utf8)), event.name == "JinjaLogInfo",
            event.message.hasPrefix(ProofQuery.progressPrefix)
        else { return nil }
        return String(event.message.dropFirst(ProofQuery.progressPrefix.count))
    }

    /// The program's answer: the JSON document in the one cell it selects.
    ///
    /// - Throws: ``ProofError/dbtNoAnswer(_:)`` when dbt showed no such cell.
    public func answer() throws -> Data {
        guard let preview, let rows = try? JSONSerialization.jsonObject(with: Data(preview.utf8)) as? [[String: Any]],
            let cell = rows.first?[ProofQuery.resultColumn] as? String
        else {
            throw ProofError.dbtNoAnswer(preview == nil ? "dbt showed no result" : "dbt's result has no `\(ProofQuery.resultColumn)` cell")
        }
        guard let decoded = cell.removingPercentEncoding else { throw ProofError.dbtNoAnswer("the result is not URL-encoded JSON") }
        return Data(decoded.utf8)
    }
}

import Workflow
import ArgumentParser
import Diagnostics
import Foundation

/// Output formats of the commands that report findings.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

enum FindingsOutput {
    /// Findings as `path:line: severity: message [rule_id]` lines.
    static func text(_ findings: [Finding]) -> String {
        findings.map(\.textLine).joined(separator: "\n")
    }

    /// Any encodable value as pretty, key-sorted JSON.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A problem a check found: a value, never a thrown error.
public struct Finding: Sendable, Hashable, Codable {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning, note
    }

    /// Where a finding points: a repository-relative file and an optional 1-based line.
    public struct Location: Sendable, Hashable, Codable {
        /// The file, relative to the repository root.
        public var file: String
        /// The 1-based line, when known.
        public var line: Int?

        /// Creates a location.
        public init(file: String, line: Int? = nil) {
            self.file = file
            self.line = line
        }
    }

    /// How serious it is.
    public var severity: Severity
    /// Where it is, when it has a place.
    public var location: Location?
    /// The stable snake_case identifier of the rule that found it.
    public var ruleID: String
    /// What is wrong and what to do about it.
    public var message: String

    /// Creates a finding.
    public init(severity: Severity, location: Location?, ruleID: String, message: String) {
        self.severity = severity
        self.location = location
        self.ruleID = ruleID
        self.message = message
    }

    /// The `path:line: severity: message [rule_id]` form used by SwiftLint and swift-format: one
    /// line, whatever the path and the message hold (their line breaks are escaped, see
    /// ``ConsoleText/oneLine(_:)``).
    public var textLine: String {
        var prefix = ""
        if let location {
            prefix = ConsoleText.oneLine(location.file)
            if let line = location.line { prefix += ":\(line)" }
            prefix += ": "
        }
        return "\(prefix)\(severity.rawValue): \(ConsoleText.oneLine(message)) [\(ruleID)]"
    }
}

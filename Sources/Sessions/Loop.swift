import Foundation

/// One loop: an open question or a thread to come back to, proposed by the agent and approved by
/// the author. Written as one list item: `- L-7 (proposed) text [model: orders] [by: claude]`.
public struct Loop: Sendable, Hashable {
    /// Where a loop stands.
    public enum Status: String, Sendable, Hashable, CaseIterable, Codable {
        /// Proposed by the agent, not yet accepted by the author.
        case proposed
        /// Accepted by the author: an open loop of this session.
        case approved
        /// Carried over, still open, from an earlier session.
        case open
        /// Sent to the author's GTD inbox.
        case exported
        /// Came back from GTD with an answer.
        case clarified
        /// Done.
        case closed

        /// Whether the loop still needs attention (everything but `closed`).
        public var isOpen: Bool { self != .closed }
    }

    /// The number in `L-<n>`; stable across sessions.
    public var number: Int
    /// Its status.
    public var status: Status
    /// The question or thread, in one line.
    public var text: String
    /// Trailing `[key: value]` attributes in order (`model`, `by`, `approved-by`, `note`, `from`).
    public var attributes: [(key: String, value: String)]

    /// `L-<n>`.
    public var id: String { "L-\(number)" }

    /// Creates a loop.
    public init(number: Int, status: Status, text: String, attributes: [(key: String, value: String)] = []) {
        self.number = number
        self.status = status
        self.text = text
        self.attributes = attributes
    }

    /// The value of an attribute, if present.
    public subscript(key: String) -> String? {
        attributes.first { $0.key == key }?.value
    }

    /// Sets an attribute, replacing an existing one of the same key in place.
    public mutating func set(_ key: String, _ value: String) {
        if let index = attributes.firstIndex(where: { $0.key == key }) {
            attributes[index].value = value
        } else {
            attributes.append((key, value))
        }
    }

    /// A value made safe for a `[key: value]` attribute: one line, brackets turned into
    /// parentheses (a `]` would end the attribute early), ends trimmed.
    public static func attributeValue(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).joined(separator: " ")
            .replacingOccurrences(of: "[", with: "(").replacingOccurrences(of: "]", with: ")")
            .trimmingCharacters(in: .whitespaces)
    }

    /// The list item, without indentation.
    public var line: String {
        var line = "- \(id) (\(status.rawValue)) \(text)"
        for (key, value) in attributes {
            line += " [\(key): \(value)]"
        }
        return line
    }

    public static func == (a: Loop, b: Loop) -> Bool {
        a.number == b.number && a.status == b.status && a.text == b.text
            && a.attributes.map { "\($0.key)=\($0.value)" } == b.attributes.map { "\($0.key)=\($0.value)" }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(line)
    }
}

extension Loop {
    /// What reading one list item gave.
    public enum ParseResult: Equatable {
        /// Not a loop item at all (prose, another list).
        case notALoop
        /// A loop.
        case loop(Loop)
        /// It starts like a loop (`- L-`) but does not follow the format; the message says how.
        case malformed(String)
    }

    /// The format, for messages.
    public static let format = "- L-<n> (<status>) <text> [key: value]…"

    /// Reads one line.
    public static func parse(_ line: String) -> ParseResult {
        var rest = Substring(line).trimmingSpaces
        guard rest.hasPrefix("- ") || rest.hasPrefix("* ") else { return .notALoop }
        rest = rest.dropFirst(2).trimmingSpaces
        // Allow the id in bold or code, as people write it: **L-3**, `L-3`.
        for wrapper in ["**", "`"] where rest.hasPrefix(wrapper + "L-") {
            rest = rest.dropFirst(wrapper.count)
            if let close = rest.range(of: wrapper) {
                rest = rest[..<close.lowerBound] + rest[close.upperBound...]
            }
        }
        guard rest.hasPrefix("L-") else { return .notALoop }
        rest = rest.dropFirst(2)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let number = Int(digits), number > 0 else {
            return .malformed("a loop id is `L-` and a number from 1 (format: \(format))")
        }
        rest = rest.dropFirst(digits.count)
        guard rest.first == " " || rest.first == "\t" else {
            return .malformed("L-\(digits) must be followed by a space and its status in parentheses (format: \(format))")
        }
        rest = rest.trimmingSpaces
        guard rest.hasPrefix("("), let close = rest.firstIndex(of: ")") else {
            return .malformed("L-\(number) has no status: write `(proposed)` after the id (format: \(format))")
        }
        let statusText = rest[rest.index(after: rest.startIndex)..<close].trimmingSpaces.lowercased()
        guard let status = Status(rawValue: statusText) else {
            let known = Status.allCases.map(\.rawValue).joined(separator: ", ")
            return .malformed("L-\(number) has the status `\(statusText)`; use one of \(known)")
        }
        rest = rest[rest.index(after: close)...].trimmingSpaces
        var attributes: [(String, String)] = []
        // Trailing [key: value] groups, read from the end.
        while rest.hasSuffix("]"), let open = rest.lastIndex(of: "[") {
            let inner = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
            guard let colon = inner.firstIndex(of: ":") else { break }
            let key = inner[..<colon].trimmingSpaces
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { break }
            attributes.insert((String(key).lowercased(), String(inner[inner.index(after: colon)...].trimmingSpaces)), at: 0)
            rest = rest[..<open].trimmingSpaces
        }
        guard !rest.isEmpty else {
            return .malformed("L-\(number) has no text: say the question or thread after the status")
        }
        return .loop(Loop(number: number, status: status, text: String(rest), attributes: attributes))
    }
}

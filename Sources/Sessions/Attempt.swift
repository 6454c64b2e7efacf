import Foundation

/// One attempt at making a change work — the error it answered, the fix tried, the result —
/// logged whether it worked or not. Written as one list item:
/// `- A-4 (failed) dedupe with distinct in orders [why: hid the fan-out] [by: claude] [at: 2026-12-07]`.
public struct Attempt: Sendable, Hashable {
    /// How an attempt ended.
    public enum Result: String, Sendable, Hashable, CaseIterable, Codable {
        /// It did not work.
        case failed
        /// It helped, but the problem is not solved.
        case partial
        /// It worked.
        case worked
    }

    /// The number in `A-<n>`; stable across sessions.
    public var number: Int
    /// How it ended.
    public var result: Result
    /// What was tried, in one line.
    public var text: String
    /// Trailing `[key: value]` attributes in order (`why`, `by`, `at`).
    public var attributes: [(key: String, value: String)]

    /// `A-<n>`.
    public var id: String { "A-\(number)" }

    /// Creates an attempt.
    public init(number: Int, result: Result, text: String, attributes: [(key: String, value: String)] = []) {
        self.number = number
        self.result = result
        self.text = text
        self.attributes = attributes
    }

    /// The value of an attribute, if present.
    public subscript(key: String) -> String? {
        attributes.first { $0.key == key }?.value
    }

    /// The list item, without indentation.
    public var line: String {
        var line = "- \(id) (\(result.rawValue)) \(text)"
        for (key, value) in attributes {
            line += " [\(key): \(value)]"
        }
        return line
    }

    public static func == (a: Attempt, b: Attempt) -> Bool {
        a.number == b.number && a.result == b.result && a.text == b.text
            && a.attributes.map { "\($0.key)=\($0.value)" } == b.attributes.map { "\($0.key)=\($0.value)" }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(line)
    }
}

extension Attempt {
    /// What reading one list item gave.
    public enum ParseResult: Equatable {
        /// Not an attempt item at all (prose, another list).
        case notAnAttempt
        /// An attempt.
        case attempt(Attempt)
        /// It starts like an attempt (`- A-`) but does not follow the format; the message says how.
        case malformed(String)
    }

    /// The format, for messages.
    public static let format = "- A-<n> (failed|partial|worked) <what was tried> [why: …] [by: …] [at: YYYY-MM-DD]"

    /// The results, for messages: `failed, partial, worked`.
    public static let results = Result.allCases.map(\.rawValue).joined(separator: ", ")

    /// Reads one line.
    public static func parse(_ line: String) -> ParseResult {
        var rest = Substring(line).trimmingSpaces
        guard rest.hasPrefix("- ") || rest.hasPrefix("* ") else { return .notAnAttempt }
        rest = rest.dropFirst(2).trimmingSpaces
        // Allow the id in bold or code, as people write it: **A-3**, `A-3`.
        for wrapper in ["**", "`"] where rest.hasPrefix(wrapper + "A-") {
            rest = rest.dropFirst(wrapper.count)
            if let close = rest.range(of: wrapper) {
                rest = rest[..<close.lowerBound] + rest[close.upperBound...]
            }
        }
        guard rest.hasPrefix("A-") else { return .notAnAttempt }
        rest = rest.dropFirst(2)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let number = Int(digits), number > 0 else {
            // `- A-side of the join …` is prose; a line that states a result meant to be an attempt.
            let statesResult = Result.allCases.contains { rest.lowercased().contains("(\($0.rawValue))") }
            return digits.isEmpty && !statesResult
                ? .notAnAttempt : .malformed("an attempt id is `A-` and a number from 1 (format: \(format))")
        }
        rest = rest.dropFirst(digits.count)
        guard rest.first == " " || rest.first == "\t" else {
            return .malformed("A-\(digits) must be followed by a space and its result in parentheses (format: \(format))")
        }
        rest = rest.trimmingSpaces
        guard rest.hasPrefix("("), let close = rest.firstIndex(of: ")") else {
            return .malformed("A-\(number) has no result: write `(failed)`, `(partial)` or `(worked)` after the id (format: \(format))")
        }
        let resultText = rest[rest.index(after: rest.startIndex)..<close].trimmingSpaces.lowercased()
        guard let result = Result(rawValue: resultText) else {
            return .malformed("A-\(number) has the result `\(resultText)`; use one of \(results)")
        }
        let (text, attributes) = ItemAttributes.split(rest[rest.index(after: close)...])
        guard !text.isEmpty else {
            return .malformed("A-\(number) has no text: say what was tried after the result")
        }
        return .attempt(Attempt(number: number, result: result, text: String(text), attributes: attributes))
    }
}

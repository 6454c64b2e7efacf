import Diagnostics
import Foundation

/// A question loop with options: the agent asks with two or three concrete ways on, each with
/// its trade-off (`[options: A: hourly, costs 24 runs a day; B: daily, data a day late]`), and the
/// author's choice is recorded (`[chose: B]`).
extension Loop {
    /// One option of a question.
    public struct Option: Sendable, Hashable {
        /// Its label, as the choice names it (`A`, `hourly`).
        public var label: String
        /// What it is, with its trade-off.
        public var text: String

        /// `label: text`, as written in the attribute.
        public var written: String { "\(label): \(text)" }
    }

    /// The attribute holding the options.
    public static let optionsKey = "options"
    /// The attribute holding the author's choice.
    public static let choiceKey = "chose"

    /// The options the loop offers, in order (none without `[options: …]`). A part with no
    /// label (`…; daily`) is labelled with its own text.
    public var options: [Option] {
        guard let value = self[Self.optionsKey] else { return [] }
        return value.split(separator: ";").compactMap { part in
            let part = part.trimmingSpaces
            guard !part.isEmpty else { return nil }
            guard let colon = part.firstIndex(of: ":") else { return Option(label: String(part), text: "") }
            return Option(label: String(part[..<colon].trimmingSpaces), text: String(part[part.index(after: colon)...].trimmingSpaces))
        }
    }

    /// The option whose label is `label` (case-insensitive), if the loop offers it.
    public func option(_ label: String) -> Option? {
        let wanted = label.trimmingCharacters(in: .whitespaces).lowercased()
        return options.first { $0.label.lowercased() == wanted }
    }

    /// The `[options: …]` value for options given as `A: hourly, costs …`: each made one line
    /// (brackets as parentheses, like every attribute value) with its `;` written `,` (the `;`
    /// separates options).
    ///
    /// - Throws: ``SessionError/badOptions(_:)`` for fewer than two options, an option without a
    ///   label or without text, or a label given twice.
    public static func optionsValue(_ given: [String]) throws -> String {
        guard given.count >= 2 else {
            throw SessionError.badOptions(
                "a question with options needs at least two (\(given.count) given): `--option \"A: hourly, costs …\" --option \"B: daily, …\"`")
        }
        var options: [Option] = []
        for raw in given {
            let line = attributeValue(raw).replacingOccurrences(of: ";", with: ",")
            guard let colon = line.firstIndex(of: ":") else {
                throw SessionError.badOptions("the option `\(Echo.shortened(line))` has no label: write it `A: \(Echo.shortened(line))`")
            }
            let label = line[..<colon].trimmingCharacters(in: .whitespaces)
            let text = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty, label.count <= 24, label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw SessionError.badOptions(
                    "the option `\(Echo.shortened(line))` needs a short label of letters or digits before its colon: `A: …`, `hourly: …`")
            }
            guard !text.isEmpty else {
                throw SessionError.badOptions("the option `\(label)` says nothing after its label: give the way on and its trade-off")
            }
            guard !options.contains(where: { $0.label.lowercased() == label.lowercased() }) else {
                throw SessionError.badOptions("the label `\(label)` is given twice: label each option differently (A, B, C)")
            }
            options.append(Option(label: label, text: text))
        }
        return options.map(\.written).joined(separator: "; ")
    }
}

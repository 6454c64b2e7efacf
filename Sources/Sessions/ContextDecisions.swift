import Foundation

/// The context decisions of a session: what the agent was given, what was left out and why,
/// and the tokens used against the budget. Read from a `Context decisions` section.
public struct ContextDecisions: Sendable, Hashable {
    /// One `- loaded: …` or `- excluded: …` item.
    public struct Decision: Sendable, Hashable {
        /// Loaded or excluded.
        public enum Verdict: String, Sendable, Hashable { case loaded, excluded }

        /// The verdict.
        public var verdict: Verdict
        /// The names it covers (node names, unique ids or paths).
        public var names: [String]
        /// The reason, empty when none was given (or only a placeholder).
        public var reason: String
        /// Where it is.
        public var file: String
        /// Its 1-based line.
        public var line: Int
        /// Whether `rationale context --write` put it there (inside the pack's marked block):
        /// the tool's bookkeeping of what the agent was shown, not the author's decision.
        public var byTool = false
        /// The `[confidence: …]` it states, as written (lowercased), if any.
        public var confidence: String? = nil
        /// The `[assumption: …]` a medium confidence rests on, if any.
        public var assumption: String? = nil
    }

    /// The markers around what `rationale context --write` writes into CONTEXT.md.
    public static let packBegin = "<!-- rationale:context:begin -->"
    public static let packEnd = "<!-- rationale:context:end -->"

    /// The author's decisions (the pack's bookkeeping left out).
    public var authorDecisions: [Decision] { decisions.filter { !$0.byTool } }
    /// The pack's bookkeeping: what `rationale context` loaded and left out, and why.
    public var toolDecisions: [Decision] { decisions.filter(\.byTool) }

    /// A declared figure (`Budget:` or `Used:`) and where it is.
    public struct Figure: Sendable, Hashable {
        /// The number of tokens; nil when the line is there but holds no number.
        public var tokens: Int?
        /// Where it is.
        public var file: String
        /// Its 1-based line.
        public var line: Int
    }

    /// Every decision, in file order.
    public var decisions: [Decision] = []
    /// The declared budget, if any.
    public var budget: Figure?
    /// The declared use, if any.
    public var used: Figure?
    /// Whether any file had a `Context decisions` section.
    public var sectionFound = false

    /// The section title.
    public static let sectionTitle = "Context decisions"

    /// Creates an empty set.
    public init() {}

    /// Adds what `text` (the file `file`) holds in its `Context decisions` section. The first
    /// file read that declares `Budget:` or `Used:` gives that figure (SUMMARY.md before CONTEXT.md).
    public mutating func read(_ text: String, file: String) {
        guard let section = MarkdownDocument(text).section(Self.sectionTitle) else { return }
        sectionFound = true
        // The lines (1-based) between the pack's markers.
        var packLines: [ClosedRange<Int>] = []
        var open: Int?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.contains(Self.packBegin) { open = index + 1 }
            if line.contains(Self.packEnd), let start = open {
                packLines.append(start...(index + 1))
                open = nil
            }
        }
        for line in section.visibleBody {
            var content = Substring(line.text).trimmingSpaces
            if let figure = Self.figure(content, label: "budget") {
                if budget == nil { budget = Figure(tokens: figure, file: file, line: line.number) }
                continue
            }
            if Self.labelled(content, "budget") != nil, budget == nil {
                budget = Figure(tokens: nil, file: file, line: line.number)
                continue
            }
            if let figure = Self.figure(content, label: "used") {
                if used == nil { used = Figure(tokens: figure, file: file, line: line.number) }
                continue
            }
            if Self.labelled(content, "used") != nil {
                if used == nil { used = Figure(tokens: nil, file: file, line: line.number) }
                continue
            }
            guard content.hasPrefix("- ") || content.hasPrefix("* ") else { continue }
            content = content.dropFirst(2).trimmingSpaces
            var verdict: Decision.Verdict?
            for (word, kind) in [("loaded", Decision.Verdict.loaded), ("included", .loaded), ("excluded", .excluded)] {
                if let rest = Self.labelled(content, word) {
                    verdict = kind
                    content = rest
                    break
                }
            }
            guard let verdict else { continue }
            // `[confidence: …]` and `[assumption: …]` at the end are the decision's, not its reason's.
            let (core, attributes) = ItemAttributes.split(content, keys: [Confidence.key, Confidence.assumptionKey])
            content = core
            var namesPart = content
            var reason: Substring = ""
            for separator in [" — ", " -- ", " – ", "—"] {
                if let range = content.range(of: separator) {
                    namesPart = content[..<range.lowerBound]
                    reason = content[range.upperBound...]
                    break
                }
            }
            // … or at the end of the names, before the reason.
            let (namesOnly, nameAttributes) = ItemAttributes.split(namesPart, keys: [Confidence.key, Confidence.assumptionKey])
            namesPart = namesOnly
            let stated = nameAttributes + attributes
            let names = MarkdownText.withoutPlaceholders(String(namesPart)).split(separator: ",").map { Self.name($0) }.filter { !$0.isEmpty }
            let cleanReason = MarkdownText.withoutPlaceholders(String(reason)).trimmingCharacters(in: .whitespaces)
            decisions.append(
                Decision(
                    verdict: verdict, names: names, reason: cleanReason, file: file, line: line.number,
                    byTool: packLines.contains { $0.contains(line.number) },
                    confidence: stated.last { $0.key == Confidence.key }?.value.lowercased(),
                    assumption: stated.last { $0.key == Confidence.assumptionKey }?.value))
        }
    }

    /// A name as written, without its code ticks and the emphasis around it (`**x**`, `_x_`):
    /// a glob's `*` or a selector's `+` stay.
    static func name(_ raw: Substring) -> String {
        var name = raw.trimmingSpaces.trimmingCharacters(in: CharacterSet(charactersIn: "`"))
        for marker in ["**", "__", "*", "_"] where name.count > 2 * marker.count && name.hasPrefix(marker) && name.hasSuffix(marker) {
            name = String(name.dropFirst(marker.count).dropLast(marker.count))
            break
        }
        return name.trimmingCharacters(in: CharacterSet(charactersIn: "`")).trimmingCharacters(in: .whitespaces)
    }

    /// Every name that a decision covers.
    public var coveredNames: Set<String> {
        Set(authorDecisions.flatMap(\.names))
    }

    /// The rest of `text` after `label:` (case-insensitive, emphasis allowed), or nil.
    static func labelled(_ text: Substring, _ label: String) -> Substring? {
        var rest = text
        while rest.first == "*" || rest.first == "_" { rest.removeFirst() }
        guard rest.lowercased().hasPrefix(label) else { return nil }
        rest = rest.dropFirst(label.count)
        while rest.first == "*" || rest.first == "_" { rest.removeFirst() }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst()
        while rest.first == "*" || rest.first == "_" { rest.removeFirst() }
        return rest.trimmingSpaces
    }

    /// The first number after `label:` (`4,000`, `~2600`, `2 600` read as numbers), or nil.
    static func figure(_ text: Substring, label: String) -> Int? {
        guard let rest = labelled(text, label) else { return nil }
        let visible = MarkdownText.withoutPlaceholders(String(rest))
        var digits = ""
        var started = false
        for character in visible {
            if character.isASCII, character.isNumber {
                digits.append(character)
                started = true
            } else if started, character == "," || character == "_" || character == " " || character == "\u{202F}" {
                continue
            } else if started {
                break
            } else if character == "~" || character == "≈" || character == " " || character == "`" {
                continue
            } else {
                return nil
            }
        }
        return Int(digits)
    }
}

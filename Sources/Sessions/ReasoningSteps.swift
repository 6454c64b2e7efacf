import Foundation

/// One step of the data engineer's reasoning protocol, in the order data flows: where it comes
/// from, who reads it, how it is shaped, what proves it, what it costs, how it runs.
public enum ReasoningStep: String, Sendable, Hashable, CaseIterable, Codable {
    case source, destination, transformation, quality, performance, operations

    /// The step's heading in SUMMARY.md.
    public var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

    /// What the step answers, for a message.
    public var question: String {
        switch self {
        case .source: return "what data comes in: its grain, format, freshness, contract"
        case .destination: return "who reads the result and how: marts, dashboards, exposures"
        case .transformation: return "the logic, why this way, and the alternative rejected"
        case .quality: return "what proves it: tests on keys and grain, row counts, a diff"
        case .performance: return "materialization, partitions, incremental strategy, cost"
        case .operations: return "running it: full refresh or backfill, schedule, who to tell"
        }
    }

    /// A short example of a filled step, for a message.
    public var example: String {
        switch self {
        case .source: return "raw.payments arrives hourly, one row per attempt, amounts in cents"
        case .destination: return "finance_dashboard sums revenue per day; it must not move by more than a cent"
        case .transformation: return "aggregate payments per order before the join, so orders keeps one row per order; a distinct would hide the fan-out"
        case .quality: return "unique and not_null on order_id pass; 1,204 rows before and after"
        case .performance: return "stays a view: 12k rows, read twice a day"
        case .operations: return "orders needs one --full-refresh after merge; finance told in #data"
        }
    }
}

/// The steps a SUMMARY.md's Reasoning holds: as sub-headings (`### Quality`) or labelled lines
/// (`**Quality:** …`, `- Quality: …`), each with the text up to the next step.
public struct ReasoningSteps: Sendable {
    /// One step as written.
    public struct Written: Sendable, Hashable {
        public var step: ReasoningStep
        /// The line of its heading or label.
        public var line: Int
        /// Its text, comments and placeholders removed, on one line.
        public var text: String
    }

    /// The steps found, in the order written (a step written twice counts once, the first).
    public var steps: [Written]
    /// The Reasoning section's heading line, when there is one.
    public var sectionLine: Int?

    /// Reads the Reasoning section of a SUMMARY.md.
    public init(summary: String, title: String = "Reasoning") {
        guard let section = MarkdownDocument(summary).section(title) else {
            steps = []
            sectionLine = nil
            return
        }
        sectionLine = section.line
        var steps: [Written] = []
        var current: Written?
        for line in section.visibleBody {
            let text = MarkdownText.withoutPlaceholders(line.text)
            if let (step, rest) = Self.start(text) {
                if let done = current { steps.append(done) }
                current = Written(step: step, line: line.number, text: rest)
            } else if MarkdownDocument.heading(text) != nil {
                if let done = current { steps.append(done) }
                current = nil
            } else if var open = current {
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { open.text = open.text.isEmpty ? trimmed : open.text + " " + trimmed }
                current = open
            }
        }
        if let done = current { steps.append(done) }
        var seen = Set<ReasoningStep>()
        self.steps = steps.filter { seen.insert($0.step).inserted }
    }

    /// The step a line opens, and the text after its label: a heading titled by the step, or a
    /// line (a list item or not) that starts with the step's name, bold or not, and a colon or dash.
    static func start(_ line: String) -> (ReasoningStep, String)? {
        if let heading = MarkdownDocument.heading(line) {
            let words = Substance.words(heading.title)
            guard let first = words.first, let step = ReasoningStep(rawValue: first) else { return nil }
            return (step, "")
        }
        var rest = Substring(line).trimmingSpaces
        if rest.hasPrefix("- ") || rest.hasPrefix("* ") { rest = rest.dropFirst(2).trimmingSpaces }
        while rest.hasPrefix("*") || rest.hasPrefix("_") { rest = rest.dropFirst() }
        let name = rest.prefix { $0.isLetter }
        guard let step = ReasoningStep(rawValue: name.lowercased()) else { return nil }
        rest = rest.dropFirst(name.count)
        while rest.hasPrefix("*") || rest.hasPrefix("_") { rest = rest.dropFirst() }
        rest = rest.trimmingSpaces
        guard let mark = rest.first, [":", "—", "–", "-"].contains(mark) else { return nil }
        rest = rest.dropFirst()
        while rest.hasPrefix("*") || rest.hasPrefix("_") { rest = rest.dropFirst() }
        return (step, String(rest.trimmingSpaces))
    }

    /// The step as written, if it is.
    public subscript(step: ReasoningStep) -> Written? {
        steps.first { $0.step == step }
    }
}

/// Which steps a change must fill, by what its modified nodes are: keys are `model`, `seed`,
/// `snapshot`, `new`, `deleted`, `incremental`, `exposure` (an exposure downstream) or a layer
/// name (`staging`, `marts`, …); `.rationale.yml`'s `reasoning_steps:` replaces keys it names.
public struct StepRequirements: Sendable, Equatable {
    /// Key → steps.
    public var table: [String: [ReasoningStep]]

    /// The defaults: a model change says how and what proves it; a new model all six; marts or an
    /// exposure downstream who reads it; an incremental model or a snapshot how it runs.
    public static let defaults = StepRequirements(table: [
        "model": [.transformation, .quality],
        "seed": [.source, .quality],
        "snapshot": [.source, .operations],
        "new": ReasoningStep.allCases,
        "deleted": [.destination, .operations],
        "marts": [.destination],
        "exposure": [.destination],
        "incremental": [.operations],
    ])

    /// Creates requirements.
    public init(table: [String: [ReasoningStep]]) {
        self.table = table
    }

    /// The keys that apply to a node, most specific last.
    public static func keys(of node: ModifiedNode) -> [String] {
        var keys = [node.resourceType]
        if !node.layer.isEmpty { keys.append(node.layer.lowercased()) }
        if node.materialized == "incremental" { keys.append("incremental") }
        if !node.exposures.isEmpty { keys.append("exposure") }
        if node.added { keys.append("new") }
        if node.deleted { keys.append("deleted") }
        return keys
    }

    /// Each required step with the first node and key that require it, in protocol order.
    public func required(for nodes: [ModifiedNode]) -> [(step: ReasoningStep, node: ModifiedNode, key: String)] {
        var found: [ReasoningStep: (ModifiedNode, String)] = [:]
        for node in nodes {
            for key in Self.keys(of: node) {
                for step in table[key] ?? [] where found[step] == nil { found[step] = (node, key) }
            }
        }
        return ReasoningStep.allCases.compactMap { step in found[step].map { (step, $0.0, $0.1) } }
    }
}

import Diagnostics

/// A stated confidence holds to what it means: high proceeds; medium proceeds and says what it
/// assumes, so a reviewer can check the assumption; low is a guess, which must be asked as a loop
/// about the same node before it stands as a decision.
public enum ConfidenceStatedRule: SessionRule {
    public static let id = "confidence_stated"
    public static let description =
        "A `[confidence: …]` on a context decision or a loop is high, medium or low; medium states its `[assumption: …]`; a low-confidence decision has a loop about the same node."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        let loops = session.loops?.entries ?? []
        for decision in session.decisions.decisions {
            guard let stated = decision.confidence else { continue }
            let subject = "`\(decision.verdict.rawValue): \(decision.names.joined(separator: ", "))`"
            guard let level = Confidence(rawValue: stated) else {
                findings.append(error(decision.file, line: decision.line, unknownLevel(subject, stated)))
                continue
            }
            switch level {
            case .high: continue
            case .medium:
                if (decision.assumption ?? "").isEmpty { findings.append(error(decision.file, line: decision.line, noAssumption(subject))) }
            case .low:
                guard !loops.contains(where: { entry in decision.names.contains { names(entry.loop, $0) } }) else { continue }
                let node = decision.names.first ?? "name"
                findings.append(
                    error(
                        decision.file, line: decision.line,
                        "\(subject) is low confidence: a guess is a question, not a decision — ask it as a loop about \(node) (`rationale loops propose \"…?\" --model \(node)`), or say what makes you surer and raise it"
                    ))
            }
        }
        let loopsPath = session.path(SessionInput.File.loops)
        for entry in loops {
            guard let stated = entry.loop[Confidence.key]?.lowercased() else { continue }
            guard let level = Confidence(rawValue: stated) else {
                findings.append(error(loopsPath, line: entry.line, unknownLevel(entry.loop.id, stated)))
                continue
            }
            if level == .medium, (entry.loop[Confidence.assumptionKey] ?? "").isEmpty {
                findings.append(error(loopsPath, line: entry.line, noAssumption(entry.loop.id)))
            }
        }
        return findings
    }

    static func unknownLevel(_ subject: String, _ stated: String) -> String {
        "\(subject) states the confidence `\(stated)`: write high (over 90 %), medium (60–90 %, with `[assumption: …]`) or low (under 60 %, asked as a loop)"
    }

    static func noAssumption(_ subject: String) -> String {
        "\(subject) is medium confidence but states no assumption: add `[assumption: what you take to be true]` after it, or check it and raise it to high"
    }

    /// Whether a loop is about `name`: its `[model: …]`, or the name as a word of its text
    /// (case-insensitive; `orders` is not in `stg_orders`).
    static func names(_ loop: Loop, _ name: String) -> Bool {
        let wanted = name.lowercased()
        if loop["model"]?.lowercased() == wanted { return true }
        let text = loop.text.lowercased()
        var rest = Substring(text)
        while let found = rest.range(of: wanted) {
            let before = rest[..<found.lowerBound].last
            let after = rest[found.upperBound...]
            // A full stop that ends the sentence ends the name too (`stg_orders.v2` is one name).
            let endsName = after.first.map { !isNamePart($0) || ($0 == "." && !(after.dropFirst().first.map(isNamePart) ?? false)) } ?? true
            if !(before.map(isNamePart) ?? false), endsName { return true }
            rest = rest[found.upperBound...]
        }
        return false
    }

    /// A character that can be part of a dbt name, a unique id or a version (`model.shop.orders.v2`).
    static func isNamePart(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "."
    }

    /// The sample's first decision (line 20) and its exclusion (line 21).
    static let loaded = "- loaded: orders, stg_payments — the join being fixed and its input"
    static let excluded = "- excluded: revenue — downstream; reads only order_id and amount, whose meaning is kept"

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "no confidence stated"),
        RuleExample(
            triggers: false, "high confidence needs nothing more",
            files: [SessionInput.File.summary: RuleExample.summary(replacing: loaded, with: loaded + " [confidence: high]")]),
        RuleExample(
            triggers: false, "medium confidence with its assumption",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: loaded, with: loaded + " [confidence: medium] [assumption: stg_payments has one row per payment]")
            ]),
        RuleExample(
            triggers: true, "medium confidence without an assumption", line: .line(20),
            files: [SessionInput.File.summary: RuleExample.summary(replacing: loaded, with: loaded + " [confidence: medium]")]),
        RuleExample(
            triggers: true, "an unknown level", line: .line(20),
            files: [SessionInput.File.summary: RuleExample.summary(replacing: loaded, with: loaded + " [confidence: pretty sure]")]),
        RuleExample(
            triggers: true, "low confidence with no loop about the node", line: .line(21),
            files: [SessionInput.File.summary: RuleExample.summary(replacing: excluded, with: excluded + " [confidence: low]")]),
        RuleExample(
            triggers: false, "low confidence asked as a loop about the node",
            files: [
                SessionInput.File.summary: RuleExample.summary(replacing: excluded, with: excluded + " [confidence: low]"),
                SessionInput.File.loops: SessionSamples.loops + "- L-2 (approved) Does revenue read refunds? [model: revenue] [approved-by: Ada]\n",
            ]),
        RuleExample(
            triggers: true, "low confidence in CONTEXT.md, the loop about another node", line: .line(7),
            files: [
                SessionInput.File.context: SessionSamples.context.replacingOccurrences(
                    of: "- loaded: orders — the model whose join changes", with: "- loaded: orders [confidence: low] — the model whose join changes"),
                SessionInput.File.loops: SessionSamples.loops.replacingOccurrences(of: "from orders?", with: "from stg_orders?"),
            ]),
        RuleExample(
            triggers: true, "a medium-confidence loop without its assumption", line: .line(6),
            files: [SessionInput.File.loops: SessionSamples.loops + "- L-2 (approved) Is currency always USD? [confidence: medium] [approved-by: Ada]\n"]),
        RuleExample(
            triggers: false, "a medium-confidence loop with its assumption",
            files: [
                SessionInput.File.loops: SessionSamples.loops
                    + "- L-2 (approved) Is currency always USD? [confidence: medium] [assumption: the source contract says so] [approved-by: Ada]\n"
            ]),
    ]
}

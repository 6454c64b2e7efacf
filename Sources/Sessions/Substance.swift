import Foundation

/// What tells written reasoning from a filled blank: deterministic tests the substance rules
/// share, each one a reader could apply by hand.
public enum Substance {
    /// The words of a text, lower-cased, with letters in them (numbers and identifiers kept whole:
    /// `order_id`, `2024`).
    public static func words<S: StringProtocol>(_ text: S) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "'" || $0 == "’") }
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'’")) }
            .filter { $0.contains { $0.isLetter || $0.isNumber } }
    }

    /// Phrases that are no reasoning at all when they are the whole text (punctuation and case
    /// ignored).
    public static let boilerplate: Set<String> = [
        "n a", "na", "none", "nothing", "no", "yes", "ok", "okay", "done", "fixed", "fix", "todo", "tbd", "tba", "wip",
        "because", "because it was needed", "it was needed", "needed", "as needed", "as discussed", "as agreed", "see above",
        "see below", "see code", "see the code", "see diff", "see the diff", "see pr", "see ticket", "see jira", "self explanatory",
        "obvious", "looks good", "look good", "lgtm", "all good", "works", "it works", "works now", "looked fine", "looks fine",
        "fine", "tested", "tested locally", "same as before", "not applicable", "no reason", "minor change", "small change",
        "just a fix", "refactor", "cleanup", "clean up",
    ]

    /// The text reduced to its words, single-spaced: what boilerplate and repetition compare.
    public static func normalised<S: StringProtocol>(_ text: S) -> String {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.joined(separator: " ")
    }

    /// Whether the whole text is a stock phrase.
    public static func isBoilerplate<S: StringProtocol>(_ text: S) -> Bool {
        let plain = normalised(text)
        return plain.isEmpty || boilerplate.contains(plain)
    }

    /// Words and phrases that give a cause, a consequence, a condition or a trade-off: the why.
    static let becauseWords: Set<String> = [
        "because", "since", "so", "thus", "therefore", "hence", "otherwise", "instead", "rather", "would", "could", "might",
        "should", "must", "keeps", "keep", "kept", "avoid", "avoids", "avoiding", "prevent", "prevents", "prevented", "cause",
        "causes", "caused", "causing", "means", "meant", "ensure", "ensures", "unless", "if", "but", "whereas", "although",
        "though", "cost", "costs", "risk", "risks", "tradeoff", "trade", "breaks", "broke", "break", "why", "due", "given",
        "lets", "allows", "needs", "need", "requires", "required", "fails", "failed", "wrong", "without", "hide", "hides",
        "double", "inflates", "inflate", "duplicates", "duplicate", "drops", "drop", "loses", "lose", "miss", "misses",
    ]

    /// Whether the text gives a reason (a cause, a consequence or a trade-off), not only what was done.
    public static func givesReason(_ words: [String]) -> Bool {
        words.contains { becauseWords.contains($0) }
    }

    /// Names an agent goes by in a problem statement.
    static let agentNames: Set<String> = [
        "agent", "ai", "assistant", "copilot", "claude", "chatgpt", "gpt", "cursor", "llm", "bot", "gemini", "codex",
        "cline", "windsurf", "aider", "devin",
    ]

    /// Verbs that make the agent the source of the problem ("the agent said …").
    static let reportingVerbs: Set<String> = [
        "said", "says", "say", "suggested", "suggests", "suggest", "told", "tells", "tell", "recommended", "recommends",
        "recommend", "proposed", "proposes", "propose", "wants", "want", "wanted", "asked", "asks", "thinks", "thought",
        "think", "flagged", "flags", "decided", "decides", "found", "finds", "noticed", "reckons", "claims", "claimed",
        "generated", "wrote", "writes", "believes",
    ]

    /// The agent's name and the verb when the text credits the agent with the problem
    /// ("The agent said orders needs …", "Claude suggested …"), or nil.
    public static func creditsAgent(_ words: [String]) -> (agent: String, verb: String)? {
        let between: Set<String> = ["has", "had", "have", "just", "also", "then", "first", "already", "clearly", "kept", "keeps", "again"]
        for (index, word) in words.enumerated() where agentNames.contains(word) {
            // "the agent said", "claude has suggested", "copilot just told me" — not "the AI
            // summary said", whose subject is the summary.
            var next = index + 1
            while next < words.count, next - index <= 2, between.contains(words[next]) { next += 1 }
            if next < words.count, reportingVerbs.contains(words[next]) { return (word, words[next]) }
        }
        // "I was told by the agent", "as suggested by Copilot", "according to Claude".
        for (index, word) in words.enumerated() where word == "by" || word == "to" {
            guard index + 1 < words.count else { continue }
            let after = words[(index + 1)..<min(words.count, index + 3)]
            guard let agent = after.first(where: agentNames.contains) else { continue }
            let before = words[max(0, index - 2)..<index]
            if let verb = before.first(where: { reportingVerbs.contains($0) || $0 == "according" }) { return (agent, verb) }
        }
        return nil
    }

    /// A word as a subject match compares it: lower-cased, a plural's `s` dropped.
    static func stem(_ word: String) -> String {
        var word = word.lowercased()
        if word.hasSuffix("ies"), word.count > 4 {
            word = String(word.dropLast(3)) + "y"
        } else if word.hasSuffix("s"), !word.hasSuffix("ss"), word.count > 3 {
            word.removeLast()
        }
        return word
    }

    /// Layer prefixes a model's name may carry (`stg_`, `int_`, `fct_` …): `stg_payments` may be
    /// called "payments".
    static let layerPrefixes = ["stg", "staging", "base", "int", "fct", "fact", "dim", "mart", "rpt", "agg", "src", "raw", "snp", "seed"]

    /// The ways a text may name a subject: the name itself and, for `stg_shop__payments`, the
    /// part after the source (`payments`) and the name without its layer prefix (`shop__payments`).
    public static func forms(of name: String) -> Set<String> {
        let name = name.lowercased()
        var forms: Set<String> = [stem(name)]
        if let range = name.range(of: "__", options: .backwards) {
            let tail = String(name[range.upperBound...])
            if tail.count > 2 { forms.insert(stem(tail)) }
        }
        if let underscore = name.firstIndex(of: "_"), layerPrefixes.contains(String(name[..<underscore])) {
            let rest = String(name[name.index(after: underscore)...]).trimmingCharacters(in: CharacterSet(charactersIn: "_"))
            if rest.count > 2 { forms.insert(stem(rest)) }
        }
        return forms
    }

    /// The first subject the words name, or nil: a word matches a subject's form, or a run of
    /// words joined by `_` does (`order id` names `order_id`).
    public static func namedSubject(_ words: [String], subjects: [String]) -> String? {
        var stems = Set(words.map(stem))
        for (index, word) in words.enumerated() where index + 1 < words.count {
            stems.insert(stem(word + "_" + words[index + 1]))
        }
        for subject in subjects where !forms(of: subject).isDisjoint(with: stems) {
            return subject
        }
        return nil
    }
}

extension Substance {
    /// Names of checks whose mention is evidence: dbt's generic tests and the packages that
    /// compare data.
    static let evidenceWords: Set<String> = [
        "unique", "not_null", "relationships", "accepted_values", "dbt_utils", "dbt_expectations", "audit_helper",
        "compare_relations", "compare_queries", "recce", "datafold", "data_diff", "run_results", "select", "count",
        "row_count", "rowcount", "checksum", "diff", "query", "queried", "sql",
    ]

    /// What a validation cites as its evidence — a number, a test run, a named check, a query,
    /// a file or a link — or nil when it cites none ("looked fine", "tested locally").
    public static func evidence(_ text: String) -> String? {
        let words = Self.words(text)
        if let number = words.first(where: { $0.contains { $0.isNumber } }) { return "the figure \(number)" }
        if text.contains("```") || text.lowercased().contains("count(") { return "a query" }
        if text.range(of: #"https?://"#, options: .regularExpression) != nil { return "a link" }
        if text.range(of: #"[\w.-]+/[\w./-]+\.\w+|\b[\w-]+\.(sql|csv|json|md|yml|yaml|ipynb|png|html)\b"#, options: .regularExpression) != nil {
            return "a file"
        }
        if let word = words.first(where: evidenceWords.contains) { return "`\(word)`" }
        let ran = words.contains("dbt") && !Set(words).isDisjoint(with: ["test", "tests", "build", "run", "ran", "built"])
        let passed =
            !Set(words).isDisjoint(with: ["test", "tests"]) && !Set(words).isDisjoint(with: ["pass", "passed", "passes", "passing", "green", "fail", "failed"])
        if ran || passed { return "a test run" }
        return nil
    }
}

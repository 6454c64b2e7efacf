import Diagnostics
import Foundation

/// What the author's sessions say a proof should show: what they excluded as unaffected, what
/// they say changes, and whether the data is meant to stay the same (a refactor).
public struct ProofClaims: Sendable, Equatable {
    /// Nodes a session excluded, with its reason and where it says so.
    public struct Exclusion: Sendable, Equatable {
        public var names: [String]
        public var reason: String
        public var file: String
        public var line: Int

        public init(names: [String], reason: String, file: String, line: Int) {
            self.names = names
            self.reason = reason
            self.file = file
            self.line = line
        }
    }

    /// A node a session says the work changes (beyond those it modifies), and where.
    public struct Claim: Sendable, Equatable {
        public var name: String
        public var file: String
        public var line: Int

        public init(name: String, file: String, line: Int) {
            self.name = name
            self.file = file
            self.line = line
        }
    }

    public var exclusions: [Exclusion]
    public var claims: [Claim]
    /// A refactor: the same data on both sides is the point, not a surprise.
    public var unchangedExpected: Bool

    public init(exclusions: [Exclusion] = [], claims: [Claim] = [], unchangedExpected: Bool = false) {
        self.exclusions = exclusions
        self.claims = claims
        self.unchangedExpected = unchangedExpected
    }
}

/// What a rule over a proof looks at: the proof, how the user named its file, and the claims of
/// the sessions.
public struct ProveRuleInput: Sendable {
    public var report: ProofReport
    public var file: String
    public var claims: ProofClaims
    /// The commit the proof should be of (the gate's head); nil: not checked.
    public var head: String?
    /// Whether the file is committed in the pull request: whoever opens one can write it.
    public var committed = false
    /// The models, seeds and snapshots the range modifies (unique ids), as git sees them: a proof
    /// should cover each.
    public var modified: [String] = []

    public init(report: ProofReport, file: String, claims: ProofClaims, head: String? = nil, committed: Bool = false, modified: [String] = []) {
        self.report = report
        self.file = file
        self.claims = claims
        self.head = head
        self.committed = committed
        self.modified = modified
    }

    /// The proved model of that name (or unique id).
    func model(_ name: String) -> ModelProof? {
        report.models.first { $0.name == name || $0.uniqueID == name }
    }

    /// What changed in a model's data, in a few words (`858 rows, 1,000 in production; 172
    /// changed, 142 removed`).
    static func change(_ model: ModelProof) -> String {
        var parts: [String] = []
        if let production = model.production, let branch = model.branch, production.rows != branch.rows {
            parts.append("\(branch.rows) rows on the branch, \(production.rows) in production")
        }
        if let values = model.values {
            let counts = [("changed", values.changed), ("added", values.added), ("removed", values.removed)].filter { $0.1 > 0 }
            if !counts.isEmpty { parts.append(counts.map { "\($0.1) \($0.0)" }.joined(separator: ", ")) }
        }
        let schema = model.schemaChange
        if !schema.isEmpty {
            parts.append(
                "columns "
                    + [("added", schema.added.count), ("removed", schema.removed.count), ("retyped", schema.retyped.count)].filter { $0.1 > 0 }
                    .map { "\($0.1) \($0.0)" }.joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }
}

/// A rule over a proof and the sessions' claims.
public protocol ProveRule: Rule {
    static var examples: [ProveExample] { get }
    static func check(_ input: ProveRuleInput) -> [Finding]
}

/// An example for a proof rule.
public struct ProveExample: Sendable {
    public var triggers: Bool
    public var note: String
    public var line: ExpectedLine?
    public var input: ProveRuleInput

    public init(triggers: Bool, _ note: String, line: ExpectedLine? = nil, input: ProveRuleInput) {
        self.triggers = triggers
        self.note = note
        self.line = line
        self.input = input
    }

    /// A sample proof: `stg_orders` modified (142 rows filtered out, 172 amounts changed),
    /// `customer_orders` downstream (totals changed), `customers` downstream (the same data).
    static func sample(claims: ProofClaims = ProofClaims(), edit: (inout [ModelProof]) -> Void = { _ in }) -> ProveRuleInput {
        func compared(_ name: String, role: String, rows: (Int, Int), key: (Int, Int) = (0, 0), changed: Int, removed: Int) -> ModelProof {
            ModelProof(
                name: name, uniqueID: "model.shop.\(name)", resourceType: "model", role: role, distance: role == "modified" ? 0 : 1, status: .compared,
                production: .init(relation: "\"db\".\"prod\".\"\(name)\"", rows: rows.0), branch: .init(relation: "\"db\".\"dev\".\"\(name)\"", rows: rows.1),
                key: KeyCheck(
                    columns: ["id"], source: "unique and not_null tests on `id`", production: .init(duplicates: key.0, nulls: 0),
                    branch: .init(duplicates: key.1, nulls: 0)),
                values: ValueDiff(
                    columns: ["amount"], basis: "the columns the diff touches", added: 0, removed: removed, changed: changed,
                    unchanged: rows.1 - changed, byColumn: [.init(name: "amount", changed: changed)], examples: []))
        }
        var models = [
            compared("stg_orders", role: "modified", rows: (1000, 858), changed: 172, removed: 142),
            compared("customer_orders", role: "downstream", rows: (10, 10), changed: 10, removed: 0),
            compared("customers", role: "downstream", rows: (10, 10), changed: 0, removed: 0),
        ]
        edit(&models)
        let report = ProofReport(
            tool: "rationale test", generatedAt: "2026-12-01T00:00:00Z", base: nil, head: nil, state: "prod/manifest.json",
            manifest: "target/manifest.json", target: "dev", dbt: .init(executable: "dbt", version: "1.11.16", adapter: "duckdb", invocations: 1, seconds: 3),
            models: models)
        return ProveRuleInput(report: report, file: "proof.json", claims: claims)
    }
}

extension ProveRule {
    public static func exampleRuns() -> [RuleExampleRun] {
        examples.map { RuleExampleRun(triggers: $0.triggers, note: $0.note, line: $0.line, findings: check($0.input)) }
    }
}

import Foundation
import Lineage
import Sessions

/// The pull-request narrative as data: every section, drawn from the sessions in the range and
/// the lineage engine, never invented. `NarrativeRenderer` turns it into Markdown; `--format
/// json` prints it as it is.
public struct NarrativeDraft: Sendable, Encodable {
    /// A piece of a session's own text.
    public struct Quote: Sendable, Encodable, Hashable {
        /// The session folder name.
        public var session: String
        /// The text, as the author wrote it (comments and placeholders removed).
        public var text: String
    }

    /// A changed node.
    public struct Change: Sendable, Encodable, Hashable {
        public var name: String
        public var uniqueID: String
        public var type: String
        public var path: String
        public var layer: String
        public var materialized: String?
        /// `modified` or `deleted`.
        public var role: String
        /// Why it is in the answer, as `code: detail`.
        public var reasons: [String]
    }

    /// The changed nodes of one layer group.
    public struct LayerGroup: Sendable, Encodable, Hashable {
        /// `staging`, `intermediate`, `marts` or `other`.
        public var layer: String
        public var changes: [Change]
        /// How many were left out for length.
        public var more: Int
    }

    /// A node of the affected lineage.
    public struct LineageRow: Sendable, Encodable, Hashable {
        public var name: String
        public var uniqueID: String
        public var type: String
        public var layer: String
        /// `modified`, `deleted` or `downstream`.
        public var role: String
        /// Edges from the nearest modified node.
        public var distance: Int
        /// Parents among the rows shown (for the graph).
        public var parents: [String]
    }

    /// An exclusion with its reason.
    public struct Exclusion: Sendable, Encodable, Hashable {
        public var names: [String]
        public var reason: String
        public var session: String
    }

    /// Test results of one model.
    public struct ModelProof: Sendable, Encodable, Hashable {
        public var name: String
        public var role: String
        public var tests: Int
        public var passed: Int
        public var failed: Int
        public var warned: Int
        public var skipped: Int
        /// Tests attached to the model but absent from the run results.
        public var notRun: Int
        /// The model's own build status in the run results, if there.
        public var buildStatus: String?
    }

    /// Where the draft came from.
    public var base: String
    public var head: String
    public var sessions: [String]
    /// A title from the sessions (or the changed models).
    public var title: String
    public var summary: [Quote]
    public var problems: [Quote]
    public var reasoning: [Quote]
    public var changes: [LayerGroup]
    public var lineage: [LineageRow]
    /// Downstream nodes left out of `lineage` for length.
    public var lineageMore: Int
    public var exposures: [String]
    public var excludedScope: [Quote]
    public var exclusions: [Exclusion]
    /// Downstream nodes no session discusses (reached but not changed, reason unknown).
    public var undiscussedDownstream: [String]
    public var undiscussedMore: Int
    public var deferredLoops: [String]
    public var proof: [ModelProof]
    /// Tested models left out of `proof` for length (none of them failed).
    public var proofMore: Int
    /// The sessions' own validation notes (a `Validation` or `Proof of correctness` section).
    public var validation: [Quote]
    /// Affected models with no test at all.
    public var untested: [String]
    /// Where test results came from, if anywhere.
    public var runResults: String?
    /// The `dbt build --select …` argument that re-checks the change.
    public var selector: String
    public var risks: [Risk]
    public var openLoops: [String]
    /// Loops answered during the work (clarified or closed) whose answer says how something was
    /// checked: evidence, shown under *Proof of correctness*.
    public var evidenceLoops: [String] = []
    /// The other answered loops: decisions, shown under *Problem & reasoning*.
    public var answeredLoops: [String] = []
    /// The checkpoints of `.rationale.yml` that apply, one requirement each: met or not, and by
    /// what (the gate decides; the draft shows where things stand).
    public var checkpoints: [CheckpointLine] = []
    /// The proof from data (`narrate --proof`), with what it says against the sessions.
    public var dataProof: DataProof?
    /// What `rationale context` left out of the agent's pack for its budget (the tool's, not the
    /// author's decision).
    public var packLeftOut: [String] = []
    /// What only the author can write, left as `rationale:todo` placeholders.
    public var todos: [String]
    /// Notes on the limits of the answer (from impact).
    public var notes: [String]
    /// The sessions' attempts (ATTEMPTS.md), failures included, in the order they were tried.
    public var attempts: [AttemptRow] = []
    /// What medium-confidence decisions and loops assume, shown under the reasoning.
    public var assumptions: [Assumption] = []
}

/// How long the narrative may grow: a reviewer reads it in two minutes.
public struct NarrativeLimits: Sendable {
    public var changesPerLayer = 12
    public var lineageRows = 25
    public var proofRows = 20
    public var undiscussed = 12
    public init() {}
}

/// Builds the draft from the sessions in the range, the impact reports and dbt's run results.
public enum NarrativeBuilder {
    /// The inputs.
    public struct Input: Sendable {
        public var base: String
        public var head: String
        /// Impact reports of the range, with tests (`withTests`).
        public var reports: [ImpactReport]
        /// Sessions added or changed in the range, as they are at the head.
        public var sessions: [SessionInput]
        public var runResults: RunResults?
        /// The run results' file, for the narrative to name.
        public var runResultsFile: String?
        public var limits: NarrativeLimits
        /// For a session whose problem statement was revised after `session start` recorded it:
        /// the statement as first given, found in the range's history (session name → text).
        public var firstProblems: [String: String] = [:]

        public init(
            base: String, head: String, reports: [ImpactReport], sessions: [SessionInput],
            runResults: RunResults? = nil, runResultsFile: String? = nil, limits: NarrativeLimits = NarrativeLimits()
        ) {
            self.base = base
            self.head = head
            self.reports = reports
            self.sessions = sessions
            self.runResults = runResults
            self.runResultsFile = runResultsFile
            self.limits = limits
        }
    }

    /// The layer groups, in the order data flows.
    public static let layerOrder = ["staging", "intermediate", "marts", "other"]

    public static func build(_ input: Input) -> NarrativeDraft {
        let sessions = input.sessions.sorted { ($0.metadata?.started ?? $0.name, $0.name) < ($1.metadata?.started ?? $1.name, $1.name) }
        func quotes(_ title: String) -> [NarrativeDraft.Quote] {
            sessions.compactMap { session in
                guard let text = sectionText(session, title), !text.isEmpty else { return nil }
                return NarrativeDraft.Quote(session: session.name, text: text)
            }
        }
        var todos: [String] = []
        let summary = quotes("What was done")
        // A statement revised after the work began shows beside the first one.
        let problems = quotes("Problem, in my words").map { quote -> NarrativeDraft.Quote in
            guard let session = sessions.first(where: { $0.name == quote.session }), ProblemRecord.revised(session) == true else { return quote }
            var revised = quote
            if let first = input.firstProblems[quote.session] {
                revised.text = "**As first stated:** \(first)\n\n**Revised after the work began:** \(quote.text)"
            } else {
                revised.text =
                    quote.text
                    + "\n\n_Revised after the work began: the statement `session start` recorded is not in this branch's history._"
            }
            return revised
        }
        let reasoning = quotes("Reasoning")
        if summary.isEmpty { todos.append("what this pull request does, in two sentences") }
        if problems.isEmpty { todos.append("the problem this change solves, in your words") }
        if reasoning.isEmpty { todos.append("why this change, and why this way") }
        let debugging = sessions.contains { ["test-failure", "pipeline-debugging"].contains($0.metadata?.kind ?? "") }
        if debugging && quotes("Root cause").isEmpty && !reasoning.contains(where: { $0.text.lowercased().contains("root cause") }) {
            todos.append("the root cause: what was wrong, where, since when")
        }

        // Nodes.
        var modified: [ImpactedNode] = []
        var downstream: [ImpactedNode] = []
        var tests: [AttachedTest] = []
        var selectors: [String] = []
        var notes: [String] = []
        for report in input.reports {
            modified += report.nodes.filter { $0.role == .modified || $0.role == .deleted }
            downstream += report.nodes.filter { $0.role == .downstream }
            tests += report.tests
            if !report.selector.isEmpty { selectors.append(report.selector) }
            notes += report.notes.map(\.message)
        }
        let changes = layerGroups(modified, limit: input.limits.changesPerLayer)

        // Lineage rows: modified first, then downstream nearest first, bounded.
        let shownDownstream = Array(downstream.sorted { ($0.distance, $0.node.uniqueID) < ($1.distance, $1.node.uniqueID) }.prefix(input.limits.lineageRows))
        let shown = modified + shownDownstream
        let shownIDs = Set(shown.map(\.node.uniqueID))
        let lineage = shown.map { item in
            NarrativeDraft.LineageRow(
                name: item.node.versionedName, uniqueID: item.node.uniqueID, type: item.node.resourceType.rawValue,
                layer: item.node.layer, role: item.role.rawValue, distance: item.distance,
                parents: item.node.parents.filter { shownIDs.contains($0) }.sorted())
        }
        let exposures = (modified + downstream).filter { $0.node.resourceType == .exposure }.map { $0.node.versionedName }.sorted()

        // Excluded scope: the sessions' words, their exclusions, downstream nobody discussed.
        var exclusions: [NarrativeDraft.Exclusion] = []
        // What the agent's context pack left out for its budget: the tool's, said apart.
        var packLeftOut = Set<String>()
        var discussed = Set<String>()
        for session in sessions {
            for decision in session.decisions.decisions {
                if !decision.byTool { discussed.formUnion(decision.names) }
                // A context pack's bookkeeping (tests collapsed to names, dbt's own macros) is no
                // scope decision a reviewer needs.
                let names = decision.names.filter { !$0.hasPrefix("tests of ") && !$0.hasPrefix("macro.") }
                if decision.verdict == .excluded, !names.isEmpty {
                    if decision.byTool {
                        packLeftOut.formUnion(names)
                    } else {
                        exclusions.append(.init(names: names, reason: decision.reason, session: session.name))
                    }
                }
            }
        }
        let undiscussed = downstream.filter { item in
            item.node.resourceType != .test && discussed.isDisjoint(with: ModifiedNode(item.node).aliases)
        }.sorted { ($0.distance, $0.node.uniqueID) < ($1.distance, $1.node.uniqueID) }.map { $0.node.versionedName }

        // Loops: the open ones stay open; the answered ones (clarified, closed) come with their
        // answer — as evidence when the answer says how something was checked.
        var open: [String] = []
        var evidenceLoops: [String] = []
        var answeredLoops: [String] = []
        for session in sessions {
            for loop in session.loops?.loops ?? [] {
                switch loop.status {
                case .proposed: continue
                case .approved, .open, .exported:
                    open.append(loop.line.hasPrefix("- ") ? String(loop.line.dropFirst(2)) : loop.line)
                case .clarified, .closed:
                    let answer = loop["note"] ?? ""
                    let line = "\(loop.id) \(loop.text) — " + (answer.isEmpty ? "closed without a note" : answer)
                    if Self.isEvidence(loop.text + " " + answer) { evidenceLoops.append(line) } else { answeredLoops.append(line) }
                }
            }
        }

        // Proof of correctness.
        let (allProof, untested) = proofRows(modified: modified, downstream: downstream, tests: tests, results: input.runResults)
        // Failures and the changed models first; the rest only as a count when there are many.
        let ranked = allProof.enumerated().sorted { a, b in
            let left = (a.element.failed + a.element.warned > 0 || a.element.buildStatus == "error" ? 0 : 1, a.element.role == "modified" ? 0 : 1, a.offset)
            let right = (b.element.failed + b.element.warned > 0 || b.element.buildStatus == "error" ? 0 : 1, b.element.role == "modified" ? 0 : 1, b.offset)
            return left < right
        }.map(\.element)
        let proof = Array(ranked.prefix(input.limits.proofRows))
        let validation = quotes("Validation") + quotes("Proof of correctness")
        if validation.isEmpty {
            todos.append("how you checked the data: row counts, key uniqueness, a diff against production")
        }

        let title: String
        if let first = sessions.compactMap({ $0.metadata?.title }).first {
            title = sessions.count > 1 ? "\(first) (+\(sessions.count - 1) more session\(sessions.count > 2 ? "s" : ""))" : first
        } else {
            let names = modified.prefix(3).map { $0.node.versionedName }
            title = names.isEmpty ? "dbt change" : "Change to " + names.joined(separator: ", ") + (modified.count > 3 ? " and \(modified.count - 3) more" : "")
        }

        return NarrativeDraft(
            base: input.base, head: input.head, sessions: sessions.map(\.name), title: title,
            summary: summary, problems: problems, reasoning: reasoning, changes: changes,
            lineage: lineage, lineageMore: downstream.count - shownDownstream.count, exposures: exposures,
            excludedScope: quotes("Excluded scope"), exclusions: exclusions,
            undiscussedDownstream: Array(undiscussed.prefix(input.limits.undiscussed)),
            undiscussedMore: max(0, undiscussed.count - input.limits.undiscussed),
            deferredLoops: open, proof: proof, proofMore: ranked.count - proof.count, validation: validation,
            untested: untested,
            runResults: input.runResults == nil ? nil : (input.runResultsFile ?? "run_results.json"),
            selector: selectors.joined(separator: " "), risks: risks(modified: modified, downstream: downstream),
            openLoops: open, evidenceLoops: evidenceLoops, answeredLoops: answeredLoops, packLeftOut: packLeftOut.sorted(), todos: todos,
            notes: Array(Set(notes)).sorted(), attempts: attempts(sessions), assumptions: assumptions(sessions))
    }

    /// Whether a loop's question and answer say how something was checked (row counts, totals
    /// matching a source, a test passing): words of verification, not of decision.
    static func isEvidence(_ text: String) -> Bool {
        let words = text.lowercased()
        return ["match", "checked", "verified", "compared", "reconcil", "tie out", "ties out", "row count", "same as", "equal", "passes", "passed", "tested"]
            .contains { words.contains($0) }
    }

    static func layerGroup(_ layer: String) -> String {
        switch layer.lowercased() {
        case "staging", "stg", "base": return "staging"
        case "intermediate", "int": return "intermediate"
        case "marts", "mart", "core", "reporting": return "marts"
        default: return "other"
        }
    }

    static func layerGroups(_ nodes: [ImpactedNode], limit: Int) -> [NarrativeDraft.LayerGroup] {
        var groups: [String: [NarrativeDraft.Change]] = [:]
        for item in nodes {
            let node = item.node
            let change = NarrativeDraft.Change(
                name: node.versionedName, uniqueID: node.uniqueID, type: node.resourceType.rawValue, path: node.path,
                layer: node.layer, materialized: node.resourceType == .model ? node.materialized : nil, role: item.role.rawValue,
                reasons: item.reasons.map { $0.detail.isEmpty ? $0.code : "\($0.code): \($0.detail)" })
            groups[layerGroup(node.layer), default: []].append(change)
        }
        return layerOrder.compactMap { layer in
            guard let changes = groups[layer]?.sorted(by: { $0.uniqueID < $1.uniqueID }) else { return nil }
            return NarrativeDraft.LayerGroup(layer: layer, changes: Array(changes.prefix(limit)), more: max(0, changes.count - limit))
        }
    }

    static func proofRows(
        modified: [ImpactedNode], downstream: [ImpactedNode], tests: [AttachedTest],
        results: RunResults?
    ) -> ([NarrativeDraft.ModelProof], [String]) {
        var byTestName: [String: String] = [:]
        var byID: [String: String] = [:]
        for result in results?.results ?? [] {
            if let name = RunResults.testName(result.uniqueID) { byTestName[name] = result.status }
            byID[result.uniqueID] = result.status
        }
        let testsByNode = Dictionary(grouping: tests, by: \.attachedTo)
        var rows: [NarrativeDraft.ModelProof] = []
        var untested: [String] = []
        for item in modified + downstream where item.role != .deleted && [.model, .snapshot, .seed].contains(item.node.resourceType) {
            let attached = testsByNode[item.node.uniqueID] ?? item.node.tests
            if attached.isEmpty { untested.append(item.node.versionedName) }
            var row = NarrativeDraft.ModelProof(
                name: item.node.versionedName, role: item.role.rawValue, tests: attached.count,
                passed: 0, failed: 0, warned: 0, skipped: 0, notRun: 0, buildStatus: byID[item.node.uniqueID])
            for test in attached {
                switch byTestName[test.name] {
                case "pass", "success": row.passed += 1
                case "fail", "error": row.failed += 1
                case "warn": row.warned += 1
                case "skipped": row.skipped += 1
                default: row.notRun += 1
                }
            }
            // Models without tests and without results add nothing but length: keep the list to what was tested or run.
            if row.tests > 0 || row.buildStatus != nil || item.role == .modified { rows.append(row) }
        }
        return (rows, untested)
    }

}

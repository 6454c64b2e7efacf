import Diagnostics
import Foundation
import Narrative
import Proof
import Sessions

/// A checkpoint of `.rationale.yml`: for changes to some paths or of some kinds, the artifacts and
/// criteria a pull request must show (tests passed, a backfill plan, a proof file, owners told).
public struct Checkpoint: Sendable, Equatable {
    /// One thing the pull request must show.
    public enum Requirement: Sendable, Equatable {
        /// A section, present and filled, in the description or a session's SUMMARY.md.
        case section(String)
        /// Every test of the modified nodes that dbt ran passed (`gate --run-results`).
        case testsPass
        /// A file the pull request changes matches this glob (a proof, a decision record).
        case file(String)
        /// A ticked box `- [x] TEXT` in the description or a session.
        case checked(String)
        /// A proof from data (`rationale prove`) of every model the change modifies (`gate --proof`).
        case proof

        /// How the checklist names it.
        public var label: String {
            switch self {
            case .section(let title): return "section `\(title)`"
            case .testsPass: return "tests pass"
            case .file(let glob): return "a file matching `\(glob)`"
            case .checked(let text): return "“\(text)” ticked"
            case .proof: return "a proof from data"
            }
        }
    }

    /// Its name.
    public var name: String
    /// Globs of changed paths that make it apply.
    public var paths: [String]
    /// Kinds of change that make it apply (`new`, `incremental`, `exposure`, a layer, …: the keys
    /// of ``StepRequirements``).
    public var changes: [String]
    /// What it requires.
    public var requirements: [Requirement]

    /// Creates a checkpoint.
    public init(name: String, paths: [String] = [], changes: [String] = [], requirements: [Requirement]) {
        self.name = name
        self.paths = paths
        self.changes = changes
        self.requirements = requirements
    }

    /// Why it applies to a change, or nil when it does not: without `paths` and `changes` it
    /// applies to every change that modifies a node.
    public func trigger(paths changed: [String], modified: [ModifiedNode]) -> String? {
        if paths.isEmpty && changes.isEmpty { return modified.isEmpty ? nil : "every change to a model" }
        for glob in paths.map(PathGlob.init) {
            if let path = changed.first(where: glob.matches) { return "\(path) matches `\(glob.pattern)`" }
        }
        for node in modified {
            if let kind = StepRequirements.keys(of: node).first(where: changes.contains) { return "`\(node.name)` is \(kind)" }
        }
        return nil
    }
}

/// What the checkpoints look at.
public struct CheckpointInput: Sendable {
    public var checkpoints: [Checkpoint]
    public var modified: [ModifiedNode]
    /// Every file the pull request changes.
    public var paths: [String]
    /// The pull request description, when known (the gate); nil while drafting it.
    public var body: String?
    /// The sessions of the range.
    public var sessions: [SessionInput]
    /// dbt's run results, when given.
    public var proof: ProofInput?
    /// `rationale prove`'s proof and how the user named its file, when given.
    public var dataProof: ProofReport?
    public var dataProofFile = "proof.json"

    /// Creates an input.
    public init(
        checkpoints: [Checkpoint], modified: [ModifiedNode], paths: [String], body: String?, sessions: [SessionInput], proof: ProofInput?,
        dataProof: (report: ProofReport, file: String)? = nil
    ) {
        self.checkpoints = checkpoints
        self.modified = modified
        self.paths = paths
        self.body = body
        self.sessions = sessions
        self.proof = proof
        self.dataProof = dataProof?.report
        self.dataProofFile = dataProof?.file ?? "proof.json"
    }

    /// One requirement, and what satisfied it or what is missing.
    public struct Item: Sendable {
        public var requirement: Checkpoint.Requirement
        /// What satisfied it, or nil.
        public var metBy: String?
        /// What to do when it is not met.
        public var missing: String
    }

    /// Each checkpoint that applies, why, and its items.
    public func evaluate() -> [(checkpoint: Checkpoint, trigger: String, items: [Item])] {
        checkpoints.compactMap { checkpoint in
            guard let trigger = checkpoint.trigger(paths: paths, modified: modified) else { return nil }
            return (checkpoint, trigger, checkpoint.requirements.map(item))
        }
    }

    func item(_ requirement: Checkpoint.Requirement) -> Item {
        switch requirement {
        case .section(let title):
            if let body, let section = MarkdownDocument(body).section(title), !section.isEmpty {
                return Item(requirement: requirement, metBy: "in the description", missing: "")
            }
            for session in sessions {
                if let text = session.files[SessionInput.File.summary], let section = MarkdownDocument(text).section(title), !section.isEmpty {
                    return Item(requirement: requirement, metBy: "in \(session.path(SessionInput.File.summary))", missing: "")
                }
            }
            return Item(
                requirement: requirement, metBy: nil,
                missing: "add a filled `## \(title)` section to the pull request description or the session's SUMMARY.md")
        case .testsPass:
            guard let proof else {
                return Item(
                    requirement: requirement, metBy: nil,
                    missing: "no run results: run `dbt build` in the job and pass its run_results.json with `gate --run-results`")
            }
            let ids = Set(proof.modified.map(\.uniqueID))
            let results = proof.results.results.filter { result in
                ProofInput.testName(result.uniqueID).flatMap { proof.tests[$0] }.map(ids.contains) ?? false
            }
            let failed = results.filter { !["pass", "success"].contains($0.status) }
            if results.isEmpty {
                return Item(requirement: requirement, metBy: nil, missing: "no test of the modified models ran in \(proof.file): add tests or select them")
            }
            if !failed.isEmpty {
                let names = failed.prefix(3).compactMap { ProofInput.testName($0.uniqueID) }.map { "`\($0)`" }.joined(separator: ", ")
                return Item(requirement: requirement, metBy: nil, missing: "\(failed.count) of \(results.count) failed in \(proof.file): \(names)")
            }
            return Item(
                requirement: requirement, metBy: "\(results.count) test\(results.count == 1 ? "" : "s") of the modified models passed in \(proof.file)",
                missing: "")
        case .proof:
            return proofItem()
        case .file(let glob):
            let pattern = PathGlob(glob)
            if let path = paths.first(where: pattern.matches) { return Item(requirement: requirement, metBy: "`\(path)`", missing: "") }
            return Item(requirement: requirement, metBy: nil, missing: "commit a file matching `\(glob)` (a proof, a plan) in this pull request")
        case .checked(let text):
            let wanted = Substance.normalised(text)
            func ticked(_ document: String) -> Bool {
                document.split(whereSeparator: \.isNewline).contains { line in
                    let trimmed = line.trimmingCharacters(in: .whitespaces).lowercased()
                    guard trimmed.hasPrefix("- [x]") || trimmed.hasPrefix("* [x]") else { return false }
                    return Substance.normalised(trimmed.dropFirst(5)).contains(wanted)
                }
            }
            if let body, ticked(body) { return Item(requirement: requirement, metBy: "ticked in the description", missing: "") }
            for session in sessions where session.files[SessionInput.File.summary].map(ticked) == true {
                return Item(requirement: requirement, metBy: "ticked in \(session.path(SessionInput.File.summary))", missing: "")
            }
            return Item(
                requirement: requirement, metBy: nil,
                missing: "tick `- [x] \(text)` in the pull request description once it is true")
        }
    }
}

extension CheckpointInput {
    /// `proof: required`: a proof that proves every model, seed and snapshot the change modifies.
    func proofItem() -> Item {
        guard let report = dataProof else {
            return Item(
                requirement: .proof, metBy: nil,
                missing:
                    "no proof from data: after the branch's dbt build, run `rationale prove --state <production artifacts> --format json --output proof.json` in the job and pass it with `gate --proof proof.json`"
            )
        }
        let proved = Set(report.models.filter { $0.status == .compared || $0.status == .new }.map(\.uniqueID))
        let missing = modified.filter { ["model", "seed", "snapshot"].contains($0.resourceType) && !$0.deleted && !proved.contains($0.uniqueID) }
        if !missing.isEmpty {
            return Item(
                requirement: .proof, metBy: nil,
                missing:
                    "\(dataProofFile) does not prove \(missing.prefix(5).map { "`\($0.name)`" }.joined(separator: ", ")): build \(missing.count == 1 ? "it" : "them") on the branch and prove again"
            )
        }
        let changed = report.models.filter { $0.dataChanged == true }.count
        return Item(
            requirement: .proof,
            metBy: "\(report.models.count) model\(report.models.count == 1 ? "" : "s") proved in \(dataProofFile), \(changed) with changed data", missing: "")
    }
}

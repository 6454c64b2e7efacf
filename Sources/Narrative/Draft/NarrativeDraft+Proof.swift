import Diagnostics
import Foundation
import Proof

extension NarrativeDraft {
    /// One requirement of a checkpoint, as the narrative's checklist shows it.
    public struct CheckpointLine: Sendable, Encodable, Hashable {
        public var checkpoint: String
        public var requirement: String
        public var met: Bool
        /// What satisfied it, or what is missing.
        public var detail: String

        public init(checkpoint: String, requirement: String, met: Bool, detail: String) {
            self.checkpoint = checkpoint
            self.requirement = requirement
            self.met = met
            self.detail = detail
        }
    }

    /// A proof from data (`rationale prove`'s proof.json) under *Proof of correctness*.
    public struct DataProof: Sendable, Encodable {
        /// How the user named the file.
        public var file: String
        public var report: ProofReport
        /// The proof rules over it and the sessions of the range.
        public var findings: [Finding]
        /// Why the proof may not be of this change (another head commit), if it may not.
        public var stale: String?

        public init(file: String, report: ProofReport, findings: [Finding], stale: String? = nil) {
            self.file = file
            self.report = report
            self.findings = findings
            self.stale = stale
        }
    }
}

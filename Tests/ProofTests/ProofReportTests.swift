import Diagnostics
import Foundation
import Testing

@testable import Proof

@Suite("proof.json")
struct ProofReportTests {
    static let report = ProveExample.sample().report

    @Test func roundTripsAndCarriesDerivedFields() throws {
        var report = Self.report
        report.findings = [Finding(severity: .error, location: .init(file: "S.md", line: 3), ruleID: "excluded_data_changed", message: "m")]
        let text = report.encoded()
        #expect(text.contains("\"schema\" : \"rationale.proof/1\"") || text.contains("\"schema\":\"rationale.proof/1\""))
        #expect(text.contains("row_change") && text.contains("data_changed") && text.contains("unique_id"))
        let back = try ProofReport.decode(Data(text.utf8), file: "proof.json")
        #expect(back == report)
    }

    @Test func whatIsNotAProofIsNamed() {
        #expect(throws: ProofError.notAProof(file: "p.json", reason: "not a JSON object")) { try ProofReport.decode(Data("[1]".utf8), file: "p.json") }
        #expect(throws: ProofError.notAProof(file: "p.json", reason: "no `schema` key")) { try ProofReport.decode(Data("{}".utf8), file: "p.json") }
        #expect(throws: ProofError.unsupportedProof(file: "p.json", schema: "rationale.proof/9")) {
            try ProofReport.decode(Data(#"{"schema": "rationale.proof/9"}"#.utf8), file: "p.json")
        }
        #expect(throws: ProofError.notAProof(file: "p.json", reason: "`tool` is missing")) {
            try ProofReport.decode(Data(#"{"schema": "rationale.proof/1"}"#.utf8), file: "p.json")
        }
    }
}

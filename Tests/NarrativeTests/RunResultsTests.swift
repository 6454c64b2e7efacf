import Foundation
import Testing
@testable import Narrative

@Suite("dbt's run_results.json, read frugally and within a bound")
struct RunResultsTests {
    @Test func onlyTheFieldsTheNarrativeUsesAreDecodedWhateverSurroundsThem() throws {
        let json = """
            {"metadata": {"dbt_version": "1.11.0", "generated_at": "2026-11-21T10:00:00Z", "env": {}},
             "results": [
              {"status": "success", "timing": [{"name": "compile"}], "compiled_code": "select '}]\\\\ \\" ,[{' as \\"x\\"",
               "unique_id": "model.shop.orders", "failures": null, "adapter_response": {"rows": [1, 2, {"a": "]"}]}},
              {"unique_id": "test.shop.not_null_orders_id.5e4d3c2b1a", "status": "fail", "failures": 3},
              {"unique_id": "test.shop.odd\\u00e9", "status": 7},
              {"status": "success"},
              "not an object"
             ],
             "elapsed_time": 1.5, "args": {"select": ["orders+"]}}
            """
        let results = try RunResults(json: Data(json.utf8), file: "run_results.json")
        #expect(results.generatedAt == "2026-11-21T10:00:00Z")
        #expect(
            results.results == [
                .init(uniqueID: "model.shop.orders", status: "success", failures: nil),
                .init(uniqueID: "test.shop.not_null_orders_id.5e4d3c2b1a", status: "fail", failures: 3),
                .init(uniqueID: "test.shop.oddé", status: "unknown", failures: nil),
            ])
    }

    @Test(arguments: [
        ("{\"results\": [", "run_results.json is not a dbt run_results.json (at byte 13: expected a value)"),
        ("[]", "run_results.json has no `results` list"),
        ("{\"metadata\": {}}", "run_results.json has no `results` list"),
        ("{\"results\": []} trailing", "run_results.json is not a dbt run_results.json (at byte 16: expected the end of the file)"),
    ])
    func whatIsNotRunResultsIsNamed(json: String, message: String) {
        #expect {
            try RunResults(json: Data(json.utf8), file: "run_results.json")
        } throws: { error in
            ((error as? LocalizedError)?.errorDescription ?? "").hasPrefix(message)
        }
    }

    @Test func aFileOverTheLimitIsRefusedBeforeItIsRead() throws {
        let path = NSTemporaryDirectory() + "rationale-run-results-\(UUID().uuidString).json"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Sparse: the size is there, the bytes never are.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(RunResults.maxFileBytes + 1))
        try handle.close()
        #expect(throws: RunResults.ReadError.tooLarge(file: "target/run_results.json", bytes: RunResults.maxFileBytes + 1, limit: RunResults.maxFileBytes)) {
            try RunResults(path: path, file: "target/run_results.json")
        }
    }
}

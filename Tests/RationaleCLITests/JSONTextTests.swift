import Foundation
import Testing
@testable import RationaleCLI

@Suite("JSON writer")
struct JSONTextTests {
    @Test func writesWhatAJSONParserReadsBack() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{7} unicode é 🙂 slash /"
        let value = JSONText.object([
            "b": .array([.int(-3), .bool(true), .null, .string(tricky)]),
            "a": .object([:]),
            "c": .array([]),
        ])
        let text = JSONText.render(value)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let list = try #require(parsed["b"] as? [Any])
        #expect(list.count == 4)
        #expect(list[3] as? String == tricky)
        #expect((parsed["a"] as? [String: Any])?.isEmpty == true)
        #expect(text.hasPrefix("{\n  \"a\": {},\n  \"b\": [\n"), "keys are sorted, two-space indented")
    }
}

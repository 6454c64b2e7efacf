import Foundation
import Diagnostics
import Testing
@testable import Narrative

@Suite("Workflow commands: ours escaped, anyone else's inert")
struct WorkflowOutputTests {
    @Test(arguments: [
        ("::add-mask::hunter2", "%3A:add-mask::hunter2"),
        ("  \t::warning::fake", "  \t%3A:warning::fake"),
        ("\u{A0}::stop-commands::x", "\u{A0}%3A:stop-commands::x"),
        ("ok\n::error::x\r::notice::y\r\n::debug::z", "ok\n%3A:error::x\r%3A:notice::y\r\n%3A:debug::z"),
        ("a ##[add-mask]hunter2 b", "a ##\\u005Badd-mask]hunter2 b"),
        ("path: a::b is fine mid-line", "path: a::b is fine mid-line"),
        ("", ""),
    ])
    func linesThatWouldBeCommandsAreMadeInert(input: String, expected: String) {
        #expect(WorkflowOutput.inert(input) == expected)
    }

    @Test func theJSONEscapeKeepsAStringsValue() throws {
        let json = #"{"name" : "x ##[add-mask]y"}"#
        let inert = WorkflowOutput.inert(json)
        #expect(!inert.contains("##["))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(inert.utf8)) as? [String: String])
        #expect(object["name"] == "x ##[add-mask]y")
    }

    @Test func oneLineValuesEscapeTheirBreaksAsTheRunnerDoes() {
        #expect(ConsoleText.oneLine("a\n::add-mask::b\r100%") == "a%0A::add-mask::b%0D100%25")
        #expect(ConsoleText.oneLine("no break, 100%") == "no break, 100%")
        let finding = Finding(severity: .error, location: .init(file: "x\n::warning::y.sql", line: 3), ruleID: "r", message: "m\nn")
        #expect(finding.textLine == "x%0A::warning::y.sql:3: error: m%0An [r]")
    }

    @Test func annotationsEscapeEveryValue() {
        let line = WorkflowOutput.annotation("error", file: "a,b:c\nd", line: 2, title: "t", message: "m\n::add-mask::x")
        #expect(line == "::error file=a%2Cb%3Ac%0Ad,line=2,title=t::m%0A::add-mask::x")
        #expect(!line.contains("\n"))
    }
}

@Suite("Text made safe for a terminal")
struct ConsoleTextTests {
    @Test(arguments: [
        ("plain text, tabs\tand\nlines", "plain text, tabs\tand\nlines"),
        ("crlf\r\nkept", "crlf\r\nkept"),
        ("a lone \r overwrites", "a lone \\x0D overwrites"),
        ("\u{1B}[31mred\u{1B}[0m", "\\x1B[31mred\\x1B[0m"),
        ("bell\u{07} del\u{7F} csi\u{9B}", "bell\\x07 del\\x7F csi\\x9B"),
        ("\u{202E}txt.exe", "\\u{202E}txt.exe"),
        ("café 👩🏽‍💻", "café 👩🏽‍💻"),
    ])
    func controlCharactersAreWrittenVisibly(input: String, expected: String) {
        #expect(ConsoleText.printable(input) == expected)
    }

    @Test func secretsAreRedactedButShortOnesAreNot() {
        #expect(ConsoleText.redacting(["ghs_abc123", "x"], in: "token ghs_abc123 in x") == "token *** in x")
    }
}

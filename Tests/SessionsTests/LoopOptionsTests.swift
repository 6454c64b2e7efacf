import Sessions
import Testing

struct LoopOptionsTests {
    @Test func optionsAreStoredOnOneLineAndChosenByLabel() throws {
        let value = try Loop.optionsValue(["A: hourly; costs 24 runs a day", "b: daily [a day late]\nfine for finance"])
        #expect(value == "A: hourly, costs 24 runs a day; b: daily (a day late) fine for finance")
        var loop = Loop(number: 4, status: .approved, text: "How fresh must revenue be?")
        loop.set(Loop.optionsKey, value)
        guard case .loop(let read) = Loop.parse(loop.line) else {
            Issue.record("not read")
            return
        }
        #expect(read.options.map(\.label) == ["A", "b"])
        #expect(read.option("B")?.text == "daily (a day late) fine for finance")
        #expect(read.option("C") == nil)
        for bad in [["A: only one"], ["A: x", "no label here"], ["A: x", "a: y"], ["A: x", "B:"], ["A: x", "two words: y"]] {
            #expect(throws: SessionError.self, "\(bad)") { try Loop.optionsValue(bad) }
        }
    }
}

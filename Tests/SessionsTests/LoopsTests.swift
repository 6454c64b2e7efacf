import Sessions
import Testing

struct LoopsTests {
    @Test func parsesTheLineFormat() throws {
        guard case .loop(let loop) = Loop.parse("- L-12 (proposed) Does orders need a full refresh? [model: orders] [by: claude]") else {
            Issue.record("not parsed"); return
        }
        #expect(loop.number == 12)
        #expect(loop.status == .proposed)
        #expect(loop.text == "Does orders need a full refresh?")
        #expect(loop["model"] == "orders")
        #expect(loop["by"] == "claude")
        #expect(loop.line == "- L-12 (proposed) Does orders need a full refresh? [model: orders] [by: claude]")
        #expect(Loop.parse("* **L-3** (Closed) done [note: yes]") == .loop(Loop(number: 3, status: .closed, text: "done", attributes: [("note", "yes")])))
        #expect(Loop.parse("- Lunch") == .notALoop)
        #expect(Loop.parse("text L-3") == .notALoop)
        if case .malformed(let message) = Loop.parse("- L-4 (someday) x") {
            #expect(message.contains("proposed, approved, open, exported, clarified, closed"))
        } else {
            Issue.record("an unknown status must be malformed")
        }
        #expect(Loop.parse("- L-x (open) y") != .notALoop)
        // Brackets inside the text stay text.
        guard case .loop(let bracketed) = Loop.parse("- L-5 (open) Is [orders] the right grain?") else { Issue.record("not parsed"); return }
        #expect(bracketed.text == "Is [orders] the right grain?")
    }

    @Test func manyLoopsChangeInOnePassAndAnUnknownIdChangesNothing() throws {
        let text = "# Loops\n\n## Loops\n" + (1...4_000).map { "- L-\($0) (approved) Question \($0)? [model: m\($0 % 7)]" }.joined(separator: "\n") + "\n"
        var document = LoopsDocument(text)
        let ids = (1...4_000).map { "L-\($0)" }
        let changed = try document.update(ids, file: "LOOPS.md") { $0.status = .exported }
        #expect(changed.count == 4_000)
        #expect(document.loops.allSatisfy { $0.status == .exported })
        #expect(document.text == text.replacingOccurrences(of: "(approved)", with: "(exported)"))

        var untouched = LoopsDocument(text)
        #expect(throws: SessionError.self) { try untouched.update(["L-1", "L-99999"], file: "LOOPS.md") { $0.status = .closed } }
        #expect(untouched.text == text)
    }

    @Test func editsKeepEveryOtherLineAsItWas() throws {
        let original = """
            # Loops

            <!-- why: example
            - L-99 (proposed) not a loop, an example -->
            ## Loops
            - L-1 (approved) First [approved-by: Ada]
              more about the first loop
            - L-2 (proposed) Second

            ## Notes
            keep me
            """
        var document = LoopsDocument(original)
        #expect(document.loops.map(\.id) == ["L-1", "L-2"])
        #expect(document.highestNumber == 2)
        try document.update("l-2", file: "LOOPS.md") {
            $0.status = .approved; $0.set("approved-by", "Ada")
        }
        document.append(Loop(number: 3, status: .proposed, text: "Third", attributes: [("by", "agent")]))
        let expected = """
            # Loops

            <!-- why: example
            - L-99 (proposed) not a loop, an example -->
            ## Loops
            - L-1 (approved) First [approved-by: Ada]
              more about the first loop
            - L-2 (approved) Second [approved-by: Ada]
            - L-3 (proposed) Third [by: agent]

            ## Notes
            keep me
            """
        #expect(document.text == expected)
        #expect(throws: SessionError.self) { try document.update("L-7", file: "LOOPS.md") { _ in } }
    }

    @Test func appendsUnderAnEmptyLoopsSectionAndCreatesOneWhenMissing() {
        var empty = LoopsDocument("# Loops\n\n## Loops\n<!-- none yet -->\n\n## Other\n")
        empty.append(Loop(number: 1, status: .proposed, text: "Q"))
        #expect(empty.text == "# Loops\n\n## Loops\n<!-- none yet -->\n- L-1 (proposed) Q\n\n## Other\n")
        var none = LoopsDocument("# My notes\n")
        none.append(Loop(number: 4, status: .proposed, text: "Q"))
        #expect(none.text == "# My notes\n\n## Loops\n\n- L-4 (proposed) Q\n")
    }

    @Test func carriedLoopsKeepTheirIdsAndRememberWhereTheyCameFrom() {
        let loops = [
            Loop(number: 1, status: .approved, text: "a"),
            Loop(number: 2, status: .closed, text: "b"),
            Loop(number: 3, status: .exported, text: "c", attributes: [("from", "older")]),
        ]
        let carried = Handoff.carriedLoops(from: loops, session: "2026-11-27-x")
        #expect(carried.map(\.line) == ["- L-1 (open) a [from: 2026-11-27-x]", "- L-3 (exported) c [from: older]"])
    }
}

import Sessions
import Testing

struct AttemptLineTests {
    @Test func readsTheLineFormat() throws {
        let line = "- A-12 (failed) dedupe with distinct in orders [why: hid the fan-out; row count still 1,204 vs 1,187] [by: claude] [at: 2026-12-07]"
        guard case .attempt(let attempt) = Attempt.parse(line) else {
            Issue.record("not read")
            return
        }
        #expect(attempt.id == "A-12")
        #expect(attempt.result == .failed)
        #expect(attempt.text == "dedupe with distinct in orders")
        #expect(attempt["why"] == "hid the fan-out; row count still 1,204 vs 1,187")
        #expect(attempt["by"] == "claude")
        #expect(attempt["at"] == "2026-12-07")
        #expect(attempt.line == line)
        #expect(Attempt.parse("* **A-3** (Worked) aggregate first") == .attempt(Attempt(number: 3, result: .worked, text: "aggregate first")))
        // Brackets inside the text stay text.
        guard case .attempt(let bracketed) = Attempt.parse("- A-5 (partial) join on [order_id, currency] first") else {
            Issue.record("not read")
            return
        }
        #expect(bracketed.text == "join on [order_id, currency] first")
    }

    @Test func proseIsNotAnAttemptAndAnAttemptGoneWrongSaysHowToWriteIt() {
        #expect(Attempt.parse("- A-side of the join is stg_orders") == .notAnAttempt)
        #expect(Attempt.parse("- Lunch") == .notAnAttempt)
        #expect(Attempt.parse("text A-3 (failed) x") == .notAnAttempt)
        for (line, says) in [
            ("- A-3 (maybe) x", "has the result `maybe`; use one of failed, partial, worked"),
            ("- A-3 x", "A-3 has no result"),
            ("- A-3 (failed)", "A-3 has no text"),
            ("- A-3(failed) x", "must be followed by a space"),
            ("- A-x (failed) y", "a number from 1"),
            ("- A-0 (failed) y", "a number from 1"),
        ] {
            guard case .malformed(let message) = Attempt.parse(line) else {
                Issue.record("\(line) must be malformed")
                continue
            }
            #expect(message.contains(says), "\(line): \(message)")
        }
    }
}

struct AttemptsDocumentTests {
    @Test func anAppendKeepsEveryOtherLineAndItsEndings() {
        let original =
            "# Attempts\r\n\r\n<!-- why: example\r\n- A-99 (failed) not an attempt, an example -->\r\n## Attempts\r\n- A-1 (failed) First [why: no]\r\n  more about the first\r\n\r\n## Notes\r\nkeep me"
        var document = AttemptsDocument(original)
        #expect(document.attempts.map(\.id) == ["A-1"])
        document.append(Attempt(number: 2, result: .worked, text: "Second", attributes: [("at", "2026-12-07")]))
        #expect(
            document.text
                == "# Attempts\r\n\r\n<!-- why: example\r\n- A-99 (failed) not an attempt, an example -->\r\n## Attempts\r\n- A-1 (failed) First [why: no]\r\n  more about the first\r\n- A-2 (worked) Second [at: 2026-12-07]\r\n\r\n## Notes\r\nkeep me"
        )
    }

    @Test func theFirstAttemptGoesUnderTheHeadingOrUnderANewOne() {
        var empty = AttemptsDocument("# Attempts — x\n\n<!-- why: … -->\n\n## Attempts\n")
        empty.append(Attempt(number: 1, result: .failed, text: "One"))
        #expect(empty.text == "# Attempts — x\n\n<!-- why: … -->\n\n## Attempts\n- A-1 (failed) One\n")
        var headless = AttemptsDocument("My notes\n\n")
        headless.append(Attempt(number: 1, result: .failed, text: "One"))
        #expect(headless.text == "My notes\n\n## Attempts\n\n- A-1 (failed) One\n")
    }

    @Test func malformedLinesAndRepeatedIdsAreProblemsWithTheirLines() {
        let document = AttemptsDocument("## Attempts\n- A-1 (failed) a\n- A-2 (sorta) b\n- A-1 (worked) c\n")
        #expect(document.problems.map(\.line) == [3, 4])
        #expect(document.problems.last?.message.contains("A-1 is already the attempt on line 2") == true)
        #expect(document.highestNumber == 1)
    }

    @Test func failuresCountFromTheLastAttemptThatWorked() {
        let document = AttemptsDocument(
            "- A-1 (failed) a\n- A-2 (worked) b\n- A-3 (failed) c\n- A-4 (partial) d\n- A-5 (failed) e\n- A-6 (failed) f\n")
        #expect(document.failedSinceLastWorked.map(\.attempt.id) == ["A-3", "A-5", "A-6"])
        #expect(AttemptsDocument("- A-1 (failed) a\n- A-2 (worked) b\n").failedSinceLastWorked.isEmpty)
    }

    @Test func theHandoffListsFailedAttemptsFirst() {
        let attempts = AttemptsDocument(
            "- A-1 (worked) a [why: ok]\n- A-2 (failed) b [why: 3 rows off]\n- A-3 (partial) c\n- A-4 (failed) d\n"
        ).attempts
        #expect(Handoff.attemptLines(attempts) == ["A-2 (failed) b — 3 rows off", "A-4 (failed) d", "A-3 (partial) c", "A-1 (worked) a — ok"])
        let content = Handoff.content(of: SessionInput(folder: SessionSamples.folder, files: SessionSamples.files))
        #expect(
            content.attempts == [
                "A-1 (failed) Dedupe orders with distinct — hid the fan-out; 1,204 rows vs 1,187 in the ledger",
                "A-2 (worked) Aggregate payments per order before the join — 1,187 rows, as the ledger",
            ])
    }
}

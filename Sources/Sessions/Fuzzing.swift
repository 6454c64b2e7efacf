import Foundation

/// What the libFuzzer targets in `Fuzz/` (`make fuzz`) run on one input, so that a fuzz target and
/// the unit test that replays its regressions go through the same code.
///
/// Not API: `@_spi(Fuzzing)` keeps these out of the module's public interface. Each function takes
/// any bytes, never traps on them by design, and returns a small figure only so that the work
/// cannot be optimised away.
@_spi(Fuzzing) public enum FuzzEntryPoints {
    /// The Markdown section reader, the loop line parser, and LOOPS.md read and edited in place.
    public static func markdown(_ bytes: [UInt8]) -> Int {
        let text = String(decoding: bytes, as: UTF8.self)
        let document = MarkdownDocument(text)
        var total = document.sections.reduce(0) { $0 + $1.body.count }
        for title in ["Loops", document.sections.last?.title ?? ""] {
            total += document.section(title)?.body.count ?? 0
            total += document.lastSection(title)?.line ?? 0
        }
        let visible = MarkdownText.outsideFences(MarkdownText.withoutComments(document.lines))
        for line in visible {
            if case .loop(let loop) = Loop.parse(line.text) { total += loop.number & 0xFF }
            total += MarkdownDocument.heading(line.text)?.level ?? 0
        }
        total += MarkdownText.withoutPlaceholders(text).utf8.count

        // Each of entries, problems, highestNumber, append and update scans the file anew: one
        // of each kind of scan is enough (the fuzzer's budget goes to more inputs instead).
        var loops = LoopsDocument(text)
        let entries = loops.entries
        total += entries.count
        let next = min(entries.map(\.loop.number).max() ?? 0, Int.max - 1) + 1
        loops.append(Loop(number: next, status: .proposed, text: "appended by the fuzzer", attributes: [("owner", "fuzz")]))
        if let first = entries.first {
            _ = try? loops.update(first.loop.id, file: "LOOPS.md") {
                $0.status = .closed; $0.set("note", "closed")
            }
        }
        total += loops.text.utf8.count
        return total
    }

    /// The GTD import readers (TickTick CSV, todo.txt, JSON), each on the whole input, and the
    /// import planned against a few loops and applied to their LOOPS.md.
    public static func gtd(_ bytes: [UInt8]) -> Int {
        let text = String(decoding: bytes, as: UTF8.self)
        var total = GTDFormat.detect(text).rawValue.utf8.count
        var items: [GTDItem] = []
        for format in GTDFormat.allCases {
            if let read = try? format.read(text, file: "import") { items += read }
        }
        for item in items { total += TickTickBackup.clarification(fromContent: item.note).utf8.count }

        var loops = LoopsDocument(loopsText)
        let located = GTDImport.locate([(folder: "sessions/fuzz", loops: loops.loops)])
        let outcome = GTDImport.plan(items, loops: located, source: "fuzz", date: "2026-01-01")
        for change in outcome.changes {
            _ = try? loops.update(change.after.id, file: "LOOPS.md") { $0 = change.after }
            total += GTDImport.clarification(of: items[0], for: change.before).utf8.count
        }
        total += outcome.notFound.count + outcome.alreadyClosed.count + outcome.unchanged.count + loops.text.utf8.count
        return total
    }

    /// Loops in every state, for the import to change.
    static let loopsText = """
        # Loops

        ## Loops

        - L-1 (proposed) Which grain does the orders mart keep?
        - L-2 (clarified) Rename the staging layer [owner: data]
        - L-3 (closed) Drop the legacy seed [note: done]
        - L-4 (proposed) A loop with **bold** and `code`

        """
}

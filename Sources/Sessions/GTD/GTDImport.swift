import Foundation

/// What an import does to the loops: pure, items and loops in, changes out.
///
/// Matching is by id. A done item closes its loop with the clarification as its note; an open
/// item whose clarification is new makes its loop `clarified` with that note. Every changed loop
/// gets `[gtd: <format> <date>]`, which is how the next BOOTLOADER.md tells what came back. Loops
/// already closed are left alone; ids no session holds are reported, not thrown.
///
/// The clarification of an item is its note (TickTick's Content minus what rationale wrote,
/// JSON's `note`) when it has one; otherwise whatever its text says beyond the loop's own text:
/// the rest when it starts with the loop's text (separators such as ` — ` dropped), or the whole
/// text when it was rewritten.
public enum GTDImport {
    /// A loop where it lives: the session folder that holds it.
    public struct Located: Sendable, Hashable {
        /// The session folder, relative to the repository root.
        public var session: String
        /// The loop as in that session's LOOPS.md.
        public var loop: Loop

        /// Creates one.
        public init(session: String, loop: Loop) {
            self.session = session
            self.loop = loop
        }
    }

    /// One loop changed by the import.
    public struct Change: Sendable, Hashable {
        /// The session folder whose LOOPS.md holds the loop.
        public var session: String
        /// The loop before.
        public var before: Loop
        /// The loop after (`clarified` or `closed`, with its note).
        public var after: Loop
    }

    /// Everything the import found.
    public struct Outcome: Sendable, Hashable {
        /// Loops to change, in the order of the file.
        public var changes: [Change] = []
        /// Ids no session holds.
        public var notFound: [String] = []
        /// Ids of loops already closed, left alone.
        public var alreadyClosed: [String] = []
        /// Ids of loops the file leaves as they are (open, nothing new).
        public var unchanged: [String] = []
        /// Ids of loops still proposed: an import never moves a loop past the author's approval.
        public var stillProposed: [String] = []
    }

    /// The note a done item without a clarification closes its loop with.
    public static let doneWithoutNote = "done in GTD"

    /// Where each loop id lives when sessions are read oldest first: the newest session wins.
    public static func locate(_ sessions: [(folder: String, loops: [Loop])]) -> [String: Located] {
        var located: [String: Located] = [:]
        for session in sessions {
            for loop in session.loops { located[loop.id] = Located(session: session.folder, loop: loop) }
        }
        return located
    }

    /// The changes `items` make to `loops` (the last item of an id wins).
    /// - Parameters:
    ///   - source: the format's name, recorded in `[gtd: …]`.
    ///   - date: the day of the import (`yyyy-MM-dd`).
    public static func plan(_ items: [GTDItem], loops: [String: Located], source: String, date: String) -> Outcome {
        var outcome = Outcome()
        var last: [String: GTDItem] = [:]
        var order: [String] = []
        for item in items {
            if last.updateValue(item, forKey: item.id) == nil { order.append(item.id) }
        }
        for id in order {
            guard let item = last[id] else { continue }
            guard let located = loops[id] else {
                outcome.notFound.append(id)
                continue
            }
            let loop = located.loop
            guard loop.status != .closed else {
                outcome.alreadyClosed.append(id)
                continue
            }
            guard loop.status != .proposed else {
                outcome.stillProposed.append(id)
                continue
            }
            let answer = clarification(of: item, for: loop)
            var after = loop
            if item.done {
                after.status = .closed
                after.set("note", Loop.attributeValue(answer.isEmpty ? (loop["note"] ?? doneWithoutNote) : answer))
            } else {
                let note = Loop.attributeValue(answer)
                guard !note.isEmpty, !(loop.status == .clarified && loop["note"] == note) else {
                    outcome.unchanged.append(id)
                    continue
                }
                after.status = .clarified
                after.set("note", note)
            }
            after.set("gtd", "\(source) \(date)")
            outcome.changes.append(Change(session: located.session, before: loop, after: after))
        }
        return outcome
    }

    /// What the item adds to the loop: its note, else its text beyond the loop's text.
    public static func clarification(of item: GTDItem, for loop: Loop) -> String {
        let note = GTDText.oneLine(item.note)
        if !note.isEmpty { return note }
        let text = GTDText.oneLine(item.text)
        let original = GTDText.oneLine(loop.text)
        if text.isEmpty || text == original { return "" }
        if text.hasPrefix(original) {
            let rest = text.dropFirst(original.count)
            return String(rest.drop { " \t—–-:;|".contains($0) }).trimmingCharacters(in: .whitespaces)
        }
        return text
    }
}

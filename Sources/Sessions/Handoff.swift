import Foundation

/// What closing a session writes: the BOOTLOADER.md handoff, the loops block of SUMMARY.md and
/// the STATE.md pointer. Pure: text in, text out.
public enum Handoff {
    /// The loops block of SUMMARY.md for these loops.
    public static func summaryLoopLines(_ loops: [Loop]) -> [String] {
        loops.isEmpty ? ["_No loops._"] : loops.map(\.line)
    }

    /// SUMMARY.md with its loops block refreshed from LOOPS.md (unchanged when it has no block).
    public static func refreshingLoops(summary: String, loops: [Loop]) -> String {
        MarkedBlock.summaryLoops.replacing(in: summary, with: summaryLoopLines(loops)) ?? summary
    }

    /// The handoff's content, before rendering.
    public struct Content: Sendable, Hashable {
        /// Where things stand.
        public var state: String
        /// Decisions made (reasoning and context decisions), one per line.
        public var decisions: [String]
        /// Loops still open, formatted.
        public var openLoops: [String]
        /// What came back from GTD: clarified loops, and loops an import closed, with their notes.
        public var cameBack: [String] = []
        /// The attempts of ATTEMPTS.md, failed ones first, so the next session does not retry them.
        public var attempts: [String] = []
        /// The problem, in the author's words (SUMMARY.md), or empty.
        public var problem: String = ""
        /// What the author kept out: Excluded scope, then the excluded context decisions.
        public var excluded: [String] = []
        /// The task's progress (TASK.md): a count line, then the steps still open.
        public var progress: [String] = []
        /// What the next session should load first.
        public var loadFirst: [String]
        /// The next action.
        public var nextAction: String
    }

    /// Gathers the handoff from a session's filled-in files.
    public static func content(of session: SessionInput) -> Content {
        func text(_ title: String) -> [String] {
            (session.writtenLines(title) ?? []).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
        let state = text("What was done").joined(separator: "\n")
        // A step's heading (`### Transformation`) goes with the line under it.
        var decisions: [String] = []
        var heading: String?
        for line in text("Reasoning").map(Self.unbulleted) {
            if line.hasPrefix("#") {
                heading = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            } else {
                decisions.append(heading.map { "\($0): " + line } ?? line)
                heading = nil
            }
        }
        for decision in session.decisions.authorDecisions {
            let reason = decision.reason.isEmpty ? "" : " — \(decision.reason)"
            // How sure it was, and what it assumed, go with it.
            let stated = [(Confidence.key, decision.confidence), (Confidence.assumptionKey, decision.assumption)].compactMap { key, value in
                value.map { " [\(key): \($0)]" }
            }.joined()
            decisions.append("\(decision.verdict.rawValue): \(decision.names.joined(separator: ", "))\(reason)\(stated)")
        }
        // What the context pack left out is the tool's budget at work, said apart and as such.
        for decision in session.decisions.toolDecisions where decision.verdict == .excluded {
            decisions.append("(context pack, not a decision) left out: \(decision.names.joined(separator: ", ")) — \(decision.reason)")
        }
        let openLoops = (session.loops?.loops ?? []).filter { $0.status.isOpen && $0.status != .proposed }.map(\.line)
        let cameBack = cameBackFromGTD(session.loops?.loops ?? [])
        // Load first: what the author's Next session names (in `code`), then what the author
        // loaded, then what the pack loaded.
        var loadFirst = [session.path(SessionInput.File.summary)]
        let next = text("Next session").map(Self.unbulleted).joined(separator: " ")
        let named = next.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        let loaded = session.decisions.authorDecisions.filter { $0.verdict == .loaded }.flatMap(\.names)
        let packed = session.decisions.toolDecisions.filter { $0.verdict == .loaded }.flatMap(\.names)
        var seen = Set<String>()
        for name in named + loaded + packed where !name.isEmpty && !name.contains(" ") && seen.insert(name).inserted {
            loadFirst.append(name)
        }
        var content = Content(
            state: state.isEmpty ? "(What was done is empty.)" : state, decisions: decisions, openLoops: openLoops,
            cameBack: cameBack, loadFirst: loadFirst, nextAction: next.isEmpty ? "(Next session is empty.)" : next)
        content.attempts = attemptLines(session.attempts?.attempts ?? [])
        content.problem = text(ProblemRecord.title).joined(separator: "\n")
        content.excluded =
            text("Excluded scope").map(Self.unbulleted)
            + session.decisions.authorDecisions.filter { $0.verdict == .excluded }.map { decision in
                decision.names.joined(separator: ", ") + (decision.reason.isEmpty ? "" : " — \(decision.reason)")
            }
        content.progress = progress(of: session.files[SessionInput.File.task] ?? "")
        return content
    }

    /// The most open steps a handoff lists.
    public static let openStepsShown = 12

    /// TASK.md's progress: `N of M steps done`, then each step still open (at most
    /// ``openStepsShown``, placeholders left as written); empty without checkboxes.
    public static func progress(of task: String) -> [String] {
        let steps = steps(of: task)
        let total = steps.done + steps.open.count + steps.unfilled
        guard total > 0 else { return [] }
        var lines = ["\(steps.done) of \(total) steps done" + (steps.unfilled > 0 ? " (\(steps.unfilled) still template lines to fill)" : "")]
        lines += steps.open.prefix(openStepsShown).map { "open: " + $0 }
        if steps.open.count > openStepsShown { lines.append("…and \(steps.open.count - openStepsShown) more open in TASK.md") }
        return lines
    }

    /// TASK.md's checkboxes: how many are ticked, the open steps the author wrote or kept, and
    /// how many open ones still hold a template's `[[fill: …]]`.
    public static func steps(of task: String) -> (done: Int, open: [String], unfilled: Int) {
        var done = 0
        var open: [String] = []
        var unfilled = 0
        for line in task.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("- [x] ") || trimmed.hasPrefix("- [X] ") {
                done += 1
            } else if trimmed.hasPrefix("- [ ] ") {
                if trimmed.contains(MarkdownText.placeholderOpen) { unfilled += 1 } else { open.append(String(trimmed.dropFirst(6))) }
            }
        }
        return (done, open, unfilled)
    }

    /// The attempts as handoff lines (`A-4 (failed) text — why`): failed first, then partial,
    /// then worked, each kind in the order they were tried.
    public static func attemptLines(_ attempts: [Attempt]) -> [String] {
        Attempt.Result.allCases.flatMap { result in
            attempts.filter { $0.result == result }.map { attempt in
                "\(attempt.id) (\(attempt.result.rawValue)) \(attempt.text)" + (attempt["why"].map { " — \($0)" } ?? "")
            }
        }
    }

    /// The loops that came back from GTD, one line each (`L-7 closed: text — note`): every
    /// `clarified` loop, and every `closed` one an import closed (it carries `[gtd: …]`).
    public static func cameBackFromGTD(_ loops: [Loop]) -> [String] {
        loops.filter { $0.status == .clarified || ($0.status == .closed && $0["gtd"] != nil) }.map { loop in
            let note = loop["note"].map { " — \($0)" } ?? ""
            return "\(loop.id) \(loop.status.rawValue): \(loop.text)\(note)"
        }
    }

    /// Renders BOOTLOADER.md, stating its own size in tokens.
    public static func bootloader(
        _ content: Content, session: SessionInput, metadata: SessionMetadata, author: String,
        templates: TemplateSet
    ) throws -> (text: String, tokens: Int) {
        var values: [String: Any] = [
            "author": author,
            "title": metadata.title,
            "kind": metadata.kind,
            "date": metadata.started,
            "closed": metadata.closed ?? metadata.started,
            "folder": session.folder,
            "state": content.state,
            "decisions": content.decisions,
            "open_loops": content.openLoops,
            "came_back": content.cameBack,
            "attempts": content.attempts,
            "load_first": content.loadFirst,
            "problem": content.problem,
            "has_problem": !content.problem.isEmpty,
            "excluded": content.excluded,
            "progress": content.progress,
            "next_action": content.nextAction,
            "tokens": "0",
        ]
        // The stated size is part of the text.
        return try TokenEstimate.selfCounting(start: 0) { tokens in
            values["tokens"] = String(tokens)
            return try templates.render(SessionInput.File.bootloader, values)
        }
    }

    /// STATE.md's block for the current state of the work.
    /// - Parameter handoff: the newest BOOTLOADER.md (its path) and its size, if there is one.
    public static func stateLines(
        title: String, folder: String, status: SessionMetadata.Status, date: String,
        handoff: (path: String, tokens: Int)?, openLoops: [Loop]
    ) -> [String] {
        let ids = openLoops.filter { $0.status.isOpen && $0.status != .proposed }.map(\.id)
        var lines = [
            "## Active session",
            "",
            "\(title): `\(folder)`, \(status == .open ? "open since" : "closed") \(date). Open loops: \(ids.isEmpty ? "none" : ids.joined(separator: ", ")).",
            "",
            "## Last handoff",
            "",
        ]
        if let handoff {
            lines.append("`\(handoff.path)` (≈\(handoff.tokens) tokens): paste it into the agent before anything else.")
        } else {
            lines.append("_None yet: this is the first session._")
        }
        return lines
    }

    /// The loops a new session carries over from the previous one: every loop not closed, the
    /// approved ones as `open`, each remembering where it came from.
    public static func carriedLoops(from loops: [Loop], session: String) -> [Loop] {
        loops.filter { $0.status.isOpen }.map { loop in
            var loop = loop
            if loop.status == .approved { loop.status = .open }
            if loop["from"] == nil { loop.set("from", session) }
            return loop
        }
    }

    /// A line without its leading `- ` or `* `.
    public static func unbulleted(_ line: String) -> String {
        var rest = Substring(line).trimmingSpaces
        if rest.hasPrefix("- ") || rest.hasPrefix("* ") { rest = rest.dropFirst(2) }
        return String(rest)
    }
}

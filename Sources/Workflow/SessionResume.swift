import ContextPack
import Foundation
import Lineage
import Sessions

/// `rationale session resume`: the next session, started from the last handoff.
extension SessionFrontend {
    /// What `session resume` did, and what an agent needs to restart.
    public struct Resumed {
        /// The new session.
        public var started: Started
        /// The session it continues (its folder).
        public var previous: String
        /// The handoff (the previous session's BOOTLOADER.md).
        public var handoff: String
        /// The context pack rebuilt from the handoff's Load first; nil when there is no change to show.
        public var pack: ContextPack?
        /// Why there is no pack, or what it was narrowed to.
        public var packNote: String
        /// The attempts carried into the new ATTEMPTS.md.
        public var attempts: Int
        /// The new TASK.md's steps.
        public var plan: [String]
        /// Tokens of the handoff and the pack together: what an agent reads to restart.
        public var restartTokens: Int
        /// Tokens of every file of the previous session: what it reads without a handoff.
        public var sessionTokens: Int

        /// The handoff and the pack, ready to paste.
        public var restart: String {
            handoff + (pack.map { "\n\n---\n\n" + $0.markdown } ?? "")
        }
    }

    /// Starts a session from the last handoff (or `from`'s): the problem in the author's words,
    /// the loops still open or clarified, the excluded scope, the attempts, and the *Next
    /// session* steps with the plan's open steps as TASK.md; the context pack is rebuilt from
    /// Load first against the previous session's recorded base commit, within `budget`, and its
    /// decisions recorded in the new CONTEXT.md.
    ///
    /// - Throws: ``WorkspaceError/stillOpen(_:)`` while a session is open,
    ///   ``WorkspaceError/nothingToResume(folder:)`` without a closed session that has a handoff,
    ///   and what ``start(_:title:kind:date:problem:)`` throws.
    public static func resume(_ workspace: Workspace, from requested: String?, title: String?, date: String, budget: Int?) throws -> Resumed {
        let sessions = try workspace.allSessions()
        if let open = sessions.last(where: { ($0.metadata?.status ?? .open) == .open }) { throw WorkspaceError.stillOpen(open.folder) }
        let previous: SessionInput
        if let requested {
            previous = try workspace.activeSession(requested)
        } else {
            guard let last = try workspace.previousSession() else { throw WorkspaceError.nothingToResume(folder: workspace.config.sessions) }
            previous = last
        }
        guard let handoff = previous.files[SessionInput.File.bootloader], previous.metadata?.status == .closed else {
            throw WorkspaceError.nothingToResume(folder: workspace.config.sessions)
        }
        let content = Handoff.content(of: previous)
        let metadata = previous.metadata
        let kind = metadata.flatMap { SessionKind(rawValue: $0.kind) } ?? .refactor
        let problem = content.problem.isEmpty ? nil : content.problem
        let started = try start(workspace, title: title ?? metadata?.title ?? previous.name, kind: kind, date: date, problem: problem)
        let folder = started.folder

        // The excluded scope, in the author's words, still true until the author says otherwise.
        let excludedScope = (previous.writtenLines("Excluded scope") ?? []).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        if !excludedScope.isEmpty, let summary = try workspace.read(folder + "/" + SessionInput.File.summary) {
            let carried = ["Carried from `\(previous.name)` (still true? edit or delete):", ""] + excludedScope
            try workspace.replace(folder + "/" + SessionInput.File.summary, Self.replacingFill(of: "Excluded scope", in: summary, with: carried))
        }
        // The attempts, with their ids: the next session names the one it builds on.
        let attempts = previous.attempts?.attempts ?? []
        if !attempts.isEmpty {
            var document = AttemptsDocument(try workspace.templates().render(SessionInput.File.attempts, ["title": started.title]))
            for var attempt in attempts {
                if attempt["from"] == nil { attempt.attributes.append(("from", previous.name)) }
                document.append(attempt)
            }
            try workspace.create(folder + "/" + SessionInput.File.attempts, document.text)
        }
        // The plan: the handoff's next steps, then the previous plan's open steps.
        let next = (previous.writtenLines("Next session") ?? []).map(Handoff.unbulleted).filter { !$0.isEmpty }
        let open = Handoff.steps(of: previous.files[SessionInput.File.task] ?? "").open
        let plan = next + open
        try workspace.replace(folder + "/" + SessionInput.File.task, Self.resumedTask(title: started.title, previous: previous.name, next: next, open: open))

        // The pack, from Load first, against the commit the previous session started at.
        let (pack, note) = Self.restartPack(workspace, previous: previous, loadFirst: content.loadFirst, budget: budget)
        if let pack { _ = try ContextFrontend.write(pack, to: workspace, session: folder) }
        let sessionTokens = previous.files.values.reduce(0) { $0 + TokenEstimate.tokens($1) }
        return Resumed(
            started: started, previous: previous.folder, handoff: handoff, pack: pack, packNote: note, attempts: attempts.count, plan: plan,
            restartTokens: TokenEstimate.tokens(handoff) + (pack?.tokens ?? 0), sessionTokens: sessionTokens)
    }

    /// The pack of the previous session's change: from its base commit to HEAD (or to the
    /// working tree while nothing is committed), kept to Load first's nodes when any of them is
    /// modified there.
    static func restartPack(_ workspace: Workspace, previous: SessionInput, loadFirst: [String], budget: Int?) -> (ContextPack?, String) {
        guard let base = previous.metadata?.base, let baseCommit = try? workspace.repository.resolveCommit(base) else {
            return (nil, "no pack: \(previous.name) recorded no base commit (sessions started before rationale recorded one)")
        }
        let head = try? workspace.repository.headCommit()
        let comparison: Comparison = head == baseCommit ? .worktree : .range(base: baseCommit.hex, head: nil)
        let names = loadFirst.filter { !$0.contains("/") }
        // Load first's nodes, else the whole change when they select nothing that fits.
        for select in names.isEmpty ? [[]] : [names, []] {
            guard let packed = try? ContextFrontend.pack(workspace, .init(comparison: comparison, budget: budget, select: select, expand: [])) else { continue }
            guard packed.pack.holdsAChange else { return (nil, "no pack: nothing changed since \(base.prefix(12))") }
            let what = select.isEmpty ? "the whole change" : "Load first's \(select.joined(separator: ", "))"
            return (packed.pack, "pack: \(what) since \(base.prefix(12)), \(packed.pack.tokens) of \(packed.pack.budget) tokens")
        }
        return (
            nil,
            "no pack: the change since \(base.prefix(12)) does not fit the budget; run `rationale context --base \(base.prefix(12))` with a larger --budget"
        )
    }

    /// TASK.md of a resumed session.
    static func resumedTask(title: String, previous: String, next: [String], open: [String]) -> String {
        var lines = [
            "# \(title) — plan, resumed from `\(previous)`", "",
            "<!-- why: a resumed session picks the plan up where the handoff left it: its next steps first, then",
            "the steps the previous plan left open. Tick the boxes as you go; add steps freely. -->", "",
            "## Next steps, from the handoff", "",
        ]
        lines += next.isEmpty ? ["- [ ] [[fill: the first step of this session]]"] : next.map { "- [ ] " + $0 }
        if !open.isEmpty { lines += ["", "## Still open from `\(previous)`", ""] + open.map { "- [ ] " + $0 } }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` with the section's `[[fill: …]]` line (or its end) replaced by `lines`.
    static func replacingFill(of title: String, in text: String, with lines: [String]) -> String {
        let split = TextLines(text)
        guard let section = MarkdownDocument(text).section(title) else { return text }
        var all = split.lines
        if let fill = section.visibleBody.first(where: { $0.text.contains(MarkdownText.placeholderOpen) }) {
            all.replaceSubrange((fill.number - 1)...(fill.number - 1), with: lines)
        } else {
            let end = section.visibleBody.last?.number ?? section.line
            all.insert(contentsOf: [""] + lines, at: end)
        }
        return split.with(all).text
    }
}

import Diagnostics
import Foundation
import GitKit
import Sessions

/// Composes the workspace, the lineage engine and the Sessions module for `rationale session`.
public enum SessionFrontend {
    /// What `session start` did.
    public struct Started {
        public var folder: String
        /// The title, as the folder and files carry it.
        public var title: String = ""
        public var files: [String]
        public var scope: ChangeScope
        public var carried: [Loop]
        public var previous: String?
        public var stateNote: String?
    }

    /// Scaffolds a new session; never writes over an existing folder.
    /// - Parameter problem: the problem in the author's words; refused (nothing written) when it
    ///   is too short or credits the agent.
    public static func start(_ workspace: Workspace, title given: String, kind: SessionKind, date: String, problem: String? = nil) throws -> Started {
        let problem = problem?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem, let why = ProblemRecord.refusal(problem) { throw SessionError.hollowProblem(why) }
        // One line that cannot break the session comment, in every file and STATE.md alike.
        let title = SessionNaming.title(given)
        // STATE.md is rewritten last: refuse a link there before anything is written.
        _ = try workspace.contained(workspace.config.stateFile)
        let templates = try workspace.templates()
        let change = try ChangeScope.branch(workspace)
        let previous = try workspace.previousSession()
        let carried = previous.map { Handoff.carriedLoops(from: $0.loops?.loops ?? [], session: $0.name) } ?? []
        let request = SessionScaffold.Request(
            title: title, kind: kind, date: date, author: workspace.author, budget: workspace.config.budget,
            scope: change.hasProject ? change.scope : LineageScope(description: "", modified: [], downstream: [], note: change.scope.note),
            carriedLoops: carried, previousSession: previous?.name ?? "", sessionsFolder: workspace.config.sessions,
            problem: problem, base: try workspace.repository.headCommit().map { String($0.hex.prefix(12)) })
        let made = try SessionScaffold(templates: templates).files(for: request, existingFolders: Set(try workspace.sessionNames()))
        let folder = workspace.config.sessions + "/" + made.folder
        var files = made.files
        if let summary = files[SessionInput.File.summary] {
            files[SessionInput.File.summary] = Handoff.refreshingLoops(summary: summary, loops: carried)
        }

        // The folder itself is created exclusively: if it exists (a race with another start),
        // nothing is written. No folder on the way may be a symbolic link.
        try workspace.makeFolder(folder, exclusive: true)
        for name in files.keys.sorted() {
            try workspace.create(folder + "/" + name, files[name] ?? "")
        }

        let handoff = previous.flatMap { session -> (String, Int)? in
            guard let text = session.files[SessionInput.File.bootloader] else { return nil }
            return (session.path(SessionInput.File.bootloader), TokenEstimate.tokens(text))
        }
        let lines = Handoff.stateLines(title: title, folder: folder, status: .open, date: date, handoff: handoff, openLoops: carried)
        let stateNote = try updateState(
            workspace, lines: lines, templates: templates,
            values: [
                "title": title, "kind": kind.rawValue, "date": date, "folder": folder,
            ])
        return Started(
            folder: folder, title: title, files: files.keys.sorted(), scope: change, carried: carried, previous: previous?.name, stateNote: stateNote)
    }

    /// Rewrites STATE.md's block (creating STATE.md from its template when missing); returns a
    /// note when the file has no block and was left alone.
    public static func updateState(_ workspace: Workspace, lines: [String], templates: TemplateSet, values: [String: Any]) throws -> String? {
        let path = workspace.config.stateFile
        let existing = try workspace.read(path)
        let text = try existing ?? templates.render("STATE.md", values)
        guard let updated = MarkedBlock.state.replacing(in: text, with: lines) else {
            return
                "\(path) has no `\(MarkedBlock.state.begin)` … `\(MarkedBlock.state.end)` block, so it was left as it is: add the two lines where the tool may write"
        }
        if updated != existing { try workspace.replace(path, updated) }
        return nil
    }

    /// The rule context for a session of this workspace.
    public static func context(_ workspace: Workspace, modified: [ModifiedNode], closing: Bool, touched: [String] = []) throws -> RuleContext {
        let statePath = workspace.config.stateFile
        return RuleContext(
            requiredSections: workspace.config.requiredSections, modified: modified, closing: closing,
            state: try workspace.read(statePath).map { (statePath, $0) }, stateLimit: workspace.config.stateLimit, touched: touched,
            reasoningSteps: workspace.config.reasoningSteps)
    }

    /// What `status` found.
    public struct Status {
        public var session: SessionInput
        public var findings: [Finding]
        public var modified: [ModifiedNode]
        public var description: String
    }

    /// Validates a session against everything the branch changes.
    public static func status(_ workspace: Workspace, session requested: String?, closing: Bool = false) throws -> Status {
        let session = try workspace.activeSession(requested)
        let change = try ChangeScope.branch(workspace)
        let findings = SessionValidator.validate(
            session, try context(workspace, modified: change.modified, closing: closing, touched: try change.touched(workspace)))
        return Status(session: session, findings: findings, modified: change.modified, description: change.scope.description)
    }

    /// What `close` did (or would have, when findings stop it).
    public struct Closed {
        public var status: Status
        public var bootloader: String?
        public var tokens: Int?
        public var openLoops: [Loop]
    }

    /// Validates strictly, then writes BOOTLOADER.md, rewrites STATE.md's block, and marks
    /// SUMMARY.md closed with its loops block refreshed. Writes nothing when a finding is an
    /// error.
    ///
    /// Restartable: each file is written whole and renamed into place, and SUMMARY.md — whose
    /// `status=closed` is what makes the session closed — is written last. Killed before that,
    /// the session is still open and `session close` run again writes everything again; killed
    /// after, the close is complete. Temporary files a killed close left are removed first.
    ///
    /// - Parameter written: called after each file is written, with its path (a test stops the
    ///   close there, as a kill would).
    public static func close(
        _ workspace: Workspace, session requested: String?, date: String,
        written: (String) throws -> Void = { _ in }
    ) throws -> Closed {
        let status = try status(workspace, session: requested, closing: true)
        let session = status.session
        guard !status.findings.contains(where: { $0.severity == .error }) else {
            return Closed(status: status, bootloader: nil, tokens: nil, openLoops: [])
        }
        guard var metadata = session.metadata, let summary = session.files[SessionInput.File.summary] else {
            return Closed(status: status, bootloader: nil, tokens: nil, openLoops: [])
        }
        let templates = try workspace.templates()
        metadata.status = .closed
        metadata.closed = date
        let loops = session.loops?.loops ?? []
        let content = Handoff.content(of: session)
        let handoff = try Handoff.bootloader(content, session: session, metadata: metadata, author: workspace.author, templates: templates)
        let newSummary = metadata.applied(to: Handoff.refreshingLoops(summary: summary, loops: loops))
        let bootloaderPath = session.path(SessionInput.File.bootloader)
        let stateFolder = (workspace.config.stateFile as NSString).deletingLastPathComponent

        try workspace.removeStaleTemporaries(in: session.folder)
        try workspace.removeStaleTemporaries(in: stateFolder)
        try workspace.replace(bootloaderPath, handoff.text)
        try written(bootloaderPath)
        let lines = Handoff.stateLines(
            title: metadata.title, folder: session.folder, status: .closed, date: date,
            handoff: (bootloaderPath, handoff.tokens), openLoops: loops)
        _ = try updateState(
            workspace, lines: lines, templates: templates,
            values: [
                "title": metadata.title, "kind": metadata.kind, "date": metadata.started, "folder": session.folder,
            ])
        try written(workspace.config.stateFile)
        // Last: from here on the session is closed.
        try workspace.replace(session.path(SessionInput.File.summary), newSummary)
        try written(session.path(SessionInput.File.summary))
        return Closed(
            status: status, bootloader: bootloaderPath, tokens: handoff.tokens,
            openLoops: loops.filter { $0.status.isOpen })
    }

    /// One line of `session list`.
    public struct Listed: Encodable {
        public var name: String
        public var folder: String
        public var title: String
        public var kind: String
        public var status: String
        public var started: String
        public var closed: String?
        public var openLoops: Int
        public var loops: Int
    }

    /// Every session, oldest first.
    public static func list(_ workspace: Workspace) throws -> [Listed] {
        try workspace.allSessions().map { session in
            let metadata = session.metadata
            let loops = session.loops?.loops ?? []
            return Listed(
                name: session.name, folder: session.folder, title: metadata?.title ?? "(no session comment)",
                kind: metadata?.kind ?? "", status: metadata?.status.rawValue ?? "unknown",
                started: metadata?.started ?? String(session.name.prefix(10)), closed: metadata?.closed,
                openLoops: loops.filter { $0.status.isOpen }.count, loops: loops.count)
        }
    }
}

/// `rationale loops …` on the active session's LOOPS.md.
public enum LoopsFrontend {
    /// Applies `edit` to the session's LOOPS.md, writes it and refreshes SUMMARY.md's loops block.
    public static func edit(_ workspace: Workspace, session requested: String?, _ edit: (inout LoopsDocument, String) throws -> Loop) throws -> (
        loop: Loop, file: String
    ) {
        let session = try workspace.activeSession(requested)
        return (try self.edit(workspace, session, edit), session.path(SessionInput.File.loops))
    }

    /// Edits one session's LOOPS.md in place (a missing file starts empty) and refreshes the
    /// loops block of its SUMMARY.md.
    @discardableResult
    public static func edit<Result>(_ workspace: Workspace, _ session: SessionInput, _ change: (inout LoopsDocument, String) throws -> Result) throws -> Result
    {
        let path = session.path(SessionInput.File.loops)
        var document = LoopsDocument(session.files[SessionInput.File.loops] ?? "# Loops\n\n## Loops\n")
        let result = try change(&document, path)
        try workspace.replace(path, document.text)
        if let summary = session.files[SessionInput.File.summary] {
            let refreshed = Handoff.refreshingLoops(summary: summary, loops: document.loops)
            if refreshed != summary { try workspace.replace(session.path(SessionInput.File.summary), refreshed) }
        }
        return result
    }

    /// - Parameter options: a question's ways on, `A: hourly, costs …` (two or more), stored as
    ///   `[options: …]`; refused (nothing written) when they make no choice.
    public static func propose(
        _ workspace: Workspace, session: String?, text: String, model: String?, by: String, options: [String] = []
    ) throws -> (loop: Loop, file: String) {
        let optionsValue = options.isEmpty ? nil : try Loop.optionsValue(options)
        let number = try workspace.nextLoopNumber()
        return try edit(workspace, session: session) { document, _ in
            var loop = Loop(number: number, status: .proposed, text: text.replacingOccurrences(of: "\n", with: " "))
            if let model { loop.set("model", model) }
            if let optionsValue { loop.set(Loop.optionsKey, optionsValue) }
            loop.set("by", by)
            document.append(loop)
            return loop
        }
    }

    public static func approve(_ workspace: Workspace, session: String?, id: String, by: String) throws -> (loop: Loop, file: String) {
        try edit(workspace, session: session) { document, file in
            try document.update(id, file: file) { loop in
                guard loop.status == .proposed else {
                    throw SessionError.badTransition(id: loop.id, from: loop.status, to: .approved, file: file)
                }
                loop.status = .approved
                if !by.isEmpty { loop.set("approved-by", by) }
            }
        }
    }

    /// Closes a question with options on the author's choice, `[chose: B]`; its note is the
    /// option chosen, then the author's note when one is given.
    ///
    /// - Throws: ``SessionError/noOptions(id:file:)``, ``SessionError/unknownOption(id:file:chose:options:)``
    ///   (nothing written), or a bad transition for a loop already closed.
    public static func choose(_ workspace: Workspace, session: String?, id: String, chose: String, note: String?) throws -> (loop: Loop, file: String) {
        try edit(workspace, session: session) { document, file in
            try document.update(id, file: file) { loop in
                guard loop.status != .closed else {
                    throw SessionError.badTransition(id: loop.id, from: loop.status, to: .closed, file: file)
                }
                guard !loop.options.isEmpty else { throw SessionError.noOptions(id: loop.id, file: file) }
                guard let option = loop.option(chose) else {
                    throw SessionError.unknownOption(id: loop.id, file: file, chose: chose, options: loop.options.map { "\($0.label) (\($0.text))" })
                }
                loop.status = .closed
                loop.set(Loop.choiceKey, option.label)
                // The note says what was chosen, so every place that shows the answer shows it.
                loop.set("note", Loop.attributeValue(note.map { "\(option.written) — \($0)" } ?? option.written))
            }
        }
    }

    public static func close(_ workspace: Workspace, session: String?, id: String, note: String) throws -> (loop: Loop, file: String) {
        try edit(workspace, session: session) { document, file in
            try document.update(id, file: file) { loop in
                guard loop.status != .closed else {
                    throw SessionError.badTransition(id: loop.id, from: loop.status, to: .closed, file: file)
                }
                loop.status = .closed
                loop.set("note", Loop.attributeValue(note))
            }
        }
    }
}

import Foundation
import Sessions

/// `rationale loops export | import`: moves loops between the sessions' LOOPS.md files and a
/// GTD tool's file, through the pure formats of the Sessions module.
public enum GTDFrontend {
    /// The repository's name: the list (TickTick) and project (todo.txt) the loops go to.
    public static func projectName(_ workspace: Workspace) -> String {
        URL(fileURLWithPath: workspace.root).standardizedFileURL.lastPathComponent
    }

    /// What `export` did.
    public struct Exported {
        /// The rendered file.
        public var text: String
        /// The loops written, with their sessions.
        public var items: [GTDExport.Item]
        /// Loops left out because they are still proposed.
        public var proposed: [String]
        /// LOOPS.md files changed, with the ids marked `exported` in each.
        public var marked: [(file: String, ids: [String])]
    }

    /// Renders the open loops of one session (or every session, the newest copy of each id) and,
    /// unless `mark` is false, marks the approved and carried ones `exported`.
    ///
    /// The order makes a kill at any point safe: `stage` first receives the text and writes it
    /// where it cannot be seen yet (a temporary file beside the target), so a file that cannot
    /// be written marks nothing; then each LOOPS.md is marked (one atomic rename each); then
    /// `publish` makes the export visible (renames the temporary file into place, or prints it).
    /// Killed in between, the loops are marked `exported` and no file claims what LOOPS.md does
    /// not: marked loops are still exportable, so the same export run again writes the file.
    public static func export(
        _ workspace: Workspace, format: GTDFormat, session requested: String?, all: Bool, mark: Bool,
        date: String, stage: (String) throws -> Void, publish: () throws -> Void
    ) throws -> Exported {
        let sessions = all ? try workspace.allSessions() : [try workspace.activeSession(requested)]
        var newest: [String: GTDExport.Item] = [:]
        var order: [String] = []
        for session in sessions {
            let created = session.metadata?.started ?? String(session.name.prefix(10))
            for loop in session.loops?.loops ?? [] {
                if newest.updateValue(GTDExport.Item(loop: loop, session: session.folder, created: created), forKey: loop.id) == nil {
                    order.append(loop.id)
                }
            }
        }
        let all = order.compactMap { newest[$0] }
        let items = all.filter { GTDExport.isExportable($0.loop) }
        let proposed = all.filter { $0.loop.status == .proposed }.map(\.loop.id)
        let text = try format.render(GTDExport(project: projectName(workspace), date: date, items: items))
        try stage(text)

        var marked: [(file: String, ids: [String])] = []
        if mark {
            let bySession = Dictionary(grouping: items.filter { GTDExport.markedStatus($0.loop.status) != $0.loop.status }, by: \.session)
            for session in sessions where bySession[session.folder] != nil {
                let ids = (bySession[session.folder] ?? []).map(\.loop.id)
                try LoopsFrontend.edit(workspace, session) { document, file in
                    // One pass over the file for every id: thousands of loops stay linear.
                    try document.update(ids, file: file) { $0.status = GTDExport.markedStatus($0.status) }
                }
                marked.append((session.path(SessionInput.File.loops), ids))
            }
        }
        try publish()
        return Exported(text: text, items: items, proposed: proposed, marked: marked)
    }

    /// What `import` found, and whether it was written.
    public struct Imported {
        public var format: GTDFormat
        public var outcome: GTDImport.Outcome
        /// LOOPS.md files changed (none on a dry run).
        public var files: [String]
    }

    /// Reads a GTD file and applies what came back to the LOOPS.md files that hold the loops.
    /// - Parameter name: the file as the user named it, for messages.
    public static func importFile(
        _ workspace: Workspace, text: String, name: String, format requested: GTDFormat?, dryRun: Bool,
        date: String
    ) throws -> Imported {
        let detected = GTDFormat.detect(text)
        // A JSON or TickTick file read as another format would be misread, not refused.
        if let requested, requested != detected, detected != .todotxt {
            throw WorkspaceError.wrongGTDFormat(name, looksLike: detected.rawValue, asked: requested.rawValue)
        }
        let format = requested ?? detected
        let items = try format.read(text, file: name)
        if items.isEmpty, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw WorkspaceError.noLoopsInFile(name)
        }
        let sessions = try workspace.allSessions()
        let located = GTDImport.locate(sessions.map { ($0.folder, $0.loops?.loops ?? []) })
        let outcome = GTDImport.plan(items, loops: located, source: format.rawValue, date: date)
        var files: [String] = []
        if !dryRun {
            let bySession = Dictionary(grouping: outcome.changes, by: \.session)
            for session in sessions {
                guard let changes = bySession[session.folder] else { continue }
                let after = Dictionary(changes.map { ($0.after.id, $0.after) }, uniquingKeysWith: { _, last in last })
                try LoopsFrontend.edit(workspace, session) { document, file in
                    try document.update(changes.map(\.after.id), file: file) { loop in loop = after[loop.id] ?? loop }
                }
                files.append(session.path(SessionInput.File.loops))
            }
        }
        return Imported(format: format, outcome: outcome, files: files)
    }
}

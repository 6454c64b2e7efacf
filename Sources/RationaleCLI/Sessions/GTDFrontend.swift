import Foundation
import Sessions

/// `rationale loops export | import`: moves loops between the sessions' LOOPS.md files and a
/// GTD tool's file, through the pure formats of the Sessions module.
enum GTDFrontend {
    /// The repository's name: the list (TickTick) and project (todo.txt) the loops go to.
    static func projectName(_ workspace: Workspace) -> String {
        URL(fileURLWithPath: workspace.root).standardizedFileURL.lastPathComponent
    }

    /// What `export` did.
    struct Exported {
        /// The rendered file.
        var text: String
        /// The loops written, with their sessions.
        var items: [GTDExport.Item]
        /// Loops left out because they are still proposed.
        var proposed: [String]
        /// LOOPS.md files changed, with the ids marked `exported` in each.
        var marked: [(file: String, ids: [String])]
    }

    /// Renders the open loops of one session (or every session, the newest copy of each id) and,
    /// unless `mark` is false, marks the approved and carried ones `exported`. `write` receives
    /// the text before anything is marked, so a file that cannot be written marks nothing.
    static func export(_ workspace: Workspace, format: GTDFormat, session requested: String?, all: Bool, mark: Bool,
                       date: String, write: (String) throws -> Void) throws -> Exported {
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
        try write(text)

        var marked: [(file: String, ids: [String])] = []
        if mark {
            let bySession = Dictionary(grouping: items.filter { GTDExport.markedStatus($0.loop.status) != $0.loop.status }, by: \.session)
            for session in sessions where bySession[session.folder] != nil {
                let ids = (bySession[session.folder] ?? []).map(\.loop.id)
                try LoopsFrontend.edit(workspace, session) { document, file in
                    for id in ids {
                        try document.update(id, file: file) { $0.status = GTDExport.markedStatus($0.status) }
                    }
                }
                marked.append((session.path(SessionInput.File.loops), ids))
            }
        }
        return Exported(text: text, items: items, proposed: proposed, marked: marked)
    }

    /// What `import` found, and whether it was written.
    struct Imported {
        var format: GTDFormat
        var outcome: GTDImport.Outcome
        /// LOOPS.md files changed (none on a dry run).
        var files: [String]
    }

    /// Reads a GTD file and applies what came back to the LOOPS.md files that hold the loops.
    /// - Parameter name: the file as the user named it, for messages.
    static func importFile(_ workspace: Workspace, text: String, name: String, format requested: GTDFormat?, dryRun: Bool,
                           date: String) throws -> Imported {
        let format = requested ?? GTDFormat.detect(text)
        let items = try format.read(text, file: name)
        let sessions = try workspace.allSessions()
        let located = GTDImport.locate(sessions.map { ($0.folder, $0.loops?.loops ?? []) })
        let outcome = GTDImport.plan(items, loops: located, source: format.rawValue, date: date)
        var files: [String] = []
        if !dryRun {
            let bySession = Dictionary(grouping: outcome.changes, by: \.session)
            for session in sessions {
                guard let changes = bySession[session.folder] else { continue }
                try LoopsFrontend.edit(workspace, session) { document, file in
                    for change in changes {
                        try document.update(change.after.id, file: file) { $0 = change.after }
                    }
                }
                files.append(session.path(SessionInput.File.loops))
            }
        }
        return Imported(format: format, outcome: outcome, files: files)
    }
}

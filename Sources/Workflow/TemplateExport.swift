import Foundation
import Sessions

/// `rationale templates export`: the session templates as plain Markdown (no Mustache), so a
/// colleague can start a session by copying files, without the binary.
public enum TemplateExport {
    /// The placeholders a person replaces, as the templates' own `[[fill: …]]` marks.
    static let title = "[[fill: the session's title]]"
    static let date = "YYYY-MM-DD"

    /// The built-in templates, for an export outside a repository.
    public static func builtIn() -> TemplateSet {
        TemplateSet(builtIn: Workspace.builtInTemplates())
    }

    /// The files to write, by path relative to the export folder.
    public static func files(_ templates: TemplateSet, sessionsFolder: String, stateFile: String) throws -> [String: String] {
        var files: [String: String] = [:]
        let scaffold = SessionScaffold(templates: templates)
        for kind in SessionKind.allCases {
            let request = SessionScaffold.Request(
                title: "Title", kind: kind, date: date, author: "", budget: 8000, scope: nil, carriedLoops: [], previousSession: "",
                sessionsFolder: sessionsFolder)
            let made = try scaffold.files(for: request, existingFolders: [])
            for (name, text) in made.files {
                let plain = text.replacingOccurrences(of: "# Title", with: "# " + title)
                if name == SessionInput.File.task {
                    files["session/TASK-\(kind.rawValue).md"] = plain
                } else if kind == .general {
                    files["session/" + name] = plain
                }
            }
        }
        files["session/" + SessionInput.File.attempts] = try templates.render(SessionInput.File.attempts, ["title": title])
        files["BOOTLOADER.md"] = try templates.render(
            SessionInput.File.bootloader,
            [
                "tokens": "[[fill: size]]", "title": title, "kind": "[[fill: kind]]", "date": date, "closed": date, "author": "[[fill: you]]",
                "folder": sessionsFolder + "/" + date + "-slug", "state": "[[fill: what was done, in two or three lines]]",
                "problem": "[[fill: the problem, copied from SUMMARY.md]]", "has_problem": true,
                "next_action": "[[fill: the first thing the next session does]]",
            ])
        files["STATE.md"] = try templates.render(
            "STATE.md", ["title": title, "kind": "[[fill: kind]]", "date": date, "folder": sessionsFolder + "/" + date + "-slug"])
        files["AGENTS.md"] = try templates.render("AGENTS.md", [:])
        files["README.md"] = readme(sessionsFolder: sessionsFolder, stateFile: stateFile)
        return files
    }

    static func readme(sessionsFolder: String, stateFile: String) -> String {
        """
        # Session templates, by hand

        These are rationale's session templates as plain Markdown, for starting without the binary.
        Every `[[fill: …]]` is yours to replace; every `<!-- why: … -->` says what a section is for.

        1. Make a folder `\(sessionsFolder)/<YYYY-MM-DD>-<slug>/` and copy `session/SUMMARY.md`,
           `session/LOOPS.md`, `session/CONTEXT.md` and the `session/TASK-<kind>.md` that fits the
           work (as `TASK.md`) into it. In SUMMARY.md's first line, put the title and the date.
        2. Write "Problem, in my words" first, before the agent proposes anything.
        3. Give the agent `AGENTS.md` (the protocol: it proposes, you decide).
        4. When you stop, fill `BOOTLOADER.md` in the session folder: it is what the next session
           reads first. `STATE.md` (as `\(stateFile)`) points at the newest one.

        With the binary, `rationale session start "<title>" --problem "…"` does step 1 with the
        lineage of your change, and `rationale session close` writes the handoff for you.

        """
    }
}

extension TemplateExport {
    /// Writes `files` into `folder` (created; it must be new or empty); returns how many.
    ///
    /// - Throws: ``TemplateExportError/notEmpty(_:)`` when the folder holds anything, before
    ///   writing a file.
    public static func write(_ files: [String: String], into folder: String) throws -> Int {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, (try manager.contentsOfDirectory(atPath: folder)).isEmpty else { throw TemplateExportError.notEmpty(folder) }
        }
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard manager.createFile(atPath: url.path, contents: Data(text.utf8)) else { throw TemplateExportError.cannotWrite(url.path) }
        }
        return files.count
    }
}

/// Why `templates export` wrote nothing.
public enum TemplateExportError: Error, LocalizedError, Equatable {
    case notEmpty(String)
    case cannotWrite(String)

    public var errorDescription: String? {
        switch self {
        case .notEmpty(let folder): return "\(folder) is not an empty folder: export into a new or empty one; nothing was written"
        case .cannotWrite(let path): return "cannot write \(path): check the folder's permissions"
        }
    }
}

import ArgumentParser
import Foundation
import Sessions
import Workflow

extension GTDFormat: ExpressibleByArgument {}

extension Rationale.Loops {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the open loops for a GTD tool: TickTick's backup CSV, todo.txt or JSON.",
            discussion: """
                Writes the approved, carried, exported and clarified loops of the active session (or \
                --session NAME, or --all sessions). Written to a file (--output), it marks the approved \
                and carried ones `exported` in their LOOPS.md (nothing else in the file changes; \
                --no-mark leaves them alone); to standard output it marks nothing unless --mark. \
                Proposed loops wait for approval and are left out. Formats are in docs/SESSIONS.md \
                ("GTD exchange"). Exit 0 written, 2 could not run.

                Examples:
                  rationale loops export --format ticktick --output loops.csv
                  rationale loops export --format todotxt --all --mark >> ~/todo.txt
                  rationale loops export --format json
                """
        )

        @Option(name: .long, help: "The file format to write.")
        var format: GTDFormat

        @Option(name: .long, help: "Write to this file (default: standard output).")
        var output: String?

        @Flag(name: .long, help: "Every session's open loops (the newest copy of each id).")
        var all = false

        @Flag(name: .customLong("no-mark"), help: "Leave the loops' statuses as they are (the default on standard output).")
        var noMark = false

        @Flag(name: .long, help: "Mark the exported loops `exported` even when the export goes to standard output.")
        var mark = false

        @OptionGroup var options: LoopsOptions

        func validate() throws {
            if all, options.session != nil { throw ValidationError("--all and --session exclude each other: pick one") }
            if mark, noMark { throw ValidationError("--mark and --no-mark exclude each other: pick one") }
        }

        func run() throws {
            try runReportingErrors {
                let base = options.repository.resolvedDirectory
                let workspace = try Workspace.open(base)
                let target = output.map { GTDCommandSupport.path($0, base: base) }
                // Staged before the loops are marked, visible after (see GTDFrontend.export).
                var staged: GTDCommandSupport.Staged?
                var printed: String?
                let done = try GTDFrontend.export(
                    workspace, format: format, session: options.session, all: all,
                    // To a file, loops are marked unless --no-mark; to standard output (a look, a
                    // pipe), only with --mark.
                    mark: output != nil ? !noMark : mark,
                    date: GTDCommandSupport.utcDay(Date()),
                    stage: { text in
                        if let target, let output {
                            staged = try GTDCommandSupport.stage(text, to: target, shown: output, workspace: workspace)
                        } else {
                            printed = text
                        }
                    },
                    publish: {
                        if let staged {
                            try Workspace.commit(staged.temporary, to: staged.path, name: staged.shown)
                        } else if let printed {
                            emit(printed, newline: false)
                        }
                    })
                var lines: [String] = []
                if let output {
                    lines.append("wrote \(done.items.count) loop\(done.items.count == 1 ? "" : "s") to \(output) (\(format.rawValue))")
                }
                for (file, ids) in done.marked {
                    lines.append("\(file): \(ids.joined(separator: ", ")) marked exported")
                }
                if !done.proposed.isEmpty {
                    lines.append("left out, still proposed: \(done.proposed.joined(separator: ", ")) (approve with `rationale loops approve <id>`)")
                }
                guard !lines.isEmpty else { return }
                // With the export on standard output, the report goes to standard error.
                if output == nil { emitError(lines.joined(separator: "\n")) } else { emit(lines.joined(separator: "\n")) }
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Bring loops back from a GTD file: done ones close, answered ones become clarified.",
            discussion: """
                Reads a TickTick backup CSV (versions 7.0-7.2), a todo.txt file or the JSON of \
                `loops export`, told apart by content unless --format says. Each item is matched to \
                its loop by id (L-<n>) in whichever session holds it (the newest if several). A done \
                item closes the loop with the clarification as its note; an open item with a new \
                clarification makes it `clarified`. Loops already closed stay as they are; unknown \
                ids are listed. The next `session close` puts what came back into BOOTLOADER.md. \
                Exit 0 read (whatever matched), 2 the file cannot be read (its line and what was \
                expected are named).

                Examples:
                  rationale loops import ~/Downloads/TickTick-backup.csv
                  rationale loops import todo.txt --dry-run
                """
        )

        @Argument(help: "The file to read.")
        var file: String

        @Option(name: .long, help: "The file format (default: told from the content).")
        var format: GTDFormat?

        @Flag(name: .customLong("dry-run"), help: "Say what would change; write nothing.")
        var dryRun = false

        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            try runReportingErrors {
                let base = repository.resolvedDirectory
                let workspace = try Workspace.open(base)
                let text = try GTDCommandSupport.read(GTDCommandSupport.path(file, base: base), shown: file, workspace: workspace)
                let done = try GTDFrontend.importFile(
                    workspace, text: text, name: file, format: format, dryRun: dryRun,
                    date: SessionNaming.day(Date()))
                emit(GTDCommandSupport.report(done, file: file, dryRun: dryRun))
            }
        }
    }
}

/// Paths, dates and the import report for the GTD commands.
enum GTDCommandSupport {
    /// A path as given, resolved against the folder the command runs in.
    static func path(_ given: String, base: String) -> String {
        given.hasPrefix("/") ? given : base + "/" + given
    }

    /// The path of `absolute` relative to the working tree, when it lies inside it (by its
    /// name, before any link is followed); nil for a file elsewhere.
    static func insideWorkingTree(_ absolute: String, workspace: Workspace) -> String? {
        let path = URL(fileURLWithPath: absolute).standardizedFileURL.path
        let roots = [workspace.root, URL(fileURLWithPath: workspace.root).resolvingSymlinksInPath().path]
        for root in roots where path.hasPrefix(root + "/") {
            return String(path.dropFirst(root.count + 1))
        }
        return nil
    }

    /// An export written to a temporary file, waiting to be renamed into place.
    struct Staged {
        var temporary: String
        var path: String
        var shown: String
    }

    /// Writes an export to a temporary file beside its target (the first half of an atomic
    /// write; ``Workspace/commit(_:to:name:)`` is the second). Inside the working tree the
    /// target is a file of the repository, never written through a link; elsewhere the path is
    /// the user's own, links followed (the file a link points to is replaced, the link stays).
    /// Temporary files an earlier, killed export left there are removed.
    static func stage(_ text: String, to absolute: String, shown: String, workspace: Workspace) throws -> Staged {
        let path: String
        if let relative = insideWorkingTree(absolute, workspace: workspace) {
            path = try workspace.contained(relative)
            let parent = (relative as NSString).deletingLastPathComponent
            if !parent.isEmpty { try workspace.makeFolder(parent) }
            try workspace.removeStaleTemporaries(in: parent)
        } else {
            path = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
        }
        return Staged(temporary: try Workspace.writeTemporary(Array(text.utf8), beside: path, name: shown), path: path, shown: shown)
    }

    /// Reads a file to import: inside the working tree never through a link, as every file of
    /// the repository; UTF-8 text either way.
    static func read(_ absolute: String, shown: String, workspace: Workspace) throws -> String {
        if let relative = insideWorkingTree(absolute, workspace: workspace) {
            guard let text = try workspace.read(relative) else { throw WorkspaceError.cannotRead(shown) }
            return text
        }
        guard let data = FileManager.default.contents(atPath: absolute) else { throw WorkspaceError.cannotRead(shown) }
        return try TextFile.decode(data, file: shown)
    }

    /// The UTC day of `date` (TickTick states its backup date in UTC).
    static func utcDay(_ date: Date) -> String {
        SessionNaming.day(date, in: TimeZone(identifier: "UTC") ?? .current)
    }

    /// What the import changed, one line a loop: `L-7 clarified: …`, `L-3 closed: …`,
    /// `L-9 not found`.
    static func report(_ done: GTDFrontend.Imported, file: String, dryRun: Bool) -> String {
        let outcome = done.outcome
        var lines = ["\(file) (\(done.format.rawValue))\(dryRun ? ", dry run: nothing written" : "")"]
        for change in outcome.changes {
            lines.append("\(change.after.id) \(change.after.status.rawValue): \(change.after["note"] ?? "")  (\(change.session)/\(SessionInput.File.loops))")
        }
        for id in outcome.notFound { lines.append("\(id) not found in any session's LOOPS.md") }
        for id in outcome.alreadyClosed { lines.append("\(id) already closed, left as it is") }
        for id in outcome.stillProposed {
            lines.append("\(id) is still proposed: left as it is (approve it first with `rationale loops approve \(id)`)")
        }
        if !outcome.unchanged.isEmpty {
            lines.append("unchanged (still open, nothing new): \(outcome.unchanged.joined(separator: ", "))")
        }
        if outcome.changes.isEmpty && outcome.notFound.isEmpty && outcome.alreadyClosed.isEmpty && outcome.unchanged.isEmpty
            && outcome.stillProposed.isEmpty
        {
            lines.append("no loops in it (no item carries an id L-<n>)")
        }
        return lines.joined(separator: "\n")
    }
}

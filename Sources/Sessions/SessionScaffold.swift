import Foundation

/// What a change touches, as a session's CONTEXT.md shows it.
public struct LineageScope: Sendable, Hashable {
    /// One node in the scope.
    public struct Item: Sendable, Hashable {
        /// The node name (`name.vN` for versioned models).
        public var name: String
        /// `model`, `seed`, …
        public var type: String
        /// The defining file, relative to the repository root.
        public var path: String
        /// Its layer (`staging`, `marts`, …).
        public var layer: String
        /// Why it is in scope, in a few words.
        public var reasons: String

        /// Creates an item.
        public init(name: String, type: String, path: String, layer: String, reasons: String) {
            self.name = name
            self.type = type
            self.path = path
            self.layer = layer
            self.reasons = reasons
        }
    }

    /// What was compared (`staged changes against HEAD`, …).
    public var description: String
    /// The modified (and deleted) nodes.
    public var modified: [Item]
    /// The downstream nodes, nearest first.
    public var downstream: [Item]
    /// Something the reader should know about the scope (no dbt project, notes of impact).
    public var note: String
    /// What the context decisions should name, when it is not every modified node: a changed
    /// macro in place of the models that call it (`note` says how many), then the rest.
    public var toName: [(name: String, note: String)] = []

    public static func == (a: LineageScope, b: LineageScope) -> Bool {
        a.description == b.description && a.modified == b.modified && a.downstream == b.downstream && a.note == b.note
            && a.toName.map(\.name) == b.toName.map(\.name) && a.toName.map(\.note) == b.toName.map(\.note)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(description)
        hasher.combine(modified)
    }

    /// Creates a scope.
    public init(description: String, modified: [Item], downstream: [Item], note: String = "") {
        self.description = description
        self.modified = modified
        self.downstream = downstream
        self.note = note
    }
}

/// Writes the files of a new session from the templates.
public struct SessionScaffold {
    /// What `session start` was asked for.
    public struct Request: Sendable {
        /// The title.
        public var title: String
        /// The kind of work.
        public var kind: SessionKind
        /// `YYYY-MM-DD`.
        public var date: String
        /// Who starts it (git's user.name), or empty.
        public var author: String
        /// The token budget.
        public var budget: Int
        /// The lineage of the current change, when there is a dbt project.
        public var scope: LineageScope?
        /// The loops carried over from the previous session (already given their status).
        public var carriedLoops: [Loop]
        /// The previous session's folder name, or empty.
        public var previousSession: String
        /// The sessions folder, relative to the repository root.
        public var sessionsFolder: String
        /// The problem in the author's words, when given at start.
        public var problem: String?
        /// The commit the session starts from, abbreviated.
        public var base: String?

        /// Creates a request.
        public init(
            title: String, kind: SessionKind, date: String, author: String, budget: Int, scope: LineageScope?,
            carriedLoops: [Loop], previousSession: String, sessionsFolder: String, problem: String? = nil, base: String? = nil
        ) {
            self.problem = problem
            self.base = base
            self.title = title
            self.kind = kind
            self.date = date
            self.author = author
            self.budget = budget
            self.scope = scope
            self.carriedLoops = carriedLoops
            self.previousSession = previousSession
            self.sessionsFolder = sessionsFolder
        }
    }

    /// The most downstream nodes CONTEXT.md lists before saying "and N more".
    public static let downstreamShown = 25

    /// The templates.
    public var templates: TemplateSet

    /// Creates a scaffold over a template set.
    public init(templates: TemplateSet) {
        self.templates = templates
    }

    /// The folder name and the files (name → text) of the new session.
    /// The title is cleaned first (``SessionNaming/title(_:)``): one line that cannot break the
    /// session comment.
    public func files(for request: Request, existingFolders: Set<String>) throws -> (folder: String, files: [String: String]) {
        var request = request
        request.title = SessionNaming.title(request.title)
        let slug = try SessionNaming.slug(request.title)
        let folder = SessionNaming.folderName(date: request.date, slug: slug, existing: existingFolders)
        var values = Self.values(request, folder: request.sessionsFolder.isEmpty ? folder : request.sessionsFolder + "/" + folder, slug: slug)
        values["has_task"] = templates.has(TemplateSet.taskTemplate(request.kind))
        var files: [String: String] = [:]
        for name in [SessionInput.File.summary, SessionInput.File.loops, SessionInput.File.context] {
            files[name] = try templates.render(name, values)
        }
        let task = TemplateSet.taskTemplate(request.kind)
        if templates.has(task) {
            files[SessionInput.File.task] = try templates.render(task, values)
        }
        // The session comment is the tool's: make sure it is there even if an override dropped it.
        if let summary = files[SessionInput.File.summary], SessionMetadata.find(in: summary).metadata == nil {
            files[SessionInput.File.summary] = SessionMetadata(title: request.title, kind: request.kind.rawValue, started: request.date).line + "\n" + summary
        }
        // The problem as first stated, and where the work began: a later rewrite shows.
        if let summary = files[SessionInput.File.summary], let problem = request.problem {
            files[SessionInput.File.summary] = ProblemRecord.recorded(problem, base: request.base, in: summary)
        } else if let summary = files[SessionInput.File.summary], let base = request.base,
            var metadata = SessionMetadata.find(in: summary).metadata
        {
            metadata.base = base
            files[SessionInput.File.summary] = metadata.applied(to: summary)
        }
        return (folder, files)
    }

    /// The values templates see.
    public static func values(_ request: Request, folder: String, slug: String) -> [String: Any] {
        var values: [String: Any] = [
            "title": request.title,
            "slug": slug,
            "kind": request.kind.rawValue,
            "date": request.date,
            "folder": folder,
            "budget": String(request.budget),
            "author": request.author,
            "carried_loops": request.carriedLoops.map(\.line),
            "has_impact": false,
            "impact_base": "",
            "impact_note": "",
            "modified": [[String: Any]](),
            "to_name": [[String: Any]](),
            "downstream": [[String: Any]](),
        ]
        // Mustache treats an empty string as true: leave empty values out.
        if !request.previousSession.isEmpty { values["previous_session"] = request.previousSession }
        if let problem = request.problem { values["problem"] = ProblemRecord.markdown(problem) }
        if let scope = request.scope {
            func item(_ item: LineageScope.Item) -> [String: Any] {
                ["name": item.name, "type": item.type, "path": item.path, "layer": item.layer, "reasons": item.reasons]
            }
            values["has_impact"] = !scope.modified.isEmpty
            values["impact_base"] = scope.description
            values["impact_note"] = scope.note
            values["modified"] = scope.modified.map(item)
            values["to_name"] =
                scope.toName.isEmpty
                ? scope.modified.map { ["name": $0.name] as [String: Any] }
                : scope.toName.map { entry -> [String: Any] in
                    var value: [String: Any] = ["name": entry.name]
                    if !entry.note.isEmpty { value["note"] = entry.note }
                    return value
                }
            values["downstream"] = scope.downstream.prefix(downstreamShown).map(item)
            if scope.downstream.count > downstreamShown {
                values["downstream_more"] = String(scope.downstream.count - downstreamShown)
            }
        }
        return values
    }
}

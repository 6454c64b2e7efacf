import ContextPack
import Diagnostics
import Foundation
import GitKit
import Lineage
import Narrative
import Sessions

/// Composes the lineage engine, git reads and the pack builder for `rationale context`.
public enum ContextFrontend {
    public struct Request {
        public var comparison: Comparison
        public var budget: Int?
        public var select: [String]
        public var expand: [String]
        /// Answer from dbt's manifests (absolute paths: the change's manifest.json and the state)
        /// instead of git; nil reads the project from git.
        public var manifest: (path: String, state: String)? = nil

        /// Creates a request.
        public init(comparison: Comparison, budget: Int?, select: [String], expand: [String], manifest: (path: String, state: String)? = nil) {
            self.comparison = comparison
            self.budget = budget
            self.select = select
            self.expand = expand
            self.manifest = manifest
        }
    }

    public struct Packed {
        public var pack: ContextPack
        public var scope: String
    }

    /// The block `--write` keeps in the session's CONTEXT.md.
    public static let block = MarkedBlock(begin: ContextDecisions.packBegin, end: ContextDecisions.packEnd)

    public static func pack(_ workspace: Workspace, _ request: Request) throws -> Packed {
        let repository = workspace.repository
        let budget = request.budget ?? workspace.config.budget
        var (base, head, scope) = try snapshots(workspace, request.comparison)
        if let manifest = request.manifest {
            scope = "manifest \(manifest.path) against state \(manifest.state) (answered from dbt's manifests)"
        }
        let changes = try repository.diff(from: base, to: head, renames: true)
        let sessionsPrefix = workspace.config.sessions + "/"

        var changed: [PackNode] = []
        var indirect: [PackNode] = []
        var children: [PackNode] = []
        var parents: [PackNode] = []
        var farther: [PackNode] = []
        var foreignMacros = Set<String>()
        var nodePaths = Set<String>()
        var manifestPaths = Set<String>()
        var fromManifestPaths = false
        // Files of the selected nodes (with --select, the diff keeps to them and to files that
        // define no node).
        var selectedPaths = Set<String>()
        // The dbt projects' folders ("" for the root): their files' diffs are essential.
        var projectRoots: [String] = []
        let changedPaths = Set(changes.flatMap { [$0.path, $0.oldPath, $0.newPath].compactMap { $0 } })
        do {
            let options = ImpactOptions(downstream: nil, upstream: 1, withTests: true)
            let result: ImpactResult
            if let manifest = request.manifest {
                result = try ManifestImpact.run(manifest: manifest.path, state: manifest.state, options: options)
                AnswerKeeper.keep(result)
            } else {
                result = try workspace.impact([request.comparison], options: options)[0]
            }
            // A manifest holds each node's code (raw_code) and paths relative to the project.
            let fromManifest = result.source == .manifest
            fromManifestPaths = fromManifest
            for report in result.reports {
                let project = report.project
                projectRoots.append(project.root)
                var modified = report.nodes.filter { $0.role == .modified || $0.role == .deleted }
                if !request.select.isEmpty {
                    modified = modified.filter { item in !ModifiedNode(item.node).aliases.isDisjoint(with: request.select) }
                    for item in modified { selectedPaths.formUnion([item.node.path, item.node.propertiesPath].compactMap { $0 }) }
                }
                let changedMacros = Set(report.changedMacros.map(\.uniqueID))
                var fullIDs = Set<String>()
                for item in modified {
                    let node = item.node
                    let reasons = item.reasons.map { "\($0.code): \($0.detail)" }
                    // Its own file changed (or it is new, deleted, or asked for by name): in full.
                    let direct =
                        item.role == .deleted || item.reasons.contains { ["new", "fqn", "body", "checksum"].contains($0.code) }
                        || changedPaths.contains(node.path) || !request.select.isEmpty
                    for macro in node.macroDependencies where !macro.hasPrefix("macro.\(project.name).") { foreignMacros.insert(macro) }
                    if direct {
                        fullIDs.insert(node.uniqueID)
                        changed.append(
                            try packNode(
                                node, relation: .modified, distance: 0, reasons: reasons, code: true, head: head, workspace: workspace,
                                fromManifest: fromManifest))
                    } else {
                        var packed = try packNode(node, relation: .indirect, distance: 0, reasons: reasons, code: true, head: head, workspace: workspace)
                        packed.via = via(node, item.reasons, project: project, changedMacros: changedMacros, changedPaths: changedPaths)
                        indirect.append(packed)
                    }
                }
                for name in request.expand {
                    guard let node = project.nodes.values.first(where: { !ModifiedNode($0).aliases.isDisjoint(with: [name]) }) else {
                        throw ContextError.unknownNode(name)
                    }
                    guard fullIDs.insert(node.uniqueID).inserted else { continue }
                    indirect.removeAll { $0.uniqueID == node.uniqueID }
                    changed.append(
                        try packNode(
                            node, relation: .expanded, distance: 0, reasons: [], code: true, head: head, workspace: workspace, fromManifest: fromManifest))
                }
                // The columns each changed model's diff touches, to put the children that read them first.
                var changedColumns: [String] = []
                for id in fullIDs.sorted() {
                    guard let node = project.nodes[id], node.resourceType == .model, let change = changes.first(where: { $0.path == node.path }) else {
                        continue
                    }
                    changedColumns += try Self.changedColumns(node, change: change, head: head, workspace: workspace)
                }
                // Direct parents and children of what is shown in full; then the rest downstream.
                var seen = fullIDs.union(indirect.map(\.uniqueID))
                for id in fullIDs.sorted() {
                    let node = project.nodes[id]
                    for parent in (node?.parents ?? []) where seen.insert(parent).inserted {
                        if let parentNode = project.nodes[parent] {
                            parents.append(try packNode(parentNode, relation: .parent, distance: 1, reasons: [], code: false, head: head, workspace: workspace))
                        }
                    }
                    for child in project.children[id] ?? [] where seen.insert(child).inserted {
                        guard let childNode = project.nodes[child], childNode.resourceType != .test else { continue }
                        var packed = try packNode(childNode, relation: .child, distance: 1, reasons: [], code: false, head: head, workspace: workspace)
                        if !changedColumns.isEmpty, !fromManifest, let bytes = try read(childNode.path, id: nil, head: head, workspace: workspace) {
                            let words = Self.words(String(decoding: bytes.prefix(1 << 20), as: UTF8.self))
                            packed.readsChangedColumns = changedColumns.filter { words.contains($0.lowercased()) }
                        }
                        children.append(packed)
                    }
                }
                let restricted = !request.select.isEmpty
                for item in report.nodes where item.role == .downstream && !seen.contains(item.node.uniqueID) {
                    // With --select, keep only what lies below the selected nodes.
                    if restricted, !reachable(from: fullIDs, to: item.node.uniqueID, children: project.children) { continue }
                    seen.insert(item.node.uniqueID)
                    farther.append(
                        PackNode(
                            name: displayName(item.node), uniqueID: item.node.uniqueID, type: item.node.resourceType.rawValue,
                            layer: item.node.layer, path: item.node.path, materialized: nil, description: "", columns: [],
                            tests: [], reasons: [], code: nil, config: [], relation: .farther, distance: item.distance))
                }
                nodePaths.formUnion(project.nodes.values.map(\.path))
                if fromManifest { manifestPaths.formUnion(project.nodes.values.map(\.path)) }
            }
        } catch LineageError.noProject {
            // Not a dbt repository: the pack is the changed files.
        }
        farther.sort { ($0.distance, $0.name) < ($1.distance, $1.name) }
        // Those that read a changed column first, in the order found.
        children = children.filter { !$0.readsChangedColumns.isEmpty } + children.filter { $0.readsChangedColumns.isEmpty }

        // Every changed file as a diff; whole, later, when no node shows it.
        var files: [PackFile] = []
        // Session files and STATE.md are the protocol's own notes, not the change.
        let protocolFiles: Set<String> = [workspace.config.stateFile]
        // Manifest paths are relative to the dbt project: a changed file under the project that
        // ends with one defines a node the pack already shows.
        func definesNode(_ path: String) -> Bool {
            nodePaths.contains(path) || (!manifestPaths.isEmpty && manifestPaths.contains { path.hasSuffix("/" + $0) })
        }
        for change in changes where !change.path.hasPrefix(sessionsPrefix) && !protocolFiles.contains(change.path) {
            if !request.select.isEmpty, definesNode(change.path) || change.path.hasSuffix(".yml") || change.path.hasSuffix(".yaml"),
                !selectedPaths.contains(change.path)
            {
                continue
            }
            let old = try change.oldID.map { try repository.readBlob($0) }
            let new = try change.newPath.map { try read($0, id: change.newID, head: head, workspace: workspace) } ?? nil
            // dbt's own output committed by mistake (docs/manifest.json, target/…): its size, not its text.
            if Self.isArtifact(change.path) {
                let note = "(a dbt artifact, generated: \(old?.count ?? 0) → \(new?.count ?? 0) bytes; not shown)"
                files.append(PackFile(path: change.path, diff: note, content: nil, essential: false))
                continue
            }
            func diff(_ context: Int) throws -> String {
                try Repository.unifiedDiff(
                    old: old, new: new, oldPath: change.oldPath ?? change.path, newPath: change.newPath ?? change.path,
                    oldMode: change.oldMode ?? .file, newMode: change.newMode ?? .file, contextLines: context)
            }
            let full = try diff(3)
            var tight = try diff(0)
            // A seed is data: past a few lines, its changed rows are counted, the first shown.
            if change.path.hasSuffix(".csv") { tight = Self.dataSummary(tight) }
            let content = definesNode(change.path) ? nil : new.flatMap { String(validating: $0, as: UTF8.self) }
            let essential = projectRoots.isEmpty || fromManifestPaths || projectRoots.contains { $0.isEmpty || change.path.hasPrefix($0 + "/") }
            files.append(
                PackFile(
                    path: change.path, diff: full.isEmpty ? "(no textual change)" : full, tightDiff: tight == full || tight.isEmpty ? nil : tight,
                    content: content, essential: essential))
        }

        let input = ContextPackBuilder.Input(
            scope: scope, budget: budget, files: files, changed: changed, indirect: indirect, children: children, parents: parents,
            farther: farther, foreignMacros: foreignMacros.sorted())
        do {
            return Packed(pack: try ContextPackBuilder.build(input), scope: scope)
        } catch ContextPackError.diffDoesNotFit(let needed, let suggested, let budget, let files, let nodes) {
            throw ContextError.doesNotFit(needed: needed, suggested: suggested, budget: budget, files: files, nodes: nodes)
        }
    }

    /// The 1-based line numbers of the pack's block, markers included.
    public static func blockLines(_ text: String) -> [Int] {
        let lines = TextLines(text).lines.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let start = lines.firstIndex(of: block.begin), let end = lines[start...].firstIndex(of: block.end) else { return [] }
        return Array((start + 1)...(end + 1))
    }

    public static func reachable(from roots: Set<String>, to target: String, children: [String: [String]]) -> Bool {
        var frontier = Array(roots)
        var seen = roots
        while let id = frontier.popLast() {
            if id == target { return true }
            for child in children[id] ?? [] where seen.insert(child).inserted { frontier.append(child) }
        }
        return false
    }

    public static func displayName(_ node: Node) -> String {
        // A source table often shares its name with the staging model that reads it.
        if node.resourceType == .source, let source = node.fqn.dropLast().last { return "\(source).\(node.name)" }
        return node.versionedName
    }

    public static func packNode(
        _ node: Node, relation: PackNode.Relation, distance: Int, reasons: [String], code: Bool,
        head: Snapshot, workspace: Workspace, fromManifest: Bool = false
    ) throws -> PackNode {
        var text: String?
        if fromManifest {
            // The manifest's raw_code (seeds carry a checksum, not their rows).
            if code, [.model, .snapshot, .analysis].contains(node.resourceType) { text = node.bodyKey }
        } else if code, [.model, .snapshot, .seed, .analysis].contains(node.resourceType), !node.path.isEmpty,
            let bytes = try read(node.path, id: nil, head: head, workspace: workspace)
        {
            let content = String(decoding: bytes, as: UTF8.self)
            // A seed is data: its header and first rows say enough.
            text = node.resourceType == .seed ? content.split(separator: "\n").prefix(6).joined(separator: "\n") : content
        }
        var config: [String] = []
        for key in ["materialized", "unique_key", "incremental_strategy", "on_schema_change", "schema", "alias"] {
            if let value = (node.config[key] ?? (key == "materialized" ? node.renderedConfig[key] : nil))?.scalarText {
                config.append("\(key): \(value)")
            }
        }
        if node.contractEnforced { config.append("contract: enforced") }
        return PackNode(
            name: displayName(node), uniqueID: node.uniqueID, type: node.resourceType.rawValue, layer: node.layer, path: node.path,
            materialized: node.materialized, description: node.description,
            columns: node.columns.map { ($0.name, $0.description, $0.dataType) },
            tests: node.tests.map(\.name).sorted(), reasons: reasons, code: text, config: config,
            relation: relation, distance: distance)
    }

    /// A file's bytes in the head snapshot.
    public static func read(_ path: String, id: ObjectID?, head: Snapshot, workspace: Workspace) throws -> [UInt8]? {
        switch head {
        case .workdir:
            // As git holds it: a symbolic link is its target's text, never the file it points to.
            return try workspace.repository.entries(of: .workdir, under: path).first { $0.path == path }.map { try workspace.repository.read($0) }
        case .empty:
            return nil
        case .index:
            if let id { return try workspace.repository.readBlob(id) }
            return try workspace.repository.indexEntries(at: [path]).first.map { try workspace.repository.read($0) }
        case .commit:
            if let id { return try workspace.repository.readBlob(id) }
            return try workspace.repository.entries(of: head, under: path).first { $0.path == path }.map { try workspace.repository.read($0) }
        }
    }

    /// The two states compared, and how the pack names them.
    public static func snapshots(_ workspace: Workspace, _ comparison: Comparison) throws -> (Snapshot, Snapshot, String) {
        let (base, head, mode) = try ImpactEngine.snapshots(comparison, in: workspace.repository)
        switch (mode, base, head) {
        case (.staged, _, _): return (base, head, "staged changes against HEAD")
        case (.worktree, _, _): return (base, head, "the working tree against HEAD")
        case (_, .commit(let mergeBase), .commit(let headCommit)):
            return (base, head, "\(headCommit.abbreviated()) against merge-base \(mergeBase.abbreviated())")
        default: return (base, head, mode.rawValue)
        }
    }

    /// Writes the pack's decisions into the session's CONTEXT.md, inside its `Context decisions`
    /// section (a marked block, replaced on the next write; the author's lines stay).
    public static func write(_ pack: ContextPack, to workspace: Workspace, session requested: String?) throws -> String {
        let session = try workspace.activeSession(requested)
        let path = session.path(SessionInput.File.context)
        let lines = ["Budget: \(pack.budget) tokens", "Used: \(pack.tokens) tokens (\(TokenEstimate.method))", ""] + pack.decisions.map(\.line)
        var text = session.files[SessionInput.File.context] ?? "# Context\n"
        // Template lines still waiting for words in that section, and figures outside the block,
        // are replaced by the pack's.
        if let section = MarkdownDocument(text).section(ContextDecisions.sectionTitle) {
            let inside = block.contents(of: text) == nil ? [] : Set(Self.blockLines(text))
            let visible = Set(
                section.visibleBody.filter { line in
                    let trimmed = line.text.trimmingCharacters(in: .whitespaces)
                    return !inside.contains(line.number)
                        && (line.text.contains(MarkdownText.placeholderOpen) || trimmed.hasPrefix("Budget:") || trimmed.hasPrefix("Used:"))
                }.map(\.number))
            let split = TextLines(text)
            var all = split.lines
            for number in visible.sorted(by: >) { all.remove(at: number - 1) }
            text = split.with(all).text
        }
        if let replaced = block.replacing(in: text, with: lines) {
            text = replaced
        } else {
            let body = [block.begin] + lines + [block.end]
            var split = TextLines(text)
            var all = split.lines
            if let section = MarkdownDocument(text).section(ContextDecisions.sectionTitle) {
                // Right under the heading; the template's own Budget/Used lines follow and are
                // read after these (the first figure wins).
                all.insert(contentsOf: [""] + body, at: section.line)
            } else {
                while all.last == "" { all.removeLast() }
                all += ["", "## \(ContextDecisions.sectionTitle)", ""] + body
            }
            split.endsWithNewline = true
            text = split.with(all).text
        }
        try workspace.replace(path, text)
        return path
    }
}

public enum ContextError: Error, LocalizedError {
    /// Past this, a budget is no advice: the change is too large for one pack.
    static let largestSuggestion = 50_000

    case doesNotFit(needed: Int, suggested: Int, budget: Int, files: [String], nodes: [String])
    case unknownNode(String)

    public var errorDescription: String? {
        switch self {
        case .doesNotFit(let needed, let suggested, let budget, let files, let nodes):
            var unique: [String] = []
            for node in nodes where !unique.contains(node) { unique.append(node) }
            let narrow =
                unique.count > 1 ? " or narrow with --select NAME (one of \(unique.prefix(8).joined(separator: ", "))\(unique.count > 8 ? ", …" : ""))" : ""
            let what =
                "the diff of the change alone (\(files.count) file\(files.count == 1 ? "" : "s"), without context lines) needs about \(needed) tokens, over the budget of \(budget)"
            guard needed <= Self.largestSuggestion else {
                return
                    "\(what): more than a pack should hold; narrow with --select NAME\(unique.isEmpty ? "" : " (one of \(unique.prefix(8).joined(separator: ", "))\(unique.count > 8 ? ", …" : ""))"), or read the change with git diff"
            }
            return "\(what): use --budget \(suggested) (it holds the diff with its context and the changed SQL)\(narrow)"
        case .unknownNode(let name):
            return "--expand \(Echo.shortened(name)): no such node in the project (a model, seed, snapshot or source name, a unique id or a path)"
        }
    }
}

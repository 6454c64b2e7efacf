import Foundation
import GitKit

/// The two caches, handed to two threads that each touch only their own.
private struct SaveJobs: @unchecked Sendable {
    let parse: ParseCache
    let projects: ProjectCache
}

/// Which two states of the repository to compare.
public enum Comparison: Sendable, Hashable {
    /// The index against HEAD (an unborn HEAD is the empty tree).
    case staged
    /// The working tree (untracked files included) against HEAD.
    case worktree
    /// `head` (default HEAD) against merge-base(`base`, `head`), the way a pull request compares.
    case range(base: String, head: String?)
}

/// What to analyse.
public struct ImpactRequest: Sendable {
    /// The two states to compare.
    public var comparison: Comparison
    /// The project folder, relative to the repository root; nil finds it.
    public var project: String?
    /// The adapter for `adapter.dispatch`; nil reads `profiles.yml` in the repository.
    public var adapter: String?
    /// Graph options.
    public var options: ImpactOptions
    /// Whether a report's project may hold only the part of the head the answer reaches (its
    /// nodes, their ancestors and namesakes): enough for the nodes, selector and lineage scope
    /// of the report, not to list the project. A warm hook then reads only that part.
    public var partialProject = false

    /// Creates a request.
    public init(comparison: Comparison, project: String? = nil, adapter: String? = nil, options: ImpactOptions = ImpactOptions()) {
        self.comparison = comparison
        self.project = project
        self.adapter = adapter
        self.options = options
    }
}

/// What two states an answer compares.
public enum ImpactMode: String, Sendable, Hashable {
    /// The index against HEAD.
    case staged
    /// The working tree against HEAD.
    case worktree
    /// A head commit against its merge-base with a base revision.
    case range
    /// Two dbt manifests (`--manifest` against `--state`).
    case manifest
}

/// The analysis of one change: one report per dbt project the change touches.
public struct ImpactResult: Sendable {
    /// What it compares.
    public var mode: ImpactMode
    /// The base: a commit id, or `empty`.
    public var base: String
    /// The head: a commit id, `index` or `worktree`.
    public var head: String
    /// The adapter dispatch was resolved for, if known.
    public var adapter: String?
    /// Reports, one per project in scope.
    public var reports: [ImpactReport]
    /// What answered: the project read from git, or dbt's manifests.
    public var source: ImpactSource = .git
}

/// What an impact answer was computed from.
public enum ImpactSource: String, Sendable, Hashable {
    /// The dbt project read from git objects at both revisions.
    case git
    /// Two dbt manifests: `--state` (base) and `--manifest` (head).
    case manifest
}

/// Answers "which dbt nodes does this change modify, and what lies downstream" from git objects.
public struct ImpactEngine {
    let repository: Repository
    let cache: ParseCache
    let projects: ProjectCache
    /// Whether the head may be patched from the base when only model or seed files changed
    /// (off: always read the whole head; the answers are the same, only slower).
    let incremental: Bool

    /// Creates an engine over an open repository and a parse cache.
    public init(repository: Repository, cache: ParseCache, incremental: Bool = true) {
        self.repository = repository
        self.cache = cache
        self.projects = ProjectCache(folder: cache.projectFolder, version: cache.version)
        self.incremental = incremental
    }

    /// Writes what this run added to the parse cache and the project cache, both at once (two
    /// independent files, encoded on two cores). A cache that cannot be written (a read-only
    /// checkout) only costs speed next time, so failures are ignored.
    public func saveCaches() {
        let jobs = SaveJobs(parse: cache, projects: projects)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 { try? jobs.parse.save() } else { try? jobs.projects.save() }
        }
    }

    /// Runs the analysis.
    public func run(_ request: ImpactRequest) throws -> ImpactResult {
        let (base, head, mode) = try Self.snapshots(request.comparison, in: repository)
        let changes = try repository.diff(from: base, to: head, renames: true)
        let headEntries = try repository.entries(of: head)
        let projectFiles = Self.projectFiles(in: headEntries)
        // Small files read once per run (profiles, dbt_project.yml, packages.yml) skip the parse
        // cache, so a run answered from the project cache never decodes it.
        let direct = GitFileSource(repository: repository, cache: ParseCache(file: nil, version: cache.version))
        let roots = try chooseProjects(
            request.project, projectFiles: projectFiles, changes: changes,
            headEntries: headEntries, source: direct)
        let source = GitFileSource(repository: repository, cache: cache)
        var adapter = request.adapter
        if adapter == nil { adapter = try adapterFromProfiles(headEntries, roots: roots, source: direct) }
        var baseEntries: [TreeEntry]?
        var reports: [ImpactReport] = []
        for root in roots {
            let prefix = ProjectLoader.folderPrefix(root)
            // Local packages inside the repository are part of the project: their changes too.
            let headPackages = try ProjectLoader.localPackages(root: root, entries: headEntries, source: direct)
            let packagePrefixes = headPackages.map(ProjectLoader.folderPrefix)
            let touched = changes.filter { change in
                change.paths.contains { path in
                    path.hasPrefix(prefix) || packagePrefixes.contains { path.hasPrefix($0) && !ProjectLoader.isBuildOutput(path.dropFirst($0.count)) }
                }
            }
            func packages(_ roots: [String], in entries: [TreeEntry]) -> [(root: String, entries: [TreeEntry])] {
                roots.map { package in
                    let packagePrefix = ProjectLoader.folderPrefix(package)
                    // A package that holds the project (`local: ../`) leaves the project's own
                    // files out; one inside the project folder keeps all of its own.
                    let holdsProject = prefix.hasPrefix(packagePrefix)
                    return (package, entries.filter { $0.path.hasPrefix(packagePrefix) && !(holdsProject && $0.path.hasPrefix(prefix)) })
                }
            }
            let headProject: DbtProject
            var baseProject: DbtProject?
            var onlyChanged: Set<String>?
            var notes: [ImpactNote] = []
            if touched.isEmpty {
                // Nothing of this project changed: answer without reading it (the hook's fast path).
                headProject = try ProjectLoader.load(
                    root: root, entries: headEntries.entry(at: prefix + "dbt_project.yml").map { [$0] } ?? [], source: direct, adapter: adapter)
                baseProject = headProject
            } else {
                // Packages `dbt deps` installed (ignored by git): the same code on both sides.
                let installed = try installedPackages(root: root, headEntries: headEntries, source: direct)
                let installedKey = installed.map { $0.digest.isEmpty ? "" : "\u{1}installed=" + $0.digest } ?? ""
                let baseKey = try treeKey(base, root: root, adapter: adapter, projects, packages: headPackages).map { $0 + installedKey }
                let headKey = try treeKey(head, root: root, adapter: adapter, projects, packages: headPackages).map { $0 + installedKey }
                let stagedKey = headKey == nil ? Self.stagedKey(head, baseKey: baseKey, changes: changes) : nil
                let installedPackages = installed?.packages ?? []
                if installed?.isInstalled != true, try InstalledPackages.wanted(root: root, entries: headEntries, source: direct) {
                    let folder = installed?.folder ?? prefix + "dbt_packages"
                    notes.append(
                        ImpactNote(
                            code: "packages_not_installed",
                            message:
                                "\(folder)/ is not in the working tree: the models and macros of the project's hub and git packages are not followed (run `dbt deps` first for an answer that includes them)"
                        ))
                }
                // The patched head knows the project's own files only: a change in a package (or
                // outside the project folder) reads the whole head.
                let outsideProject = touched.contains { change in
                    change.paths.contains { path in !path.hasPrefix(prefix) || packagePrefixes.contains { path.hasPrefix($0) } }
                }
                var head = headKey.flatMap { projects.load($0) }
                if head == nil, request.partialProject, incremental, !outsideProject, let baseKey,
                    let lane = try patchFromLookup(baseKey: baseKey, touched: touched, headEntries: headEntries, source: direct, adapter: adapter)
                {
                    (baseProject, head, onlyChanged) = (lane.base, lane.head, lane.changed)
                } else if let baseKey, let cached = projects.load(baseKey) {
                    baseProject = cached
                } else {
                    if baseEntries == nil { baseEntries = try repository.entries(of: base) }
                    let baseFiles = (baseEntries ?? []).filter { $0.path.hasPrefix(prefix) }
                    if baseFiles.entry(at: prefix + "dbt_project.yml") != nil {
                        let basePackages = try ProjectLoader.localPackages(root: root, entries: baseEntries ?? [], source: direct)
                        let loaded = try ProjectLoader.load(
                            root: root, entries: baseFiles, source: source, adapter: adapter,
                            packages: packages(basePackages, in: baseEntries ?? []) + installedPackages)
                        baseProject = loaded
                        if let baseKey { projects.store(loaded, key: baseKey) }
                    } else {
                        notes.append(
                            ImpactNote(
                                code: "new_project", message: "the base revision has no dbt project at \(root.isEmpty ? "the root" : root): every node is new"))
                    }
                }
                if head == nil, onlyChanged == nil, incremental, !outsideProject, var working = baseProject {
                    // Hand the base over so the patch edits it in place (no copy of thousands of
                    // nodes); keep of the base only what the comparison needs.
                    baseProject = nil
                    let (config, macros, docs) = (working.config, working.macros, working.docs)
                    if let result = try ProjectLoader.patch(&working, changes: touched, headEntries: headEntries, source: direct, adapter: adapter) {
                        baseProject = DbtProject(
                            root: root, config: config, nodes: result.old, macros: macros,
                            docs: docs, unresolved: [], children: [:])
                        head = working
                        onlyChanged = result.changed
                    } else {
                        baseProject = working
                    }
                }
                // What neither lane could patch (a change in a package) may be a staged state seen before.
                if head == nil, let stagedKey, let cached = projects.load(stagedKey) {
                    head = cached
                    projects.stagedAnswers += 1
                }
                if let head {
                    headProject = head
                } else {
                    let loaded = try ProjectLoader.load(
                        root: root, entries: headEntries.filter { $0.path.hasPrefix(prefix) }, source: source, adapter: adapter,
                        packages: packages(headPackages, in: headEntries) + installedPackages)
                    headProject = loaded
                    if let key = headKey ?? stagedKey { projects.store(loaded, key: key) }
                }
                for change in touched {
                    let rel = String(change.path.dropFirst(prefix.count))
                    if rel == "packages.yml" || rel == "dependencies.yml" || rel == "package-lock.yml" {
                        notes.append(
                            ImpactNote(
                                code: "packages_changed",
                                message:
                                    "\(change.path) changed: package code cannot be followed from git alone; pass --manifest target/manifest.json (with --state for the base) for an exact answer"
                            ))
                    }
                }
            }
            if adapter == nil, headProject.macros.values.contains(where: { !$0.dispatches.isEmpty }) {
                notes.append(
                    ImpactNote(
                        code: "adapter_unknown",
                        message:
                            "no adapter known (--adapter, or a profiles.yml in the repository): every `<adapter>__name` implementation of a dispatched macro counts"
                    ))
            }
            let renamed = Dictionary(
                touched.compactMap { change -> (String, String)? in
                    guard change.status == .renamed, let old = change.oldPath, let new = change.newPath else { return nil }
                    return (old, new)
                }, uniquingKeysWith: { a, _ in a })
            let changeSet = ChangeClassifier.classify(base: baseProject, head: headProject, renamedFiles: renamed, only: onlyChanged)
            let missing = source.missingPaths.union(direct.missingPaths)
                .filter { path in path.hasPrefix(prefix) || packagePrefixes.contains { path.hasPrefix($0) } }.sorted()
            if !missing.isEmpty {
                notes.append(
                    ImpactNote(
                        code: "missing_blobs",
                        message:
                            "\(missing.count) file(s) have no content in this clone (a partial clone, --filter=blob:none?), so their nodes are compared by blob id only and may be reported modified without being so: \(missing.prefix(5).joined(separator: ", "))\(missing.count > 5 ? ", …" : "") — fetch them (`git fetch --refetch origin`, or clone without --filter) and run again for an exact answer"
                    ))
            }
            if !headProject.unresolved.isEmpty {
                notes.append(
                    ImpactNote(
                        code: "unresolved_refs",
                        message:
                            "\(headProject.unresolved.count) ref()/source() call(s) are not literals and were not followed: \(headProject.unresolved.prefix(3).map { "\($0.file):\($0.line) \($0.text)" }.joined(separator: "; "))"
                    ))
            }
            reports.append(ImpactAnalyzer.report(changes: changeSet, base: baseProject, head: headProject, options: request.options, notes: notes))
        }
        return ImpactResult(mode: mode, base: Self.describe(base), head: Self.describe(head), adapter: adapter, reports: reports)
    }

    /// The packages installed in the working tree for the project at `root`; nil in a bare
    /// repository or when the head has no readable `dbt_project.yml` there.
    func installedPackages(root: String, headEntries: [TreeEntry], source: GitFileSource) throws -> InstalledPackages? {
        let projectFile = ProjectLoader.folderPrefix(root) + "dbt_project.yml"
        guard !repository.isBare, let entry = headEntries.entry(at: projectFile),
            case .yaml(let yaml) = try source.parsed(entry, as: .yaml),
            let config = try? ProjectConfig(yaml: yaml, file: projectFile)
        else { return nil }
        return try InstalledPackages.read(root: root, config: config, repository: repository, skipping: [config.name], source: source)
    }

    /// The two states a comparison reads: HEAD (or the empty tree when unborn) against the index
    /// or the working tree, or a head commit against its merge-base with the base revision;
    /// with the mode's name (`staged`, `worktree`, `range`).
    public static func snapshots(_ comparison: Comparison, in repository: Repository) throws -> (base: Snapshot, head: Snapshot, mode: ImpactMode) {
        switch comparison {
        case .staged, .worktree:
            if repository.isBare {
                throw GitError.bareRepository(operation: comparison == .staged ? "--staged compares the index" : "--worktree compares the working tree")
            }
            let base: Snapshot = try repository.headCommit().map { .commit($0) } ?? .empty
            return (base, comparison == .staged ? .index : .workdir, comparison == .staged ? .staged : .worktree)
        case .range(let baseRevision, let headRevision):
            let baseCommit = try repository.resolveCommit(baseRevision)
            let headCommit = try repository.resolveCommit(headRevision ?? "HEAD")
            let mergeBase = try repository.mergeBase(baseCommit, headCommit)
            return (.commit(mergeBase), .commit(headCommit), .range)
        }
    }

    static func describe(_ snapshot: Snapshot) -> String {
        switch snapshot {
        case .commit(let id): return id.hex
        case .index: return "index"
        case .workdir: return "worktree"
        case .empty: return "empty"
        }
    }

    /// Folders holding a `dbt_project.yml`, outside installed packages and build output.
    /// Whether `path` names a file called exactly `dbt_project.yml`, by its bytes (as dbt reads
    /// a file name): String's hasSuffix compares characters, and generic UTF-8 view slicing was
    /// slower still, ~270 to ~650 instructions a path of a 50,000-file index.
    static func isProjectFile(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            let name: StaticString = "dbt_project.yml"
            let length = name.utf8CodeUnitCount
            guard bytes.count >= length, let start = bytes.baseAddress,
                memcmp(start + bytes.count - length, name.utf8Start, length) == 0
            else { return false }
            return bytes.count == length || bytes[bytes.count - length - 1] == UInt8(ascii: "/")
        }
    }

    public static func projectFiles(in entries: [TreeEntry]) -> [String] {
        entries.compactMap { entry -> String? in
            guard isProjectFile(entry.path) else { return nil }
            let folder = entry.path == "dbt_project.yml" ? "" : String(entry.path.dropLast("/dbt_project.yml".count))
            let parts = folder.split(separator: "/")
            if parts.contains(where: { $0 == "dbt_packages" || $0 == "dbt_modules" || $0 == "target" || $0 == "node_modules" }) { return nil }
            return folder
        }.sorted()
    }

    func chooseProjects(
        _ requested: String?, projectFiles: [String], changes: [FileChange], headEntries: [TreeEntry] = [],
        source: GitFileSource? = nil
    ) throws -> [String] {
        if let requested {
            let normalised = ProjectConfig.normalise(requested == "." ? "" : requested)
            guard projectFiles.contains(normalised) else {
                throw LineageError.projectNotFound(path: requested, candidates: projectFiles)
            }
            return [normalised]
        }
        guard !projectFiles.isEmpty else { throw LineageError.noProject(revision: "this revision") }
        if projectFiles.count == 1 { return projectFiles }
        // Several projects: the ones the change touches (the innermost project owns a file).
        var touched: [String] = []
        for change in changes {
            for path in [change.oldPath, change.newPath].compactMap({ $0 }) {
                let owner = projectFiles.filter { $0.isEmpty || path.hasPrefix($0 + "/") }.max(by: { $0.count < $1.count })
                if let owner, !touched.contains(owner) { touched.append(owner) }
            }
        }
        // A project whose local package (`local:` in packages.yml) the change touches is touched
        // too: dbt reads the package as part of it.
        for project in projectFiles where !touched.contains(project) {
            guard let source else { break }
            let packages = try ProjectLoader.localPackages(root: project, entries: headEntries, source: source)
            let prefixes = packages.map(ProjectLoader.folderPrefix)
            let projectPrefix = ProjectLoader.folderPrefix(project)
            if changes.contains(where: { change in
                change.paths.contains { path in prefixes.contains { path.hasPrefix($0) } && !path.hasPrefix(projectPrefix) }
            }) {
                touched.append(project)
            }
        }
        return touched.isEmpty ? [projectFiles[0]] : touched.sorted()
    }

    /// The adapter type of the project's profile, from a `profiles.yml` in the project or at the root.
    func adapterFromProfiles(_ entries: [TreeEntry], roots: [String], source: GitFileSource) throws -> String? {
        for root in roots {
            let prefix = ProjectLoader.folderPrefix(root)
            let candidates = [prefix + "profiles.yml", "profiles.yml"]
            let projectFile = prefix + "dbt_project.yml"
            // The first of the candidates in path order, as a scan of the sorted entries finds it.
            guard let entry = candidates.compactMap({ entries.entry(at: $0) }).min(by: { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }),
                let projectEntry = entries.entry(at: projectFile)
            else { continue }
            guard case .yaml(let profiles) = try source.parsed(entry, as: .yaml),
                case .yaml(let project) = try source.parsed(projectEntry, as: .yaml)
            else { continue }
            let profileName = project["profile"]?.scalarText
            let profile = profileName.flatMap { profiles[$0] } ?? profiles.pairs?.first(where: { $0.key != "config" })?.value
            guard let outputs = profile?["outputs"]?.pairs else { continue }
            let target = profile?["target"]?.scalarText
            let chosen = outputs.first(where: { $0.key == target })?.value ?? outputs.first?.value
            if let type = chosen?["type"]?.scalarText { return type }
        }
        return nil
    }
}

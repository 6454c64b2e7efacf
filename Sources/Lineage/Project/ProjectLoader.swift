import GitKit

/// Gives the loader the parsed content of a project's files (through the parse cache).
public protocol ProjectFileSource {
    /// The parsed content of a file.
    func parsed(_ entry: TreeEntry, as kind: ParsedFile.Kind) throws -> ParsedFile
    /// The size of a file in bytes.
    func size(_ entry: TreeEntry) throws -> Int
    /// Parses, ahead of use, what is not parsed yet (in parallel where it can).
    func prefetch(_ items: [(entry: TreeEntry, kind: ParsedFile.Kind)]) throws
}

extension ProjectFileSource {
    /// By default nothing is read ahead.
    public func prefetch(_ items: [(entry: TreeEntry, kind: ParsedFile.Kind)]) throws {}
}

/// Builds a `DbtProject` from the files of one revision, the way dbt's parser would see them.
public enum ProjectLoader {
    /// A seed of this size or more is compared by path only (dbt's rule).
    public static let seedChecksumLimit = 1_048_576

    /// Loads the project rooted at `root` (repository-relative) from `entries` (all files of the
    /// revision under `root`); `adapter` decides what `adapter.dispatch` resolves to.
    /// `packages` are the project's local packages inside the repository (`local:` in
    /// `packages.yml`), each with the files of the same revision under its folder: their nodes
    /// and macros join the project's, with the root's configs and vars on top of their own.
    public static func load(
        root: String, entries: [TreeEntry], source: some ProjectFileSource, adapter: String?,
        packages: [(root: String, entries: [TreeEntry])] = []
    ) throws -> DbtProject {
        try load(root: root, entries: entries, source: source, adapter: adapter, rootConfig: nil, packages: packages)
    }

    static func load(
        root: String, entries: [TreeEntry], source: some ProjectFileSource, adapter: String?,
        rootConfig: ProjectConfig?, packages: [(root: String, entries: [TreeEntry])]
    ) throws -> DbtProject {
        let prefix = folderPrefix(root)
        let projectFile = prefix + "dbt_project.yml"
        guard let projectEntry = entries.entry(at: projectFile) else {
            throw LineageError.noProject(revision: root.isEmpty ? "the repository root" : root)
        }
        let config = try ProjectConfig(yaml: try yaml(projectEntry, source), file: projectFile)
        var builder = Builder(root: root, prefix: prefix, config: config, adapter: adapter)
        builder.rootConfig = rootConfig
        for package in packages where package.root != root {
            builder.packages.append(
                try load(
                    root: package.root, entries: package.entries, source: source, adapter: adapter,
                    rootConfig: config, packages: []))
        }

        var wanted: [(entry: TreeEntry, kind: ParsedFile.Kind)] = []
        for entry in entries where entry.path.hasPrefix(prefix) && !entry.isSymlink {
            if let kind = plannedKind(String(entry.path.dropFirst(prefix.count)), config: config, builder: builder) {
                wanted.append((entry, kind))
            }
        }
        try source.prefetch(wanted)

        for entry in entries {
            guard entry.path.hasPrefix(prefix), !entry.isSymlink else { continue }
            let rel = String(entry.path.dropFirst(prefix.count))
            let ext = fileExtension(rel)
            if ext == "yml" || ext == "yaml" {
                if rel != "dbt_project.yml", builder.isUnderResourcePath(rel) {
                    builder.yamlFiles.append((entry.path, try yaml(entry, source)))
                }
                continue
            }
            if let sub = subpath(rel, config.modelPaths) {
                if ext == "sql" {
                    builder.addModel(entry: entry, sub: sub, scan: try template(entry, source).scan, python: false)
                } else if ext == "py" {
                    guard case .python(let scan) = try checked(entry, source, .python) else { continue }
                    builder.addModel(entry: entry, sub: sub, scan: scan, python: true)
                } else if ext == "md" {
                    builder.addDocs(try template(entry, source))
                }
            }
            if ext == "csv", let sub = subpath(rel, config.seedPaths) {
                builder.addSeed(entry: entry, sub: sub, size: try source.size(entry))
            }
            if ext == "sql", subpath(rel, config.macroPaths) != nil {
                builder.addMacros(entry: entry, result: try template(entry, source))
            } else if ext == "md", subpath(rel, config.macroPaths) != nil {
                builder.addDocs(try template(entry, source))
            }
            if ext == "sql", let sub = subpath(rel, config.testPaths), sub.hasPrefix("generic/") {
                builder.addMacros(entry: entry, result: try template(entry, source))
            }
            if ext == "sql", let sub = subpath(rel, config.snapshotPaths) {
                builder.addSnapshots(entry: entry, sub: sub, result: try template(entry, source))
            }
        }
        return builder.finish()
    }

    /// The folders of a project's local packages inside the repository: `local:` entries of its
    /// `packages.yml` or `dependencies.yml` (relative to the project) that hold a
    /// `dbt_project.yml` at this revision. A path that leaves the repository is not followed.
    public static func localPackages(root: String, entries: [TreeEntry], source: some ProjectFileSource) throws -> [String] {
        var found: [String] = []
        for package in try packageSpecs(root: root, entries: entries, source: source) {
            guard let local = package["local"]?.scalarText,
                let folder = Self.resolve(local, from: root)
            else { continue }
            let marker = folder.isEmpty ? "dbt_project.yml" : folder + "/dbt_project.yml"
            if folder != root, !found.contains(folder), entries.entry(at: marker) != nil {
                found.append(folder)
            }
        }
        return found
    }

    /// The package entries of the project's `packages.yml` and `dependencies.yml`, in order.
    static func packageSpecs(root: String, entries: [TreeEntry], source: some ProjectFileSource) throws -> [Value] {
        let prefix = folderPrefix(root)
        var specs: [Value] = []
        for file in ["packages.yml", "dependencies.yml"] {
            let path = prefix + file
            guard let entry = entries.entry(at: path),
                case .yaml(let document) = try source.parsed(entry, as: .yaml)
            else { continue }
            specs += Value.asList(document["packages"] ?? .null)
        }
        return specs
    }

    /// A folder as a path prefix: `a/b/` for `a/b`, nothing for the repository root.
    static func folderPrefix(_ folder: String) -> String {
        folder.isEmpty ? "" : folder + "/"
    }

    /// Whether a path (relative to a project) lies in its build output or installed packages.
    static func isBuildOutput(_ rel: Substring) -> Bool {
        let first = rel.split(separator: "/").first ?? ""
        return first == "target" || first == "dbt_packages" || first == "dbt_modules" || first == "logs"
    }

    /// `path` taken from the folder `base` (both repository-relative), or nil when it leaves the
    /// repository or is absolute.
    static func resolve(_ path: String, from base: String) -> String? {
        guard !path.hasPrefix("/") else { return nil }
        var parts = base.split(separator: "/").map(String.init)
        for part in path.split(separator: "/") {
            switch part {
            case ".", "": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    /// How the loader below will parse a project file, if at all (kept in step with `load`).
    static func plannedKind(_ rel: String, config: ProjectConfig, builder: Builder) -> ParsedFile.Kind? {
        let ext = fileExtension(rel)
        switch ext {
        case "yml", "yaml":
            return rel != "dbt_project.yml" && builder.isUnderResourcePath(rel) ? .yaml : nil
        case "py":
            return subpath(rel, config.modelPaths) != nil ? .python : nil
        case "sql":
            if subpath(rel, config.modelPaths) != nil || subpath(rel, config.macroPaths) != nil
                || subpath(rel, config.snapshotPaths) != nil || (subpath(rel, config.testPaths)?.hasPrefix("generic/") ?? false)
            {
                return .template
            }
            return nil
        case "md":
            return subpath(rel, config.modelPaths) != nil || subpath(rel, config.macroPaths) != nil ? .template : nil
        default:
            return nil
        }
    }

    static func fileExtension(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "" }
        return path[path.index(after: dot)...].lowercased()
    }

    /// The non-empty parts of an ASCII path between slashes (as `split(separator: "/")` gives
    /// them, byte by byte); nil when the path is not ASCII, for the caller's Character-wise way.
    static func asciiParts(_ path: String) -> [Substring]? {
        var parts: [Substring] = []
        let utf8 = path.utf8
        var start = utf8.startIndex
        var index = start
        while index < utf8.endIndex {
            let byte = utf8[index]
            guard byte < 0x80 else { return nil }
            if byte == UInt8(ascii: "/") {
                if start < index { parts.append(Substring(utf8[start..<index])) }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start < index { parts.append(Substring(utf8[start..<index])) }
        return parts
    }

    /// The part of `rel` under the first of `folders` that contains it.
    static func subpath(_ rel: String, _ folders: [String]) -> String? {
        let ascii = rel.utf8.allSatisfy { $0 < 0x80 }
        for folder in folders {
            if folder.isEmpty || folder == "." { return rel }
            if ascii, folder.utf8.allSatisfy({ $0 < 0x80 }) {
                // ASCII on both sides: bytes compare as Characters do.
                let (r, f) = (rel.utf8, folder.utf8)
                if r.count > f.count, r.starts(with: f), r[r.index(r.startIndex, offsetBy: f.count)] == UInt8(ascii: "/") {
                    return String(Substring(r[r.index(r.startIndex, offsetBy: f.count + 1)...]))
                }
                continue
            }
            if rel.count > folder.count, rel.hasPrefix(folder), rel[rel.index(rel.startIndex, offsetBy: folder.count)] == "/" {
                return String(rel.dropFirst(folder.count + 1))
            }
        }
        return nil
    }

    static func checked(_ entry: TreeEntry, _ source: some ProjectFileSource, _ kind: ParsedFile.Kind) throws -> ParsedFile {
        let parsed = try source.parsed(entry, as: kind)
        switch parsed {
        case .notText: throw LineageError.notText(file: entry.path)
        case .yamlError(let line, let message): throw LineageError.malformedYAML(file: entry.path, line: line, message: message)
        case .refused(let line, let message): throw LineageError.refused(file: entry.path, line: line, message: message)
        case .missing:
            // Unknown content: the file counts as empty, its nodes are compared by blob id, and
            // the engine names it in a note.
            switch kind {
            case .template: return .template(TemplateScanner.Result(scan: ReferenceScan(), blocks: []))
            case .python: return .python(ReferenceScan())
            case .yaml: return .yaml(.null)
            }
        default: return parsed
        }
    }

    static func yaml(_ entry: TreeEntry, _ source: some ProjectFileSource) throws -> Value {
        guard case .yaml(let value) = try checked(entry, source, .yaml) else { return .null }
        return value
    }

    static func template(_ entry: TreeEntry, _ source: some ProjectFileSource) throws -> TemplateScanner.Result {
        guard case .template(let result) = try checked(entry, source, .template) else {
            return TemplateScanner.Result(scan: ReferenceScan(), blocks: [])
        }
        return result
    }
}

import GitKit

/// The packages `dbt deps` placed in a project's `packages-install-path` (`dbt_packages/`): not
/// in git (the folder is ignored), read from the working tree. dbt loads every package folder
/// there, so their models and macros join the project's on both sides of a comparison; the same
/// installed code serves both sides, so a package bump is reported apart (`packages_changed`).
struct InstalledPackages {
    /// Each package's folder (repository-relative) and its files.
    var packages: [(root: String, entries: [TreeEntry])] = []
    /// The install folder, repository-relative.
    var folder: String
    /// Whether the install folder holds package folders at all.
    var isInstalled: Bool { !packages.isEmpty }
    /// A digest of every path and content id read: part of the project cache key.
    var digest: String = ""

    /// Files per package at most (elementary, the largest common package, has about 1,000).
    static let fileLimit = 20_000

    /// Reads the packages installed for the project at `root` (its configuration `config`);
    /// `skipping` are package names already known (the project itself, its local packages).
    static func read(
        root: String, config: ProjectConfig, repository: Repository, skipping names: Set<String>,
        source: some ProjectFileSource
    ) throws -> InstalledPackages {
        let prefix = ProjectLoader.folderPrefix(root)
        let install = ProjectConfig.normalise(config.source["packages-install-path"]?.scalarText ?? "dbt_packages")
        var result = InstalledPackages(folder: prefix + install)
        guard !install.isEmpty, !install.split(separator: "/").contains("..") else { return result }
        var digestText = ""
        for name in repository.workingTreeFolders(in: result.folder) {
            let packageRoot = result.folder + "/" + name
            let (projectFiles, _) = try repository.workingTreeFiles(under: packageRoot, depth: 0, limit: 1) { $0 == "dbt_project.yml" }
            guard let projectEntry = projectFiles.first,
                case .yaml(let yaml) = try source.parsed(projectEntry, as: .yaml),
                let packageConfig = try? ProjectConfig(yaml: yaml, file: projectEntry.path),
                !names.contains(packageConfig.name)
            else { continue } // not a package (or the project itself); a symlink is never listed
            // Only what the loader reads: the project file and files under the resource paths.
            let folders =
                packageConfig.modelPaths + packageConfig.macroPaths + packageConfig.seedPaths
                + packageConfig.snapshotPaths + packageConfig.testPaths
            let (entries, truncated) = try repository.workingTreeFiles(under: packageRoot, limit: fileLimit) { relative in
                if relative == "dbt_project.yml" { return true }
                guard ["sql", "yml", "yaml", "py", "md", "csv"].contains(ProjectLoader.fileExtension(relative)) else { return false }
                return folders.contains { ProjectLoader.subpath(relative, [$0]) != nil }
            }
            if truncated { continue } // more files than any package has: left out
            result.packages.append((packageRoot, entries))
            for entry in entries { digestText += entry.path + "=" + entry.id.hex + "\n" }
        }
        if !digestText.isEmpty {
            result.digest = try Repository.blobID(hashing: Array(digestText.utf8)).hex
        }
        return result
    }

    /// Whether the project's `packages.yml` / `dependencies.yml` (in `entries`) asks for packages
    /// that are not local folders: hub or git packages, which only `dbt deps` places.
    static func wanted(root: String, entries: [TreeEntry], source: some ProjectFileSource) throws -> Bool {
        try ProjectLoader.packageSpecs(root: root, entries: entries, source: source).contains { $0["local"] == nil }
    }
}

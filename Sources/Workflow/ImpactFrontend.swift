import Foundation
import GitKit
import Lineage

/// Composes git, the parse cache and the lineage engine for the `impact` command (the hook, the
/// gate and the narrative reach the engine through `Workspace.impact`).
public enum ImpactFrontend {
    /// Opens the repository around `directory` and runs the analysis.
    /// `project` is taken relative to `directory`, as a user types it.
    public static func run(
        directory: String, comparison: Comparison, project: String?, adapter: String?,
        options: ImpactOptions, useCache: Bool, indexFile: String? = ProcessInfo.processInfo.environment["GIT_INDEX_FILE"]
    ) throws -> (result: ImpactResult, root: String) {
        let repository = try Repository.discover(from: directory)
        try Workspace.useIndexFile(indexFile, in: repository, directory: directory)
        let root = repository.workdir ?? repository.gitDirectory
        let settings = try RationaleConfig.load(workdir: repository.workdir)
        var options = options
        if options.downstream == nil { options.downstream = settings.downstream }
        let cache = ParseCache(file: useCache ? ParseCache.defaultFile(for: repository) : nil, version: Tool.version)
        var projectPath = project ?? settings.project
        if let project, let workdir = repository.workdir {
            let absolute = project.hasPrefix("/") ? project : (directory as NSString).appendingPathComponent(project)
            let standard = (absolute as NSString).standardizingPath
            let realRoot = (workdir as NSString).resolvingSymlinksInPath
            let realProject = (standard as NSString).resolvingSymlinksInPath
            if realProject == realRoot {
                projectPath = ""
            } else if realProject.hasPrefix(realRoot + "/") {
                projectPath = String(realProject.dropFirst(realRoot.count + 1))
            }
        }
        let engine = ImpactEngine(repository: repository, cache: cache)
        var request = ImpactRequest(comparison: comparison, project: projectPath, adapter: adapter ?? settings.adapter, options: options)
        // What the command and the agents' tool show reads the answer's nodes, never the whole project.
        request.partialProject = true
        let result = try engine.run(request)
        engine.saveCaches()
        return (result, root)
    }

    /// Compares two dbt manifests (`state`: the base, a folder holding `manifest.json` or the file;
    /// `manifest`: the head), both taken relative to `directory`. No repository is needed.
    /// `.rationale.yml` settings apply when `directory` is inside a repository.
    public static func runManifest(
        directory: String, manifest: String, state: String,
        options: ImpactOptions
    ) throws -> (result: ImpactResult, root: String) {
        var options = options
        // No repository is needed; inside one, a `.rationale.yml` that cannot be read is said.
        if options.downstream == nil, let repository = try? Repository.discover(from: directory) {
            options.downstream = try RationaleConfig.load(workdir: repository.workdir).downstream
        }
        let result = try ManifestImpact.run(manifest: manifest, state: state, options: options) { path in
            path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        }
        return (result, directory)
    }
}

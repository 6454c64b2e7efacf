import Foundation

/// Answers "which nodes does this change modify, and what lies downstream" from two dbt
/// manifests: the production one (`--state`, the base) and the one of the change (`--manifest`,
/// the head), compared by the same classifier as the git reading.
public enum ManifestImpact {
    /// The manifest inside a `--state` folder, or the file itself when a file is given.
    public static func stateManifest(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return (path as NSString).appendingPathComponent("manifest.json")
        }
        return path
    }

    /// Reads both manifests (on two threads) and compares them. `manifest` and `state` are paths as
    /// the user gave them (the state may be a folder holding `manifest.json`); `resolve` turns them
    /// into paths to open.
    public static func run(
        manifest: String, state: String, options: ImpactOptions,
        resolve: (String) -> String = { $0 }
    ) throws -> ImpactResult {
        let headPath = resolve(manifest)
        let basePath = stateManifest(resolve(state))
        let baseShown = basePath == resolve(state) ? state : (state as NSString).appendingPathComponent("manifest.json")
        let results = ReadResults()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let outcome = Result { try ManifestReader.read(path: index == 0 ? basePath : headPath, file: index == 0 ? baseShown : manifest) }
            results.set(index, outcome)
        }
        let head = try results.get(1) // the manifest's own problem first: it is what the user just made
        let base = try results.get(0)
        return compare(base: base, head: head, baseName: baseShown, headName: manifest, options: options)
    }

    /// Compares two projects read from manifests.
    public static func compare(base: DbtProject, head: DbtProject, baseName: String, headName: String, options: ImpactOptions) -> ImpactResult {
        var notes: [ImpactNote] = []
        let baseVersion = base.config.source["dbt_version"]?.scalarText
        let headVersion = head.config.source["dbt_version"]?.scalarText
        if let baseVersion, let headVersion, baseVersion != headVersion {
            notes.append(
                ImpactNote(
                    code: "dbt_version_differs",
                    message:
                        "the state manifest was written by dbt \(baseVersion) and the manifest by dbt \(headVersion): dbt's own macros may differ between them and count as changed"
                ))
        }
        if base.name != head.name {
            notes.append(
                ImpactNote(
                    code: "project_differs",
                    message:
                        "the state manifest is of project \(base.name), the manifest of \(head.name): every node is new — pass the production manifest of the same project as --state"
                ))
        }
        let changes = ChangeClassifier.classify(base: base, head: head)
        let report = ImpactAnalyzer.report(changes: changes, base: base, head: head, options: options, notes: notes)
        let adapter = head.config.source["adapter_type"]?.scalarText
        return ImpactResult(mode: .manifest, base: baseName, head: headName, adapter: adapter, reports: [report], source: .manifest)
    }
}

/// The two readers' outcomes, each written by its own thread.
private final class ReadResults: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Int: Result<DbtProject, any Error>] = [:]

    func set(_ index: Int, _ outcome: Result<DbtProject, any Error>) {
        lock.lock(); defer { lock.unlock() }
        outcomes[index] = outcome
    }

    func get(_ index: Int) throws -> DbtProject {
        lock.lock(); defer { lock.unlock() }
        guard let outcome = outcomes[index] else { throw LineageError.notAManifest(file: "manifest \(index)", reason: "not read") }
        return try outcome.get()
    }
}

import Foundation

/// Why the lineage engine could not run. Each case carries what a user needs to act.
public enum LineageError: Error, LocalizedError, Equatable {
    /// No `dbt_project.yml` anywhere in the revision.
    case noProject(revision: String)
    /// `--project` names a folder without `dbt_project.yml`.
    case projectNotFound(path: String, candidates: [String])
    /// A YAML file does not parse.
    case malformedYAML(file: String, line: Int?, message: String)
    /// A file past a bound of rationale's own (nesting depth, alias expansion).
    case refused(file: String, line: Int?, message: String)
    /// A file under a dbt resource path is not UTF-8 text.
    case notText(file: String)
    /// A file is too large to be a dbt source file.
    case fileTooLarge(file: String, bytes: Int, limit: Int)
    /// `dbt_project.yml` lacks something dbt requires.
    case invalidProject(file: String, message: String)
    /// A file given as a dbt manifest is missing, not JSON, or not a manifest.
    case notAManifest(file: String, reason: String)
    /// A dbt manifest written in a schema version this reader does not know.
    case unsupportedManifest(file: String, version: String)

    public var errorDescription: String? {
        switch self {
        case .noProject(let revision):
            return "no dbt_project.yml found at \(revision): run this inside a repository that holds a dbt project, or pass --project PATH"
        case .projectNotFound(let path, let candidates):
            // The root project's folder is "": show it as `.`, so the list never reads empty.
            let known =
                candidates.isEmpty
                ? "this revision holds no dbt_project.yml at all"
                : "pass a folder that holds one (\(candidates.map { "`\($0.isEmpty ? "." : $0)`" }.joined(separator: ", ")))"
            return
                "project folder `\(path)` (from --project, or `project:` in .rationale.yml) holds no dbt_project.yml: \(known), or leave the setting out to find the project automatically"
        case .malformedYAML(let file, let line, let message):
            let place = line.map { "\(file):\($0)" } ?? file
            return "\(place): malformed YAML: \(message) — fix the file (dbt would refuse it too) and run again"
        case .refused(let file, let line, let message):
            let place = line.map { "\(file):\($0)" } ?? file
            return "\(place): \(message) — simplify the file, or move it out of the dbt resource paths"
        case .notText(let file):
            return
                "\(file): not text (it holds NUL bytes, as a binary file does, or is not UTF-8), but it sits under a dbt resource path — move it out of the model/macro/seed paths or save it as UTF-8 text"
        case .fileTooLarge(let file, let bytes, let limit):
            return
                "\(file): \(bytes / 1_048_576) MiB is larger than the \(limit / 1_048_576) MiB a dbt source file may be — move it out of the dbt resource paths"
        case .invalidProject(let file, let message):
            return "\(file): \(message)"
        case .notAManifest(let file, let reason):
            return
                "\(file): not a dbt manifest (\(reason)) — pass the manifest.json that `dbt parse` writes into target/ (for --state, the folder holding the production manifest.json)"
        case .unsupportedManifest(let file, let version):
            return
                "\(file): manifest schema \(version) is not supported; rationale reads schema \(ManifestReader.supportedSchema) (dbt-core 1.8 to 1.11) — regenerate it with `dbt parse` from a supported dbt"
        }
    }
}

import Diagnostics
import Foundation

/// Why a proof could not be made or read: each case names the file, the model or the program,
/// and what to do.
public enum ProofError: Error, LocalizedError, Equatable {
    case dbtNotFound(String, searched: String?)
    case dbtCannotStart(String, String)
    case dbtTimedOut(String, seconds: Int)
    case dbtOutputTooLarge(String, limit: Int)
    /// dbt exited with an error: its status and its own messages.
    case dbtFailed(status: Int32, messages: [String])
    case dbtNoAnswer(String)
    case noManifest(String)
    case noProductionManifest(String)
    case notBuilt([String], target: String?)
    case sameRelation(String, relation: String)
    case unknownSelection([String])
    case notAProof(file: String, reason: String)
    case proofTooLarge(file: String, limit: Int)
    case unsupportedProof(file: String, schema: String)

    public var errorDescription: String? {
        switch self {
        case .dbtNotFound(let name, let searched):
            if searched == nil { return "--dbt \(Echo.shortened(name)): no such executable file — pass the path of the dbt you run" }
            return "no \(Echo.shortened(name)) on PATH: install dbt (`pip install dbt-core dbt-<adapter>`) or pass its path with --dbt PATH"
        case .dbtCannotStart(let path, let reason):
            return "cannot start \(Echo.shortened(path)): \(reason) — check --dbt"
        case .dbtTimedOut(let path, let seconds):
            return
                "\(Echo.shortened(path)) ran longer than \(seconds) s and was stopped: the warehouse may be busy or the models large — pass --timeout SECONDS, or fewer models with --select"
        case .dbtOutputTooLarge(let path, let limit):
            return "\(Echo.shortened(path)) wrote more than \(limit >> 20) MB and was stopped: run it with fewer models (--select)"
        case .dbtFailed(let status, let messages):
            let said = messages.isEmpty ? "it said nothing on its log (run the same `dbt show` yourself to see why)" : messages.joined(separator: "\n")
            return "dbt failed (exit \(status)):\n" + (said.count > 4000 ? String(said.prefix(4000)) + "…" : said)
        case .dbtNoAnswer(let why):
            return "dbt ran but its answer could not be read: \(why) — is --dbt a dbt-core 1.8 or newer?"
        case .noManifest(let path):
            return
                "\(Echo.shortened(path)): no such file — build the branch first (`dbt build --select state:modified+ --defer --state <production artifacts>`), or pass the branch's manifest with --manifest"
        case .noProductionManifest(let path):
            return "--state \(Echo.shortened(path)): no manifest.json there — pass the folder of production's dbt artifacts (its manifest.json)"
        case .notBuilt(let names, let target):
            let list = names.prefix(5).map { "`\($0)`" }.joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
            return
                "\(list) \(names.count == 1 ? "is" : "are") modified but not built on the branch\(target.map { " (target \($0))" } ?? ""): run `dbt build --select state:modified+ --defer --state <production artifacts>` first"
        case .sameRelation(let name, let relation):
            return
                "`\(name)`: production and the branch are the same relation \(relation) — pass the --target your branch was built with (not production's)"
        case .unknownSelection(let names):
            return "--select \(names.prefix(5).map { Echo.shortened($0) }.joined(separator: ", ")): no such model, seed or snapshot in the manifests"
        case .notAProof(let file, let reason):
            return
                "\(Echo.shortened(file)) is not a proof.json of `rationale prove` (\(reason)): pass the file `rationale prove --format json --output FILE` wrote"
        case .proofTooLarge(let file, let limit):
            return "\(Echo.shortened(file)) is larger than the \(limit >> 20) MB a proof.json may be: pass the file `rationale prove` wrote"
        case .unsupportedProof(let file, let schema):
            return
                "\(Echo.shortened(file)) has schema \(Echo.shortened(schema)); this rationale reads \(ProofReport.currentSchema): prove again with this version"
        }
    }
}

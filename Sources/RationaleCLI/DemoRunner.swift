import Foundation
import GitKit
import Lineage

/// Builds the sample project in a new git repository, makes a change, and runs the real
/// commands on it, handing each step to the caller as it happens.
public struct DemoRunner {
    /// One step of the demo: the command a user would type, and what it printed.
    public struct Step: Sendable {
        /// The command line, as a user would type it.
        public var command: String
        /// What it printed.
        public var output: String
    }

    /// Where the repository goes; nil makes a new temporary folder.
    public var folder: String?

    /// Creates a runner.
    public init(folder: String?) {
        self.folder = folder
    }

    /// Runs the demo; returns the repository folder.
    @discardableResult
    public func run(_ report: (Step) -> Void) throws -> String {
        let path = try prepareFolder()
        let repository = try Repository.create(at: path)
        try write(SampleProject.files, into: path)
        try repository.stageAll()
        let base = try repository.commit(message: "Sample shop: sources, staging, marts", authorName: "Rationale Demo", authorEmail: "demo@rationale.invalid")
        report(Step(command: "git init && git add -A && git commit -m 'Sample shop'", output: "[main \(base.abbreviated())] Sample shop: sources, staging, marts (\(SampleProject.files.count) files)"))

        try write(SampleProject.change, into: path)
        try repository.stageAll()
        report(Step(command: "git add models/staging/stg_payments.sql macros/cents_to_dollars.sql",
                    output: "staged: stg_payments gains a `method` column; cents_to_dollars rounds instead of casting"))

        let cache = ParseCache(file: ParseCache.defaultFile(for: repository), version: Rationale.version)
        let engine = ImpactEngine(repository: repository, cache: cache)
        let result = try engine.run(ImpactRequest(comparison: .staged))
        engine.saveCaches()
        report(Step(command: "rationale impact --staged", output: ImpactRenderer.render(result, format: .text, repositoryRoot: path)))
        report(Step(command: "rationale impact --staged --format selector", output: ImpactRenderer.render(result, format: .selector, repositoryRoot: path)))
        return path
    }

    func prepareFolder() throws -> String {
        let fm = FileManager.default
        if let folder {
            let absolute = (folder as NSString).standardizingPath
            if fm.fileExists(atPath: absolute) {
                let contents = try fm.contentsOfDirectory(atPath: absolute)
                guard contents.isEmpty else { throw DemoError.folderNotEmpty(absolute) }
            }
            try fm.createDirectory(atPath: absolute, withIntermediateDirectories: true)
            return absolute
        }
        let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("rationale-demo-\(UUID().uuidString.prefix(8).lowercased())")
        try fm.createDirectory(atPath: base, withIntermediateDirectories: true)
        return base
    }

    func write(_ files: [String: String], into root: String) throws {
        for (path, content) in files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((content.hasSuffix("\n") ? content : content + "\n").utf8).write(to: url)
        }
    }
}

/// Why the demo could not run.
public enum DemoError: Error, LocalizedError, Equatable {
    /// `--into` names a folder that already holds files.
    case folderNotEmpty(String)

    public var errorDescription: String? {
        switch self {
        case .folderNotEmpty(let path):
            return "\(path) is not empty: the demo never writes over files — pass a new or empty folder to --into"
        }
    }
}

import ArgumentParser
import Foundation

extension Rationale {
    /// `rationale demo`: the main job on an embedded sample project.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a sample dbt project into a temporary git repository, change it, and show the impact.")

        func run() throws {
            throw ValidationError("demo: not built yet")
        }
    }
}

import Workflow
import ArgumentParser
import Foundation

/// `-C DIR`: the folder a command runs as if started in.
struct RepositoryOptions: ParsableArguments {
    @Option(name: [.customShort("C"), .long], help: "Run as if started in this folder.")
    var directory: String?

    /// The folder to look for the repository from.
    var resolvedDirectory: String {
        let current = FileManager.default.currentDirectoryPath
        guard let directory else { return current }
        return directory.hasPrefix("/") ? directory : current + "/" + directory
    }
}

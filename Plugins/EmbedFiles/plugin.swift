import Foundation
import PackagePlugin

/// Embeds the package's top-level `Templates/` and `hooks/` folders into the target as Swift
/// source (`generatedEmbeddedFiles`), so the built binary needs nothing beside it.
///
/// Every file is an input of the build command, so editing, adding or removing one reruns it
/// (SwiftPM asks the plugin for its commands on every build).
@main
struct EmbedFiles: BuildToolPlugin {
    /// The package-relative folders embedded, in this order.
    static let folders = ["Templates", "hooks"]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let inputs = Self.folders.flatMap { files(under: root.appendingPathComponent($0)) }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedFiles.generated.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(Self.folders.joined(separator: " and ")) into \(target.name)",
                executable: try context.tool(named: "embed-files").url,
                arguments: [output.path, root.path] + Self.folders,
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }

    /// Every file under `folder`, recursively; dotfiles skipped, as embed-files skips them.
    func files(under folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(
            at: folder, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles]
        ) else { return [] }
        var found: [URL] = []
        for case let url as URL in walker {
            let isFolder = (try? url.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory ?? false
            if !isFolder { found.append(url) }
        }
        return found
    }
}

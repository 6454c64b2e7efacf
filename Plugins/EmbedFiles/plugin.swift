import Foundation
import PackagePlugin

/// Embeds the package's top-level `Templates/` and `hooks/` folders into the target as Swift
/// source (`generatedEmbeddedFiles`), so the built binary needs nothing beside it.
///
/// Every file and every folder is an input of the build command: editing or removing a file
/// changes a file input, and adding one changes its folder's modification time, so each reruns
/// the generator (which walks the folders itself; the list here only says when to run it).
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

    /// `folder`, every folder and file under it, recursively; dotfiles skipped, as embed-files
    /// skips them. Nothing when the folder does not exist.
    func files(under folder: URL) -> [URL] {
        guard FileManager.default.fileExists(atPath: folder.path), let walker = FileManager.default.enumerator(
            at: folder, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles]
        ) else { return [] }
        var found: [URL] = [folder]
        for case let url as URL in walker {
            found.append(url)
        }
        return found
    }
}

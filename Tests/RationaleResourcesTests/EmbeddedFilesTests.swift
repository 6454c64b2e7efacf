import Foundation
import Testing
import RationaleResources

/// The package root, where `Templates/` and `hooks/` live.
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The folders the EmbedFiles plugin embeds.
private let embeddedFolders = ["Templates", "hooks"]

/// Every file under the embedded folders on disk, package-relative, dotfiles skipped (as the
/// generator skips them).
private func filesOnDisk() -> [String] {
    var found: [String] = []
    for folder in embeddedFolders {
        let base = packageRoot.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(
            at: base, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles]
        ) else { continue }
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory != true {
            let relative = url.resolvingSymlinksInPath().path.dropFirst(base.resolvingSymlinksInPath().path.count)
            found.append(folder + relative)
        }
    }
    return found.sorted()
}

@Suite("Embedded Templates/ and hooks/")
struct EmbeddedFilesTests {
    @Test func everyFileOnDiskIsEmbeddedByteForByte() throws {
        let onDisk = filesOnDisk()
        #expect(onDisk.contains("hooks/pre-commit"))
        #expect(onDisk.contains("Templates/README.md"))
        for path in onDisk {
            let bytes = try Data(contentsOf: packageRoot.appendingPathComponent(path))
            let embedded = try #require(EmbeddedFiles.file(path), "\(path) is on disk but not embedded; rebuild")
            #expect(Array(embedded.utf8) == Array(bytes), "\(path) differs from its embedded copy")
        }
    }

    @Test func nothingEmbeddedIsMissingFromDisk() {
        #expect(EmbeddedFiles.all.keys.sorted() == filesOnDisk())
    }

    @Test func unknownPathIsNil() {
        #expect(EmbeddedFiles.file("hooks/no-such-hook") == nil)
        #expect(EmbeddedFiles.file("pre-commit") == nil)
    }
}

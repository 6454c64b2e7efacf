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
        guard
            let walker = FileManager.default.enumerator(
                at: base, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles]
            )
        else { continue }
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

/// The build folder holding the test runner and the package's executables.
private let buildFolder: URL = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    while folder.path.contains(".xctest") { folder = folder.deletingLastPathComponent() }
    return folder
}()

/// The `swiftc` beside the running toolchain, found on PATH; nil when there is none.
private let swiftCompiler: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    return path.split(separator: ":").map { "\($0)/swiftc" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

@Suite("embed-files keeps contents byte-exact")
struct EmbedFilesGeneratorTests {
    /// Contents a raw multiline literal could get wrong: trailing newlines and backslashes,
    /// delimiters and escapes inside, indentation, CR and CRLF, control characters, a BOM.
    static let tricky: [(name: String, bytes: [UInt8])] = [
        ("ends-with-backslash", Array("ends with a backslash \\".utf8)),
        ("delimiters", Array("\"\"\"#\n\\#n \\(x) ##\"\"\"## and \\##(y)\n\n".utf8)),
        ("indented", Array("   indented\n  \n\t\n".utf8)),
        ("empty", []),
        ("one-newline", [0x0A]),
        ("sub/crlf", Array("crlf\r\nline\rcr\ttab\u{1}control\u{7F}".utf8) + [0xEF, 0xBB, 0xBF] + Array("after a BOM".utf8)),
        (".hidden-is-skipped", Array("x".utf8)),
    ]

    @Test(.enabled(if: swiftCompiler != nil, "needs swiftc on PATH to compile the generated file"))
    func generatedLiteralsEvaluateToTheSameBytes() throws {
        let compiler = try #require(swiftCompiler)
        let generator = buildFolder.appendingPathComponent("embed-files").path
        try #require(FileManager.default.isExecutableFile(atPath: generator), "build embed-files first: \(generator)")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("embed-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let root = scratch.appendingPathComponent("package")
        for file in Self.tricky {
            let url = root.appendingPathComponent("Folder/" + file.name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.bytes).write(to: url)
        }
        let generated = scratch.appendingPathComponent("Generated.swift")
        try run(generator, [generated.path, root.path, "Folder"], in: scratch)

        // A program that prints each embedded file as hex, compiled with the generated source.
        let main = scratch.appendingPathComponent("main.swift")
        try Data(
            """
            for (key, value) in generatedEmbeddedFiles.sorted(by: { $0.key < $1.key }) {
                print(key, value.utf8.map { String($0, radix: 16) }.joined(separator: " "))
            }
            """.utf8
        ).write(to: main)
        let program = scratch.appendingPathComponent("dump").path
        try run(compiler, [generated.path, main.path, "-o", program], in: scratch)
        let output = try run(program, [], in: scratch)

        let expected = Self.tricky.filter { !$0.name.hasPrefix(".") }.sorted { $0.name < $1.name }.map {
            "Folder/\($0.name) " + $0.bytes.map { String($0, radix: 16) }.joined(separator: " ")
        }
        #expect(output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) == expected)
    }

    @Test func aFileThatIsNotUTF8StopsTheBuildNamingIt() throws {
        let generator = buildFolder.appendingPathComponent("embed-files").path
        try #require(FileManager.default.isExecutableFile(atPath: generator), "build embed-files first: \(generator)")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("embed-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("Folder"), withIntermediateDirectories: true)
        try Data([0xFF, 0xFE, 0x00]).write(to: scratch.appendingPathComponent("Folder/binary"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: generator)
        process.arguments = [scratch.appendingPathComponent("out.swift").path, scratch.path, "Folder"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(message.contains("Folder/binary is not UTF-8"))
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("out.swift").path))
    }

    /// Runs a program to completion; throws with its standard error when it fails.
    @discardableResult
    private func run(_ executable: String, _ arguments: [String], in folder: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let output = folder.appendingPathComponent("run-\(UUID().uuidString).out")
        let errors = folder.appendingPathComponent("run-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        let error = String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw GeneratorTestFailure(message: "\(executable) exited \(process.terminationStatus): \(error)")
        }
        return String(decoding: try Data(contentsOf: output), as: UTF8.self)
    }
}

/// A helper program failed.
private struct GeneratorTestFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

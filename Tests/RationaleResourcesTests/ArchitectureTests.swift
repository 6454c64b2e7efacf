import Foundation
import Testing

/// The arrows between modules that must never exist (docs/ARCHITECTURE.md), read from the
/// `import` lines of every Swift file in `Sources/`.
@Suite("Module arrows")
struct ArchitectureTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every Swift file as (module, path relative to Sources/, text).
    static func files() throws -> [(module: String, path: String, text: String)] {
        let manager = FileManager.default
        var result: [(String, String, String)] = []
        for module in try manager.contentsOfDirectory(atPath: sources.path).sorted() {
            guard let walker = manager.enumerator(atPath: sources.appendingPathComponent(module).path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let url = sources.appendingPathComponent(module).appendingPathComponent(relative)
                result.append((module, module + "/" + relative, try String(contentsOf: url, encoding: .utf8)))
            }
        }
        return result
    }

    /// The modules a file imports.
    static func imports(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            var words = line.split(separator: " ").map(String.init)
            while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
            guard words.count >= 2, words[0] == "import" else { return nil }
            // `import struct Foo.Bar` names the module second.
            let name = ["struct", "class", "enum", "protocol", "func", "var", "typealias"].contains(words[1]) && words.count > 2 ? words[2] : words[1]
            return String(name.split(separator: ".").first ?? "")
        }
    }

    static let libraries: Set<String> = [
        "GitKit", "Lineage", "Sessions", "ContextPack", "Narrative", "Diagnostics", "RationaleResources", "Workflow", "Proof", "AgentDoor",
        "ForgeHTTP",
    ]

    /// Why `module`'s file `path` may not import `imported`, or nil when it may.
    static func forbidden(_ module: String, _ path: String, _ imported: String) -> String? {
        if imported == "CLibgit2", module != "GitKit" { return "C stays inside the git module" }
        if module == "Sessions", imported == "GitKit" { return "sessions are files; finding them in git is the workspace's job" }
        if module == "Lineage", ["Sessions", "Narrative", "ContextPack"].contains(imported) { return "lineage knows nothing of sessions" }
        if libraries.contains(module), ["RationaleCLI", "ArgumentParser"].contains(imported) { return "libraries never parse a command line" }
        // The MCP SDK links Foundation's networking (libcurl): only the network's executable loads it.
        if imported == "MCP", !["AgentDoor", "rationale-net"].contains(module) { return "only rationale-net loads the MCP SDK (and its HTTP stack)" }
        if imported == "AgentDoor", module != "rationale-net" { return "the MCP server is reached through rationale-net, never linked into rationale" }
        // The hook's binary must not load libcurl and its ~40 libraries: rationale-net has them.
        if imported == "FoundationNetworking", module != "ForgeHTTP" { return "the HTTP stack is imported in one place: ForgeHTTP" }
        if imported == "ForgeHTTP", module != "rationale-net" { return "only rationale-net links the HTTP stack (rationale execs it)" }
        if imported == "CYaml", !(module == "Lineage" && path.hasSuffix("/YAMLComposer.swift")) {
            return "libyaml is read in one place: Lineage/Reading/YAMLComposer.swift"
        }
        return nil
    }

    @Test func noForbiddenArrow() throws {
        let files = try Self.files()
        #expect(files.count > 100, "the sources were found at \(Self.sources.path)")
        var found: [String] = []
        for file in files {
            for imported in Self.imports(file.text) {
                if let why = Self.forbidden(file.module, file.path, imported) { found.append("\(file.path) imports \(imported): \(why)") }
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test func librariesNeverPrintOrExit() throws {
        var found: [String] = []
        for file in try Self.files() where Self.libraries.contains(file.module) {
            for (number, line) in file.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                for call in ["print(", "exit(", "FileHandle.standard"] where code.contains(call) {
                    found.append("\(file.path):\(number + 1): \(call)")
                }
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test func commandLayerFoldersDoNotReuseLibraryNames() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.sources.appendingPathComponent("RationaleCLI").path)
        let clashes = folders.filter { Self.libraries.contains($0) || ["Sessions", "Narrative", "Lineage"].contains($0) }
        #expect(clashes.isEmpty, "RationaleCLI/\(clashes.joined(separator: ", ")) reads as the library of that name")
    }

    @Test func noSourceFileOverFourHundredLines() throws {
        let long = try Self.files().map { ($0.path, $0.text.split(separator: "\n", omittingEmptySubsequences: false).count) }
            .filter { $0.1 > 400 }.map { "\($0.0): \($0.1) lines" }
        #expect(long.isEmpty, "split by concern: \(long.joined(separator: ", "))")
    }

    @Test func theRulesCatchWhatTheyName() {
        #expect(Self.imports("import Foundation\n@testable import Lineage\nimport struct GitKit.ObjectID\n") == ["Foundation", "Lineage", "GitKit"])
        #expect(Self.forbidden("Sessions", "Sessions/X.swift", "GitKit") != nil)
        #expect(Self.forbidden("Lineage", "Lineage/X.swift", "CLibgit2") != nil)
        #expect(Self.forbidden("Lineage", "Lineage/Impact.swift", "CYaml") != nil)
        #expect(Self.forbidden("Lineage", "Lineage/Reading/YAMLComposer.swift", "CYaml") == nil)
        #expect(Self.forbidden("Narrative", "Narrative/X.swift", "RationaleCLI") != nil)
        #expect(Self.forbidden("RationaleCLI", "RationaleCLI/X.swift", "Lineage") == nil)
        #expect(Self.forbidden("RationaleCLI", "RationaleCLI/X.swift", "MCP") != nil)
        #expect(Self.forbidden("rationale", "rationale/main.swift", "AgentDoor") != nil)
        #expect(Self.forbidden("AgentDoor", "AgentDoor/X.swift", "MCP") == nil)
        #expect(Self.forbidden("AgentDoor", "AgentDoor/X.swift", "ArgumentParser") != nil)
        #expect(Self.forbidden("Narrative", "Narrative/X.swift", "FoundationNetworking") != nil)
        #expect(Self.forbidden("RationaleCLI", "RationaleCLI/X.swift", "ForgeHTTP") != nil)
        #expect(Self.forbidden("rationale-net", "rationale-net/main.swift", "ForgeHTTP") == nil)
    }
}

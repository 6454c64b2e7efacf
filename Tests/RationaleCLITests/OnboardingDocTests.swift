import ArgumentParser
import Foundation
import Testing
@testable import RationaleCLI

/// A `rationale …` command line found in a fenced code block of a document.
struct DocumentedCommand: CustomStringConvertible, Sendable {
    /// The line number (1-based) where the command starts.
    var line: Int
    /// The line as written, continuation lines joined.
    var text: String
    /// The arguments after `rationale`, as a shell would split them.
    var arguments: [String]

    var description: String { "docs/ONBOARDING.md:\(line): \(text)" }
}

/// Reads the commands a reader is told to type out of a Markdown document.
enum DocumentedCommands {
    /// Fence info strings whose blocks are output or data, never commands.
    static let notCommands: Set<String> = ["text", "json", "yaml", "yml", "mermaid", "markdown", "md", "csv"]

    /// Every line of a command block (any fence not in `notCommands`) that, after `$ `,
    /// environment assignments (`NAME=value`) and a comment are taken off, starts with
    /// `rationale `; lines ending in `\` continue on the next.
    static func extract(from markdown: String) -> [DocumentedCommand] {
        var commands: [DocumentedCommand] = []
        var fence: String?
        var commandBlock = false
        var pending: (line: Int, text: String)?
        for (index, raw) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if let open = fence {
                if trimmed.hasPrefix(open), trimmed.allSatisfy({ $0 == open.first }) {
                    fence = nil
                    pending = nil
                    continue
                }
                guard commandBlock else { continue }
                var text = trimmed
                if let started = pending {
                    text = started.text + " " + text
                }
                if text.hasSuffix("\\") {
                    pending = (pending?.line ?? index + 1, String(text.dropLast()).trimmingCharacters(in: .whitespaces))
                    continue
                }
                let start = pending?.line ?? index + 1
                pending = nil
                if let arguments = rationaleArguments(text) {
                    commands.append(DocumentedCommand(line: start, text: text, arguments: arguments))
                }
            } else if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let marker = trimmed.first == "`" ? "`" : "~"
                let ticks = String(trimmed.prefix { String($0) == marker })
                let info = trimmed.dropFirst(ticks.count).trimmingCharacters(in: .whitespaces).lowercased()
                fence = ticks
                commandBlock = !notCommands.contains(info.split(separator: " ").first.map(String.init) ?? "")
            }
        }
        return commands
    }

    /// The arguments of a `rationale` command line, or nil when the line runs something else.
    static func rationaleArguments(_ line: String) -> [String]? {
        var words = split(line)
        if words.first == "$" { words.removeFirst() }
        while let first = words.first, isAssignment(first) { words.removeFirst() }
        guard words.first == "rationale", words.count > 1 else { return nil }
        return Array(words.dropFirst())
    }

    /// `NAME=value` before a command.
    static func isAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        let name = word[..<equals]
        return name.first.map { $0.isLetter || $0 == "_" } == true && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// Splits a line into words as a POSIX shell would for simple cases: single and double
    /// quotes, backslash escapes outside single quotes, and a `#` comment that starts a word.
    static func split(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                inWord = true
            case "\\":
                escaped = true
                inWord = true
            case " ", "\t":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            case "#" where !inWord:
                return words
            default:
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

@Suite("docs/ONBOARDING.md")
struct OnboardingDocTests {
    static let guide: String = (try? String(contentsOf: packageRoot.appendingPathComponent("docs/ONBOARDING.md"), encoding: .utf8)) ?? ""
    static let commands = DocumentedCommands.extract(from: guide)

    @Test func theGuideHasCommands() {
        #expect(!Self.guide.isEmpty, "docs/ONBOARDING.md is missing")
        #expect(Self.commands.count >= 20, "found only \(Self.commands.count) commands: is the extraction broken?")
    }

    /// Each command parses as the tool parses it: subcommand names, flags, option values and
    /// each command's `validate()`. `--help` and `--version` count as parsing.
    @Test(arguments: commands)
    func everyCommandParses(_ command: DocumentedCommand) {
        do {
            _ = try Rationale.parseAsRoot(command.arguments)
        } catch {
            if Rationale.exitCode(for: error) != .success {
                Issue.record("\(command)\n  \(Rationale.message(for: error))")
            }
        }
    }

    @Test func everySubcommandAppearsInTheGuide() {
        let used = Set(Self.commands.compactMap(\.arguments.first))
        for subcommand in Rationale.configuration.subcommands {
            let name = subcommand.configuration.commandName ?? subcommand._commandName
            #expect(used.contains(name), "docs/ONBOARDING.md shows no `rationale \(name) …` command in a code block")
        }
    }

    @Test func theExtractionReadsLikeAShell() {
        let markdown = """
            ```sh
            rationale session start "First session" --kind refactor   # a comment
            NO_COLOR=1 rationale impact --downstream 1
            $ rationale loops propose 'it'"'"'s open' \\
                --model orders
            git commit -m "rationale check runs here"
            ```

            ```text
            rationale gate: passed — output, not a command
            ```
            """
        let found = DocumentedCommands.extract(from: markdown)
        #expect(
            found.map(\.arguments) == [
                ["session", "start", "First session", "--kind", "refactor"],
                ["impact", "--downstream", "1"],
                ["loops", "propose", "it's open", "--model", "orders"],
            ])
        #expect(found.map(\.line) == [2, 3, 4])
    }

    @Test func aBrokenCommandFails() {
        #expect(throws: (any Error).self) { try Rationale.parseAsRoot(["impact", "--downstreem", "1"]) }
        #expect(throws: (any Error).self) { try Rationale.parseAsRoot(["impact", "--staged", "--base", "main"]) }
        #expect(throws: (any Error).self) { try Rationale.parseAsRoot(["sessions", "start", "x"]) }
    }
}

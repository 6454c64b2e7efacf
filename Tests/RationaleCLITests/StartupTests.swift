import ArgumentParser
import Testing

@testable import RationaleCLI

/// What a hook pays before its command runs.
@Suite("start-up")
struct StartupTests {
    /// Every command names itself: without `commandName`, ArgumentParser derives the name with
    /// `String(describing:)`, whose dynamic casts scan every protocol conformance of the binary —
    /// three quarters of `rationale --version`'s instructions when it did.
    @Test func everyCommandNamesItself() {
        var unnamed: [String] = []
        var pending: [any ParsableCommand.Type] = [Rationale.self]
        while let command = pending.popLast() {
            if command.configuration.commandName == nil { unnamed.append("\(command)") }
            pending.append(contentsOf: command.configuration.subcommands)
        }
        #expect(unnamed.isEmpty, "give these a commandName: \(unnamed)")
    }
}

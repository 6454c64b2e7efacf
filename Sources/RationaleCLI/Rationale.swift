import ArgumentParser
import Diagnostics
import Foundation
import Workflow

/// The `rationale` command: keeps the why next to every change of a dbt project.
public struct Rationale: ParsableCommand {
    /// The tool's version; the parse cache is invalidated when it changes.
    public static let version = Tool.version

    public static let configuration = CommandConfiguration(
        commandName: "rationale",
        abstract: "Keep the why next to every change of a dbt project.",
        discussion: """
            Exit codes: 0 success, 1 the check found problems, 2 could not run (bad input, repository \
            or configuration), 64 usage error.
            """,
        version: version,
        subcommands: [
            Impact.self, Context.self, Session.self, Loops.self, Check.self, Narrate.self, Gate.self, Prove.self, Publish.self, Tokens.self, Install.self,
            Uninstall.self, Attempts.self, MCP.self,
            Doctor.self, Demo.self, Agents.self, Templates.self,
        ]
    )

    public init() {}

    /// Runs the command line and returns its exit status, never exiting itself: the executable
    /// decides how the process ends. Large answers the command hands to `keeper` stay alive
    /// after it returns. As ``ParsableCommand/main()``, with one difference: a usage error that
    /// repeats an over-long argument repeats it shortened (``Echo/capped(_:)``). `network` is
    /// the HTTP stack of the executable that has one (`rationale-net`); without it, a command
    /// that needs the network hands itself to that executable.
    public static func run(keeping keeper: AnswerKeeper, network: Network? = nil) -> Int32 {
        Network.$current.withValue(network) { run(keeper) }
    }

    private static func run(_ keeper: AnswerKeeper) -> Int32 {
        AnswerKeeper.$current.withValue(keeper) {
            do {
                var command = try parseAsRoot()
                try command.run()
                return 0
            } catch {
                let message = Echo.capped(fullMessage(for: error))
                if !message.isEmpty {
                    let stream = exitCode(for: error) == .success ? FileHandle.standardOutput : FileHandle.standardError
                    stream.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
                }
                return exitCode(for: error).rawValue
            }
        }
    }
}

/// Exit codes shared by every command.
enum Exit {
    /// The tool could not run: bad input, repository or configuration.
    static let couldNotRun = ExitCode(2)
}

/// Runs a command body, turning thrown errors into a message on stderr and exit code 2.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        let message = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
        // Input echoed in a message is shortened where it is quoted; this is the last guard.
        emitError("rationale: error: \(Echo.capped(message))")
        throw Exit.couldNotRun
    }
}

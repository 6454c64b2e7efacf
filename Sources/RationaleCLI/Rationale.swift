import ArgumentParser
import Foundation

/// The `rationale` command: keeps the why next to every change of a dbt project.
public struct Rationale: ParsableCommand {
    /// The tool's version; the parse cache is invalidated when it changes.
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "rationale",
        abstract: "Keep the why next to every change of a dbt project.",
        discussion: """
        Exit codes: 0 success, 1 the check found problems, 2 could not run (bad input, repository \
        or configuration), 64 usage error.
        """,
        version: version,
        subcommands: [Impact.self, Context.self, Session.self, Loops.self, Check.self, Narrate.self, Gate.self, Publish.self, Tokens.self, Install.self, Uninstall.self, Doctor.self, Demo.self]
    )

    public init() {}
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
        emitError("rationale: error: \(message)")
        throw Exit.couldNotRun
    }
}

import ArgumentParser
import Diagnostics
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

    /// Runs the command line, as ``ParsableCommand/main()`` does, with one difference: a usage
    /// error that repeats an over-long argument repeats it shortened (``Echo/capped(_:)``).
    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let message = fullMessage(for: error)
            let capped = Echo.capped(message)
            guard capped != message else { exit(withError: error) }
            FileHandle.standardError.write(Data((capped.hasSuffix("\n") ? capped : capped + "\n").utf8))
            Foundation.exit(exitCode(for: error).rawValue)
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

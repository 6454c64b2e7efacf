import Workflow
import ArgumentParser
import Foundation

extension Rationale {
    /// `rationale uninstall`: removes rationale's git hooks and puts back the ones they chained.
    struct Uninstall: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "uninstall",
            abstract: "Remove rationale's git hooks and put back the hooks they replaced.",
            discussion: """
                Removes only hooks that carry rationale's marker line, and renames each <hook>.legacy \
                back into place, byte for byte and with its mode. A hook rationale did not write is \
                never deleted.

                Examples:
                  rationale uninstall
                  rationale uninstall --hook commit-msg
                """
        )

        @Option(name: .customLong("hook"), help: ArgumentHelp("A hook to remove (repeatable; default: all).", valueName: "name"))
        var hooks: [String] = []

        @OptionGroup var repository: RepositoryOptions

        func validate() throws {
            for hook in hooks where !HookInstaller.hookNames.contains(hook) {
                throw ValidationError("unknown hook `\(hook)`; choose from \(HookInstaller.hookNames.joined(separator: ", "))")
            }
        }

        func run() throws {
            try runReportingErrors {
                let installer = try HookInstaller(directory: repository.resolvedDirectory)
                let changes = try installer.uninstall(hooks.isEmpty ? HookInstaller.hookNames : hooks)
                emit(HookRenderer.uninstall(changes, root: installer.repository.workdir ?? installer.repository.gitDirectory))
            }
        }
    }
}

import Workflow
import ArgumentParser
import Foundation

extension Rationale {
    /// `rationale install`: the git hooks that run `rationale check`.
    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "install",
            abstract: "Install the git hooks (pre-commit, commit-msg) that run `rationale check`.",
            discussion: """
                Installs into the folder git runs hooks from (`git rev-parse --git-path hooks`): \
                core.hooksPath when it lies inside the repository, else .git/hooks in the common git \
                directory, which every linked worktree shares. A hook that is already there is kept as \
                <hook>.legacy and runs first; its failure stops the commit. Installing again changes \
                nothing (or rewrites rationale's own hooks when the binary moved). The hooks run this \
                binary by its absolute path (GUI git clients have a bare PATH), falling back to \
                `rationale` on PATH. `rationale uninstall` puts everything back.

                Refuses (exit 2) a core.hooksPath outside the repository (it would change the hooks of \
                every repository using it) and husky's folder, unless --force.

                Examples:
                  rationale install
                  rationale install --hook pre-commit
                  rationale install -C ../other-repo --binary /usr/local/bin/rationale
                """
        )

        @Option(name: .customLong("hook"), help: ArgumentHelp("A hook to install (repeatable; default: all).", valueName: "name"))
        var hooks: [String] = []

        @Option(name: .long, help: ArgumentHelp("The rationale binary the hooks run (default: this one).", valueName: "path"))
        var binary: String?

        @Flag(name: .long, help: "Install into a core.hooksPath outside the repository, or husky's, anyway.")
        var force = false

        @OptionGroup var repository: RepositoryOptions

        func validate() throws {
            for hook in hooks where !HookInstaller.hookNames.contains(hook) {
                throw ValidationError("unknown hook `\(hook)`; choose from \(HookInstaller.hookNames.joined(separator: ", "))")
            }
        }

        func run() throws {
            try runReportingErrors {
                let binaryPath = try HookInstaller.binaryPath(option: binary)
                let installer = try HookInstaller(directory: repository.resolvedDirectory)
                let changes = try installer.install(hooks.isEmpty ? HookInstaller.hookNames : hooks, binary: binaryPath, force: force)
                let root = installer.repository.workdir ?? installer.repository.gitDirectory
                emit(
                    HookRenderer.install(
                        changes, binary: binaryPath, root: root,
                        folderInWorkTree: installer.folderInWorkTree.map { SetupDoctor.display($0, root: root) }))
            }
        }
    }
}

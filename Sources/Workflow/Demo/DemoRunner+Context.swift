import Foundation

extension DemoRunner {
    /// Runs steps, reports them, and remembers the first one that did not end as expected.
    struct Context {
        let root: String
        let binary: String
        let report: (Step) -> Void
        var failure: DemoError?
        /// Added to every command's environment (dbt's settings and PATH in the data steps).
        var environment: [String: String] = [:]

        init(root: String, binary: String, report: @escaping (Step) -> Void) {
            self.root = root
            self.binary = binary
            self.report = report
        }

        mutating func rationale(_ arguments: [String], expect: Int32 = 0, quiet: Bool = false, quietOutput: Bool = false, note: String = "") throws {
            let result = try Self.execute(binary, arguments, in: root, environment: environment)
            let command = "rationale " + arguments.map(Self.quoted).joined(separator: " ")
            if !quiet {
                report(
                    Step(
                        command: command, output: quietOutput ? "(\(result.output.split(separator: "\n").count) lines)" : result.output, status: result.status,
                        note: note))
            }
            if result.status != expect, failure == nil { failure = .stepFailed(command, result.status, result.output) }
        }

        mutating func git(_ arguments: [String], expect: Int32 = 0, quiet: Bool = false, note: String = "") throws {
            let result = try Self.execute("/usr/bin/env", ["git"] + arguments, in: root, environment: environment)
            let command = "git " + arguments.map(Self.quoted).joined(separator: " ")
            if !quiet { report(Step(command: command, output: result.output, status: result.status, note: note)) }
            if result.status != expect, failure == nil { failure = .stepFailed(command, result.status, result.output) }
        }

        /// Runs dbt; shows how many lines it printed and its summary line (`Done. PASS=…`).
        mutating func dbt(_ executable: String, _ arguments: [String], note: String) throws {
            let result = try Self.execute(executable, arguments, in: root, environment: environment)
            let command = "dbt " + arguments.map(Self.quoted).joined(separator: " ")
            let lines = result.output.split(separator: "\n").map(String.init)
            let summary = lines.filter { $0.contains("Done. PASS=") || $0.contains("Completed successfully") }.map(Self.withoutTime)
            let output = result.status == 0 ? (["(\(lines.count) lines of dbt's log)"] + summary).joined(separator: "\n") : result.output
            report(Step(command: command, output: output, status: result.status, note: note))
            if result.status != 0, failure == nil { failure = .stepFailed(command, result.status, result.output) }
        }

        func show(_ command: String, output: String, note: String) {
            report(Step(command: command, output: output, status: 0, note: note))
        }

        /// A dbt log line without its leading `HH:MM:SS` time.
        static func withoutTime(_ line: String) -> String {
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].count == 8, parts[0].filter({ $0 == ":" }).count == 2 else { return line }
            return parts[1].trimmingCharacters(in: .whitespaces)
        }

        static func quoted(_ argument: String) -> String {
            argument.contains(where: { $0 == " " || $0 == "'" || $0 == "\"" || $0 == "`" }) ? "\"\(argument)\"" : argument
        }

        static func execute(_ executable: String, _ arguments: [String], in folder: String, environment extra: [String: String] = [:]) throws -> (
            status: Int32, output: String
        ) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: folder, isDirectory: true)
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = "1"
            environment["RATIONALE_SKIP"] = nil
            environment["GIT_DIR"] = nil
            environment["GIT_WORK_TREE"] = nil
            environment.merge(extra) { _, new in new }
            process.environment = environment
            // One file for both streams keeps them in the order they were written.
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rationale-demo-\(UUID().uuidString)")
            FileManager.default.createFile(atPath: scratch.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let handle = try FileHandle(forWritingTo: scratch)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                throw DemoError.cannotRun(executable == "/usr/bin/env" ? "git" : executable)
            }
            process.waitUntilExit()
            try handle.close()
            let output = String(decoding: (try? Data(contentsOf: scratch)) ?? Data(), as: UTF8.self)
            return (process.terminationStatus, output.trimmingCharacters(in: .newlines))
        }
    }
}

import Workflow
import Diagnostics
import Foundation
import Narrative

/// `rationale publish`: reads the CI context, applies the command-line overrides and hands the
/// narrative to the publisher; the answer is the lines to print.
enum PublishFrontend {
    /// The command's flags.
    struct Options {
        var forge: ForgeKind
        var mode: PublishMode
        var apiURL: String?
        var repository: String?
        var pullRequest: Int?
    }

    /// One thing to print: plain text, or one of our own workflow commands (an annotation).
    enum Line: Equatable {
        case text(String)
        case workflowCommand(String)
    }

    /// Publishes and says what happened, one line per outcome (and one per note).
    static func run(_ options: Options, narrative: String, environment: [String: String], exchange: @escaping HTTPExchange) throws -> [Line] {
        var context = options.forge == .github ? try CIContext.github(environment: environment) : CIContext.gitlab(environment: environment)
        if let apiURL = options.apiURL { context.apiURL = apiURL }
        if let repository = options.repository { context.repository = repository }
        if let pullRequest = options.pullRequest { context.pullRequest = pullRequest }
        if context.pullRequest == nil && context.isMergeGroup {
            return [.text("publish: nothing to do: a merge_group run has no pull request to write to")]
        }
        let result: PublishResult
        do {
            let forge = try context.makeForge(exchange: exchange, limits: ForgeLimits(environment: environment))
            let publisher = NarrativePublisher(forge: forge, summaryPath: context.stepSummaryPath)
            result = try publisher.publish(narrative, mode: options.mode)
        } catch ForgeError.missingToken(_, let variables) where context.isFork {
            // A fork's pipeline gets no secrets (GitLab passes no CI/CD variables to forks).
            let reason = "a fork's pipeline has no token (\(variables.joined(separator: " or ")))"
            result = try NarrativePublisher.fallBack(narrative, reason: reason, pullRequest: context.pullRequestName, summaryPath: context.stepSummaryPath)
        }
        var lines: [Line] = []
        let pullRequest = ConsoleText.oneLine(result.pullRequest)
        switch result.outcome {
        case .created(let place): lines.append(.text("publish: created \(describe(place)) on \(pullRequest)"))
        case .updated(let place): lines.append(.text("publish: updated \(describe(place)) on \(pullRequest)"))
        case .unchanged(let place): lines.append(.text("publish: unchanged \(describe(place)) on \(pullRequest) (nothing written)"))
        case .fellBack(let reason):
            let destination = result.summaryFile == nil ? "narrative below" : "narrative appended to the job summary"
            let line = "publish: could not write to \(pullRequest): \(ConsoleText.oneLine(reason)) — \(destination)"
            if environment["GITHUB_ACTIONS"] == "true" {
                lines.append(.workflowCommand(WorkflowOutput.annotation("warning", title: "rationale publish", message: line)))
            }
            lines.append(.text(line))
        }
        lines += result.notes.map { .text("publish: note: \(ConsoleText.oneLine($0))") }
        if case .fellBack = result.outcome, result.summaryFile == nil {
            lines.append(.text(NarrativeMarkers.sanitized(narrative)))
        }
        return lines
    }

    private static func describe(_ place: PublishedPlace) -> String {
        switch place {
        case .comment(let id): return "comment \(id)"
        case .bodyBlock: return "body block"
        }
    }

    /// The narrative Markdown from a file (relative to `directory`) or, for `-`, standard input.
    static func readNarrative(_ file: String, relativeTo directory: String) throws -> String {
        let data: Data?
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            data = FileManager.default.contents(atPath: file.hasPrefix("/") ? file : directory + "/" + file)
        }
        guard let data else { throw PublishCommandError.cannotReadNarrative(file) }
        let text = try TextFile.decode(data, file: file == "-" ? "standard input" : file)
        guard !NarrativeMarkers.sanitized(text).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw PublishCommandError.emptyNarrative(file)
        }
        return text
    }
}

/// Why `publish` could not read its narrative.
enum PublishCommandError: Error, LocalizedError {
    case cannotReadNarrative(String)
    case notText(String)
    case emptyNarrative(String)

    var errorDescription: String? {
        switch self {
        case .cannotReadNarrative(let file):
            return "cannot read the narrative file \(Echo.shortened(file)): pass --file with the Markdown to publish, or --file - to read standard input"
        case .notText(let file):
            return "the narrative file \(Echo.shortened(file)) is not UTF-8 text: pass the Markdown narrative"
        case .emptyNarrative(let file):
            return "the narrative in \(file == "-" ? "standard input" : file) is empty: nothing to publish — write the narrative first"
        }
    }
}

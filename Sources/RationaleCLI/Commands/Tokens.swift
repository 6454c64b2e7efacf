import Workflow
import ArgumentParser
import Foundation
import Sessions

extension Rationale {
    /// `rationale tokens`: the token estimate every budget uses, for any file.
    struct Tokens: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tokens",
            abstract: "Estimate the tokens of files the way context budgets count them.",
            discussion: """
                Offline and vendor-neutral: one token per 5 letters of a word, per 3 digits, per \
                symbol or non-ASCII character and per 2 line breaks, rounded up so the estimate errs \
                high (`make tokens` holds it to a real BPE tokenizer: never more than 5 % under). Use it to check what you \
                paste into an agent against a session's budget.

                Examples:
                  rationale tokens models/marts/orders.sql
                  cat prompt.md | rationale tokens -
                """
        )

        @Argument(help: "Files to count (- for standard input).")
        var files: [String] = ["-"]

        @Option(name: .long, help: "Output format: text, json.")
        var format: ReportFormat = .text

        struct Count: Encodable {
            var file: String
            var characters: Int
            var tokens: Int
        }

        func run() throws {
            try runReportingErrors {
                var counts: [Count] = []
                for file in files {
                    let data: Data
                    if file == "-" {
                        data = FileHandle.standardInput.readDataToEndOfFile()
                    } else if let read = FileManager.default.contents(atPath: file) {
                        data = read
                    } else {
                        throw TokensError.unreadable(file)
                    }
                    let text = String(decoding: data, as: UTF8.self)
                    counts.append(Count(file: file, characters: text.count, tokens: TokenEstimate.tokens(text)))
                }
                switch format {
                case .json: emit(FindingsOutput.json(counts))
                case .text:
                    var lines = counts.map { "\($0.tokens)\t\($0.file)" }
                    if counts.count > 1 { lines.append("\(counts.reduce(0) { $0 + $1.tokens })\ttotal") }
                    lines.append("(\(TokenEstimate.method))")
                    emit(lines.joined(separator: "\n"))
                }
            }
        }
    }
}

enum TokensError: Error, LocalizedError {
    case unreadable(String)

    var errorDescription: String? {
        switch self {
        case .unreadable(let file): return "\(file): no such file or not readable"
        }
    }
}

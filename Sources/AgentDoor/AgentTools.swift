import Diagnostics
import Foundation
import MCP
import Sessions
import Workflow

/// What a tool answers: text for the agent to read, the same facts as JSON, or an error.
public struct ToolAnswer: Sendable {
    /// The answer as text (the command line's wording where it has one).
    public var text: String
    /// The answer as a JSON value (`structuredContent`), when it has one.
    public var structured: Value?
    /// Whether the tool could not do what was asked: `text` then says why, as the command line would.
    public var isError: Bool

    /// An answer.
    public init(text: String, structured: Value? = nil, isError: Bool = false) {
        self.text = text
        self.structured = structured
        self.isError = isError
    }

    /// As MCP's result of `tools/call`.
    public var result: CallTool.Result {
        CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: structured, isError: isError ? true : nil)
    }
}

/// The tools' handlers: each checks its arguments, makes one call into the library entry point
/// the command line uses, and words the answer.
public enum AgentTools {
    /// Runs the tool `name` in the repository around `directory`.
    ///
    /// - Returns: the answer, or an error answer (`isError`) with the message the command line
    ///   prints for the same input or failure.
    /// - Throws: ``UnknownTool`` only, for a name the server does not offer (a protocol error).
    public static func call(_ name: String, arguments: [String: Value]?, directory: String, date: String) throws -> ToolAnswer {
        guard let tool = ToolCatalog.tool(name) else { throw UnknownTool(name: name) }
        do {
            let input = try ToolInput(tool: name, arguments: arguments, schema: tool.inputSchema)
            guard let handler = handlers[name] else { throw UnknownTool(name: name) }
            return try handler(input, Call(directory: directory, date: date))
        } catch let unknown as UnknownTool {
            throw unknown
        } catch {
            return ToolAnswer(text: message(error), isError: true)
        }
    }

    /// The message the command line prints for `error` (after `rationale: error: `).
    public static func message(_ error: any Error) -> String {
        Echo.capped((error as? LocalizedError)?.errorDescription ?? String(describing: error))
    }

    /// Where and when a tool runs.
    struct Call {
        var directory: String
        var date: String

        func workspace() throws -> Workspace { try Workspace.open(directory) }
    }

    typealias Handler = @Sendable (ToolInput, Call) throws -> ToolAnswer

    /// Every tool's handler, by name.
    static let handlers: [String: Handler] = [
        "impact": impact, "context": context, "session_status": status, "loops_list": loopsList, "loops_propose": propose,
        "attempts_add": attemptsAdd, "attempts_list": attemptsList, "context_decide": decide, "handoff": handoff,
    ]

    /// Whether `name` has a handler (for the test that holds the catalog and the handlers together).
    public static func handles(_ name: String) -> Bool { handlers[name] != nil }

    static func status(_ input: ToolInput, _ call: Call) throws -> ToolAnswer {
        let workspace = try call.workspace()
        let status = try SessionFrontend.status(workspace, session: input.string("session"))
        let passed = !status.findings.contains { $0.severity == .error }
        var lines = [
            "session \(status.session.folder)/ — \(status.modified.count) modified model\(status.modified.count == 1 ? "" : "s") in \(status.description)"
        ]
        if status.findings.isEmpty {
            lines.append("complete: every required section filled, every modified model named in the context decisions")
        } else {
            lines += status.findings.map(\.textLine)
        }
        struct Output: Encodable {
            var session: String
            var passed: Bool
            var modified: [ModifiedNode]
            var findings: [Finding]
        }
        let output = Output(session: status.session.folder, passed: passed, modified: status.modified, findings: status.findings)
        return ToolAnswer(text: lines.joined(separator: "\n"), structured: try structured(output))
    }

    static func loopsList(_ input: ToolInput, _ call: Call) throws -> ToolAnswer {
        let workspace = try call.workspace()
        let session = try workspace.activeSession(input.string("session"))
        let document = session.loops ?? LoopsDocument("")
        let path = session.path(SessionInput.File.loops)
        let text = document.entries.isEmpty ? "\(path): no loops" : document.entries.map { "\(path):\($0.line): \($0.loop.line)" }.joined(separator: "\n")
        let items: [Value] = document.entries.map { entry in
            .object([
                "id": .string(entry.loop.id), "status": .string(entry.loop.status.rawValue), "text": .string(entry.loop.text),
                "attributes": .object(Dictionary(entry.loop.attributes.map { ($0.key, Value.string($0.value)) }, uniquingKeysWith: { first, _ in first })),
                "line": .int(entry.line),
            ])
        }
        return ToolAnswer(text: text, structured: .object(["file": .string(path), "loops": .array(items)]))
    }

    static func propose(_ input: ToolInput, _ call: Call) throws -> ToolAnswer {
        let text = input.string("text") ?? ""
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ToolInputError.invalid("the loop needs text: say the question") }
        let workspace = try call.workspace()
        let done = try LoopsFrontend.propose(
            workspace, session: input.string("session"), text: text, model: input.string("model"), by: input.string("by") ?? "agent",
            options: input.strings("options"))
        return ToolAnswer(
            text: "\(done.file): \(done.loop.line)\nthe user approves it with `rationale loops approve \(done.loop.id)`",
            structured: .object([
                "file": .string(done.file), "id": .string(done.loop.id), "status": .string(done.loop.status.rawValue), "line": .string(done.loop.line),
            ]))
    }

    static func attemptsAdd(_ input: ToolInput, _ call: Call) throws -> ToolAnswer {
        let workspace = try call.workspace()
        let done = try AttemptsFrontend.add(
            workspace, session: input.string("session"), text: input.string("text") ?? "", result: input.string("result") ?? "",
            why: input.string("why"), by: input.string("by"), date: call.date)
        var lines = ["\(done.file): \(done.attempt.line)"]
        if done.created { lines.append("  created \(done.file)") }
        if let escalate = done.escalate { lines.append("note: \(escalate.message)") }
        var object: [String: Value] = [
            "file": .string(done.file), "id": .string(done.attempt.id), "result": .string(done.attempt.result.rawValue),
            "line": .string(done.attempt.line), "created": .bool(done.created),
        ]
        if let escalate = done.escalate { object["escalate"] = .string(escalate.message) }
        return ToolAnswer(text: lines.joined(separator: "\n"), structured: .object(object))
    }

    static func attemptsList(_ input: ToolInput, _ call: Call) throws -> ToolAnswer {
        let workspace = try call.workspace()
        let listed = try AttemptsFrontend.list(workspace, session: input.string("session"))
        var lines: [String]
        if !listed.exists {
            lines = ["\(listed.file): no attempts yet (`rationale attempts add` creates the file)"]
        } else if listed.entries.isEmpty {
            lines = ["\(listed.file): no attempts"]
        } else {
            lines = listed.entries.map { "\(listed.file):\($0.line): \($0.attempt.line)" }
        }
        lines += listed.problems.map { "\(listed.file):\($0.line): warning: \($0.message) [\(AttemptSyntaxRule.id)]" }
        let items: [Value] = listed.entries.map { entry in
            .object([
                "id": .string(entry.attempt.id), "result": .string(entry.attempt.result.rawValue), "text": .string(entry.attempt.text),
                "attributes": .object(
                    Dictionary(entry.attempt.attributes.map { ($0.key, Value.string($0.value)) }, uniquingKeysWith: { first, _ in first })),
                "line": .int(entry.line),
            ])
        }
        return ToolAnswer(text: lines.joined(separator: "\n"), structured: .object(["file": .string(listed.file), "attempts": .array(items)]))
    }

    static func decide(_ input: ToolInput, _ call: Call) throws -> ToolAnswer {
        let verdict: ContextDecisions.Decision.Verdict = input.string("verdict") == "excluded" ? .excluded : .loaded
        let workspace = try call.workspace()
        let done = try ContextFrontend.decide(
            workspace, session: input.string("session"), verdict: verdict, names: input.strings("names"), reason: input.string("reason") ?? "")
        return ToolAnswer(
            text: "\(done.file): \(done.line)\(done.replacedPlaceholder ? "\n  (in place of the template's line for the same names)" : "")",
            structured: .object(["file": .string(done.file), "line": .string(done.line), "replaced_placeholder": .bool(done.replacedPlaceholder)]))
    }

    static func handoff(_ input: ToolInput, _ call: Call) throws -> ToolAnswer {
        let workspace = try call.workspace()
        let handoff = try SessionFrontend.handoffPreview(workspace, session: input.string("session"), date: call.date)
        let note =
            handoff.written
            ? "\(handoff.file) (≈\(handoff.tokens) tokens, \(TokenEstimate.method))"
            : "\(handoff.file) as `rationale session close` would write it now (≈\(handoff.tokens) tokens; nothing written: the author closes the session)"
        return ToolAnswer(
            text: note + "\n\n" + handoff.text,
            structured: .object([
                "session": .string(handoff.session), "file": .string(handoff.file), "tokens": .int(handoff.tokens), "written": .bool(handoff.written),
                "text": .string(handoff.text),
            ]))
    }

    /// Any encodable value as a JSON value.
    static func structured<T: Encodable>(_ value: T) throws -> Value {
        try JSONDecoder().decode(Value.self, from: JSONEncoder().encode(value))
    }
}

/// A `tools/call` for a tool the server does not offer.
public struct UnknownTool: Error, LocalizedError {
    /// The name asked for.
    public var name: String

    public var errorDescription: String? {
        "no tool `\(Echo.shortened(name))`: the tools are \(ToolCatalog.tools.map(\.name).joined(separator: ", ")) (approving and closing loops, and starting and closing sessions, are the author's, with the command line)"
    }
}

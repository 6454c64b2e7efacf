import MCP

/// The tools the server offers, with their JSON Schemas: the one list that `tools/list` answers
/// and that ``AgentTools/call(_:arguments:directory:date:)`` dispatches on (a test checks that
/// each has a handler). Loops are proposed, never approved or closed, and sessions are neither
/// started nor closed here: those are the author's calls, made with the command line.
public enum ToolCatalog {
    /// Every tool, in the order listed.
    public static let tools: [Tool] = [
        Tool(
            name: "impact",
            description:
                "The dbt nodes a change modifies and what lies downstream, read from git (no dbt, no warehouse). Default: staged changes against HEAD.",
            inputSchema: object([
                "staged": bool("Compare the index with HEAD (the default)."),
                "worktree": bool("Compare the working tree (untracked files included) with HEAD."),
                "base": string("Compare `head` with its merge-base with this revision, like a pull request."),
                "head": string("The head revision for `base` (default HEAD)."),
                "downstream": integer("Edges to follow downstream (default: all)."),
                "upstream": integer("Edges to follow upstream (default 0)."),
                "with_tests": bool("List the tests attached to selected nodes."),
                "dbt_compatible": bool("Only dbt's own reasons: exactly the set state:modified+ selects."),
                "project": string("The dbt project folder, relative to the repository root (default: found automatically)."),
            ]),
            annotations: .init(readOnlyHint: true, openWorldHint: false)),
        Tool(
            name: "context",
            description:
                "A context pack of the change within a token budget: the diff, the changed SQL, children, parents and the pack's decisions. `write` records the decisions in the active session's CONTEXT.md.",
            inputSchema: object([
                "staged": bool("Compare the index with HEAD."),
                "worktree": bool("Compare the working tree with HEAD (the default)."),
                "base": string("Compare `head` with its merge-base with this revision."),
                "head": string("The head revision for `base` (default HEAD)."),
                "budget": integer("The token budget (default: budget in .rationale.yml, else 4000).", minimum: 200),
                "select": strings("Only these modified nodes (names, unique ids or paths inside the repository)."),
                "expand": strings("Show these nodes in full too, with their neighbours."),
                "write": bool("Record the pack's decisions in the active session's CONTEXT.md."),
                "session": session,
            ]),
            annotations: .init(readOnlyHint: false, destructiveHint: false, openWorldHint: false)),
        Tool(
            name: "session_status",
            description: "What the active session is missing, as findings (the same check as `rationale session status`).",
            inputSchema: object(["session": session]),
            annotations: .init(readOnlyHint: true, openWorldHint: false)),
        Tool(
            name: "loops_list",
            description: "The loops (open questions, threads to come back to) of the active session's LOOPS.md.",
            inputSchema: object(["session": session]),
            annotations: .init(readOnlyHint: true, openWorldHint: false)),
        Tool(
            name: "loops_propose",
            description:
                "Propose a loop: a question for the author, with its ways on as options when there is a choice. The author approves or closes it with the command line; this server cannot.",
            inputSchema: object(
                [
                    "text": string("The question or thread, in one line."),
                    "model": string("The dbt model it is about."),
                    "options": strings("Ways on, `LABEL: text with its trade-off` (two or more)."),
                    "by": string("Who proposes it (default: agent)."),
                    "session": session,
                ], required: ["text"]),
            annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false)),
        Tool(
            name: "attempts_add",
            description: "Log one attempt in the session's ATTEMPTS.md: what was tried, how it ended and why. Failures are logged too.",
            inputSchema: object(
                [
                    "text": string("What was tried: the error it answered and the fix, in one line."),
                    "result": string("How it ended.", oneOf: ["failed", "partial", "worked"]),
                    "why": string("Why it ended so: the error, or the figure that shows it."),
                    "by": string("Who tried it."),
                    "session": session,
                ], required: ["text", "result"]),
            annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false)),
        Tool(
            name: "attempts_list",
            description: "The attempts of the active session's ATTEMPTS.md.",
            inputSchema: object(["session": session]),
            annotations: .init(readOnlyHint: true, openWorldHint: false)),
        Tool(
            name: "context_decide",
            description:
                "Record one context decision in the session's CONTEXT.md: nodes loaded or excluded, with the reason (for an exclusion, what keeps them safe).",
            inputSchema: object(
                [
                    "verdict": string("Loaded into the agent's context, or left out.", oneOf: ["loaded", "excluded"]),
                    "names": strings("Node names, unique ids or paths inside the repository."),
                    "reason": string("Why: what the agent needs them for, or why leaving them out is safe."),
                    "session": session,
                ], required: ["verdict", "names", "reason"]),
            annotations: .init(readOnlyHint: false, destructiveHint: false, openWorldHint: false)),
        Tool(
            name: "handoff",
            description:
                "The handoff: what `rationale session close` would write into BOOTLOADER.md for the active session now (nothing is written or closed), or a closed session's BOOTLOADER.md.",
            inputSchema: object(["session": session]),
            annotations: .init(readOnlyHint: true, openWorldHint: false)),
    ]

    /// The tool named `name`, if the server offers it.
    public static func tool(_ name: String) -> Tool? {
        tools.first { $0.name == name }
    }

    static let session = string("The session folder name (default: the newest open one).")

    static func object(_ properties: [String: Value], required: [String] = []) -> Value {
        .object([
            "type": .string("object"), "properties": .object(properties), "required": .array(required.map { .string($0) }),
            "additionalProperties": .bool(false),
        ])
    }

    static func string(_ description: String, oneOf values: [String]? = nil) -> Value {
        var schema: [String: Value] = ["type": .string("string"), "description": .string(description)]
        if let values { schema["enum"] = .array(values.map { .string($0) }) }
        return .object(schema)
    }

    static func bool(_ description: String) -> Value {
        .object(["type": .string("boolean"), "description": .string(description)])
    }

    static func integer(_ description: String, minimum: Int = 0) -> Value {
        .object(["type": .string("integer"), "minimum": .int(minimum), "description": .string(description)])
    }

    static func strings(_ description: String) -> Value {
        .object(["type": .string("array"), "items": .object(["type": .string("string")]), "description": .string(description)])
    }
}

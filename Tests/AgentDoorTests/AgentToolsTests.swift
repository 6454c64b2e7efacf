import AgentDoor
import Foundation
import MCP
import Sessions
import Testing
import Workflow
import _TestSupport

/// The MCP server's tool dispatch: the catalog, argument checks and a decision written into a
/// real session (the server end to end: Tests/mcp/run_mcp.py).
@Suite("Agent tools")
struct AgentToolsTests {
    @Test func everyToolHasAHandlerAndNoneApprovesOrCloses() {
        let names = ToolCatalog.tools.map(\.name)
        #expect(Set(names).count == names.count)
        for name in names { #expect(AgentTools.handles(name), "\(name) has no handler") }
        for word in ["approve", "close", "start", "choose"] {
            #expect(!names.contains { $0.contains(word) }, "a tool may not \(word): that is the author's call")
        }
        for tool in ToolCatalog.tools {
            #expect(tool.inputSchema.objectValue?["type"] == .string("object"))
            #expect(tool.inputSchema.objectValue?["additionalProperties"] == .bool(false))
        }
    }

    @Test func anUnknownToolIsAProtocolError() {
        #expect(throws: UnknownTool.self) { try AgentTools.call("loops_approve", arguments: ["id": .string("L-1")], directory: "/", date: "2024-01-02") }
    }

    @Test(arguments: [
        ("impact", ["downstream": Value.string("x")], "impact: `downstream` must be an integer, not a string"),
        ("impact", ["depth": Value.int(1)], "impact: no argument `depth`"),
        ("impact", ["staged": Value.bool(true), "worktree": Value.bool(true)], "choose one of --staged, --worktree, --base REV"),
        ("impact", ["downstream": Value.int(-1)], "--downstream must be 0 or more"),
        ("context", ["budget": Value.int(10)], "--budget must be at least 200 tokens"),
        ("context", ["select": Value.array([.int(3)])], "context: `select[]` must be a string, not an integer"),
        ("attempts_add", ["text": Value.string("x")], "attempts_add: `result` is required"),
        ("attempts_add", ["text": Value.string("x"), "result": Value.string("great")], "attempts_add: `result` must be one of failed, partial, worked"),
        ("loops_propose", ["text": Value.string("  ")], "the loop needs text: say the question"),
    ])
    func badArgumentsAreToolErrorsWithTheirReason(_ tool: String, _ arguments: [String: Value], _ message: String) throws {
        let answer = try AgentTools.call(tool, arguments: arguments, directory: "/", date: "2024-01-02")
        #expect(answer.isError)
        #expect(answer.text.hasPrefix(message), "\(answer.text)")
    }

    @Test func aDecisionTakesThePlaceOfTheTemplateLineForItsNames() throws {
        let scratch = ScratchRepository()
        scratch.write("README.md", "x\n")
        _ = try scratch.commit("first")
        let workspace = try Workspace.open(scratch.path)
        let started = try SessionFrontend.start(
            workspace, title: "orders", kind: .general, date: "2024-01-02",
            problem: "Orders double count refunds in fct_orders; the totals will match the ledger when fixed.")
        let arguments: [String: Value] = [
            "verdict": .string("excluded"), "names": .array([.string("fct_refunds")]), "reason": .string("reads only order_id"),
        ]
        let answer = try AgentTools.call("context_decide", arguments: arguments, directory: scratch.path, date: "2024-01-02")
        #expect(!answer.isError, "\(answer.text)")
        let context = scratch.read(started.folder + "/CONTEXT.md") ?? ""
        #expect(context.contains("- excluded: fct_refunds — reads only order_id"))
        var decisions = ContextDecisions()
        decisions.read(context, file: "CONTEXT.md")
        #expect(decisions.authorDecisions.contains { $0.names == ["fct_refunds"] && $0.verdict == .excluded && $0.reason == "reads only order_id" })

        let outside = try AgentTools.call(
            "context_decide", arguments: ["verdict": .string("loaded"), "names": .array([.string("../secret/x.sql")]), "reason": .string("r")],
            directory: scratch.path, date: "2024-01-02")
        #expect(outside.isError)
        #expect(outside.text.contains("not a path inside the repository"))
    }
}

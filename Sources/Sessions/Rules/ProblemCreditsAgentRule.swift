import Diagnostics

/// The problem is the data's or its users', not the agent's: "the agent said orders needs a
/// comment" makes the author the forwarder of an answer, and nobody owns the why.
public enum ProblemCreditsAgentRule: SessionRule {
    public static let id = "problem_credits_agent"
    public static let description =
        "`Problem, in my words` states what is wrong in the data or for its users, not what an agent said, suggested or wants"

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard let text = session.files[SessionInput.File.summary],
            let section = MarkdownDocument(text).section(ProblemStatementRule.title)
        else { return [] }
        let body = section.visibleBody.map { MarkdownText.withoutPlaceholders($0.text) }.joined(separator: "\n")
        guard let credit = Substance.creditsAgent(Substance.words(body)) else { return [] }
        return [
            error(
                session.path(SessionInput.File.summary), line: section.line,
                "the problem statement credits the agent (`\(credit.agent) … \(credit.verb)`): say, in your words, what is wrong in the data or for whom and how you know, e.g. \"orders counts refunds twice since payments are joined before they are summed: May revenue in the finance dashboard is 4 % above the ledger\"; what the agent proposed belongs in Reasoning or a loop"
            )
        ]
    }

    static let sampleProblem = "Orders double count refunds because payments are joined before they are aggregated per order."

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "the data's problem"),
        RuleExample(
            triggers: true, "the agent said", line: .line(4),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sampleProblem, with: "The agent said orders needs a comment so I am adding one now ok")
            ]),
        RuleExample(
            triggers: true, "as suggested by Copilot", line: .line(4),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sampleProblem, with: "Renaming the amount columns of orders, as suggested by Copilot in the chat.")
            ]),
        RuleExample(
            triggers: true, "Claude has already suggested", line: .line(4),
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sampleProblem, with: "Claude has already suggested that orders should drop the refunds column entirely.")
            ]),
        RuleExample(
            triggers: false, "the subject is the AI summary, not an agent",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sampleProblem, with: "The AI summary said revenue fell 4 % in May, but orders double counts refunds, so it was wrong.")
            ]),
        RuleExample(
            triggers: false, "an agent mentioned, not credited",
            files: [
                SessionInput.File.summary: RuleExample.summary(
                    replacing: sampleProblem,
                    with: "Orders double count refunds; the AI summary in the dashboard repeats the wrong total to finance every morning.")
            ]),
    ]
}

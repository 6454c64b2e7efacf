import Diagnostics

/// A problem statement rewritten after the work began is allowed, and shows: the statement
/// `session start --problem` recorded is the one the author gave before the agent's answers.
public enum ProblemRevisedRule: SessionRule {
    public static let id = "problem_revised"
    public static let description =
        "a problem statement rewritten after `session start --problem` recorded it is reported (a warning): the narrative shows the first statement beside the revised one"

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard ProblemRecord.revised(session) == true, let text = session.files[SessionInput.File.summary] else { return [] }
        let line = MarkdownDocument(text).section(ProblemRecord.title)?.line ?? SessionMetadata.find(in: text).line
        return [
            Finding(
                severity: .warning, location: .init(file: session.path(SessionInput.File.summary), line: line), ruleID: id,
                message:
                    "the problem statement was revised after the work began (session start recorded \(session.metadata?.problem ?? "")): allowed, and the narrative shows the first statement beside this one, marked \"revised after the work began\""
            )
        ]
    }

    static let sampleProblem = "Orders double count refunds because payments are joined before they are aggregated per order."

    static func recorded(_ statement: String) -> String {
        RuleExample.summary(
            replacing: "status=open -->", with: "status=open problem=\(ProblemRecord.digest(statement)) base=0123456789ab -->")
    }

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "nothing recorded at start"),
        RuleExample(triggers: false, "as recorded", files: [SessionInput.File.summary: recorded(sampleProblem)]),
        RuleExample(
            triggers: false, "re-wrapped and re-punctuated only",
            files: [
                SessionInput.File.summary: recorded(sampleProblem).replacingOccurrences(
                    of: "because payments are joined", with: "because payments\nare joined;")
            ]),
        RuleExample(
            triggers: true, "rewritten", line: .line(4),
            files: [SessionInput.File.summary: recorded("Refunds are counted twice in orders since the payments join fans out per order.")]),
    ]
}

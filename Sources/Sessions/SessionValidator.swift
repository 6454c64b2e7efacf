import Diagnostics

/// Runs every rule over sessions.
public enum SessionValidator {
    /// Every rule, in the order their findings print. The one list: a test checks that each has
    /// a unique id and examples of both kinds.
    public static let rules: [any SessionRule.Type] = [
        SessionMetadataRule.self,
        RequiredSectionRule.self,
        ProblemStatementRule.self,
        ProblemCreditsAgentRule.self,
        ProblemRevisedRule.self,
        PlaceholderRule.self,
        ModelCoverageRule.self,
        ExclusionReasonRule.self,
        ReasoningHollowRule.self,
        ReasoningStepRule.self,
        ContextBudgetRule.self,
        ContextFiguresRule.self,
        ConfidenceStatedRule.self,
        LoopSyntaxRule.self,
        LoopIDRule.self,
        LoopProposedRule.self,
        AttemptSyntaxRule.self,
        AttemptsEscalateRule.self,
        StateLengthRule.self,
    ]

    /// The findings of every rule for one session, in file and line order (rule order within a line).
    public static func validate(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        let findings = rules.flatMap { $0.check(session, context) }
        return findings.enumerated().sorted { a, b in
            let left = (a.element.location?.file ?? "", a.element.location?.line ?? 0, a.offset)
            let right = (b.element.location?.file ?? "", b.element.location?.line ?? 0, b.offset)
            return left < right
        }.map(\.element)
    }

    /// The findings for several sessions that explain one change together (a branch may hold
    /// more than one): each is validated; coverage and STATE.md are checked once, on the last
    /// (newest), with what every other session names counting as covered.
    public static func validate(sessions: [SessionInput], _ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for (index, session) in sessions.enumerated() {
            let last = index == sessions.count - 1
            var own = context
            own.coveredElsewhere = context.coveredElsewhere.union(
                sessions.filter { $0.folder != session.folder }.reduce(into: Set<String>()) { $0.formUnion($1.decisions.coveredNames) })
            if !last {
                own.modified = []
                own.state = nil
            }
            findings += validate(session, own)
        }
        return findings
    }
}

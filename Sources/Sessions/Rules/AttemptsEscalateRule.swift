import Diagnostics

/// Three failed attempts in a row are a question, not a fourth try: when a session closes with
/// three or more failures since the last attempt that worked, a loop must name them, so the
/// author decides the way on with the attempt history in front of them.
public enum AttemptsEscalateRule: SessionRule {
    public static let id = "attempts_escalate"
    public static let description =
        "When a session closes with three or more failed attempts since the last one that worked, a loop names them (the escalation)."

    public static func check(_ session: SessionInput, _ context: RuleContext) -> [Finding] {
        guard context.closing, let attempts = session.attempts else { return [] }
        let failed = attempts.failedSinceLastWorked
        guard failed.count >= AttemptsDocument.escalateAfter, let last = failed.last else { return [] }
        let ids = failed.map(\.attempt.id)
        // Escalated: a loop (open, or answered since) names one of them.
        let loops = session.loops?.loops ?? []
        if loops.contains(where: { loop in ids.contains { mentions(loop, $0) } }) { return [] }
        let span = ids.count > 3 ? "\(ids[0])…\(ids[ids.count - 1])" : ids.joined(separator: ", ")
        return [
            error(
                session.path(SessionInput.File.attempts), line: last.line,
                "\(span) failed and no attempt worked since: escalate instead of trying again — open a loop naming them, with the ways on as options (`rationale loops propose \"\(span) failed at <what>: which way now?\" --option \"A: …\" --option \"B: …\"`) and approve it, or log the attempt that worked (`rationale attempts add \"…\" --result worked`)"
            )
        ]
    }

    /// Whether a loop's text or attributes name the attempt `id` (`A-4`, not `A-41`).
    static func mentions(_ loop: Loop, _ id: String) -> Bool {
        ([loop.text] + loop.attributes.map(\.value)).contains { text in
            var rest = Substring(text)
            while let found = rest.range(of: id) {
                let before = rest[..<found.lowerBound].last
                let after = rest[found.upperBound...].first
                if !(before?.isLetter ?? false || before?.isNumber ?? false), !(after?.isNumber ?? false) { return true }
                rest = rest[found.upperBound...]
            }
            return false
        }
    }

    /// ATTEMPTS.md with three failed attempts after the sample's two (lines 7 to 10; A-4 only partly worked).
    static let threeFailures =
        SessionSamples.attempts
            + """
            - A-3 (failed) Filter refunds in stg_payments [why: 1,190 rows: refunds are not the only duplicates]
            - A-4 (partial) Join on order_id and currency [why: 1,188 rows]
            - A-5 (failed) Add a row_number over payments [why: the test on orders.id still fails]
            - A-6 (failed) Window over order_id and paid_at [why: 1,188 rows]

            """

    public static let examples: [RuleExample] = [
        RuleExample(triggers: false, "closing after one failure and one that worked", closing: true),
        RuleExample(
            triggers: true, "closing with three failures since the last that worked", line: .line(10),
            files: [SessionInput.File.attempts: threeFailures], closing: true),
        RuleExample(
            triggers: false, "three failures while the session is still open",
            files: [SessionInput.File.attempts: threeFailures]),
        RuleExample(
            triggers: false, "three failures, then one that worked",
            files: [SessionInput.File.attempts: threeFailures + "- A-7 (worked) Dedupe stg_payments on payment_id [why: 1,187 rows]\n"], closing: true),
        RuleExample(
            triggers: false, "three failures escalated as a loop naming them",
            files: [
                SessionInput.File.attempts: threeFailures,
                SessionInput.File.loops: SessionSamples.loops
                    + "- L-2 (approved) A-3, A-5 and A-6 failed at the duplicates: which way now? [options: A: dedupe in staging; B: ask the source team] [approved-by: Ada]\n",
            ], closing: true),
        RuleExample(
            triggers: true, "a loop naming another attempt is no escalation", line: .line(10),
            files: [
                SessionInput.File.attempts: threeFailures,
                SessionInput.File.loops: SessionSamples.loops + "- L-2 (approved) Was A-1 right to use distinct? A-30 too? [approved-by: Ada]\n",
            ], closing: true),
    ]
}

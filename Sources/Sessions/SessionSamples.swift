/// A valid, filled-in session: the base every rule example changes one thing of, and the shape
/// documentation shows.
public enum SessionSamples {
    /// Its folder.
    public static let folder = ".project/sessions/2026-11-28-refactor-orders"

    /// The node its change modifies.
    public static let modified = [
        ModifiedNode(name: "orders", uniqueID: "model.shop.orders", path: "models/marts/orders.sql")
    ]

    /// Its Reasoning: the two steps a model change must fill, as labelled lines.
    public static let reasoning = """
        Transformation: aggregating first keeps the grain at one row per order; a distinct would hide the fan-out.
        Quality: unique and not_null on order_id still pass, and row counts match before and after.
        """

    /// SUMMARY.md, filled in.
    public static let summary = """
        <!-- rationale:session title="Refactor orders" kind=refactor started=2026-11-28 status=open -->
        # Refactor orders

        ## Problem, in my words
        <!-- why: you state the problem before the agent solves it -->
        Orders double count refunds because payments are joined before they are aggregated per order.

        ## What was done
        Aggregated payments per order in a CTE before the join.

        ## Loops
        <!-- rationale:loops:begin -->
        - L-1 (approved) Does the finance dashboard read refunds from orders? [approved-by: Ada]
        <!-- rationale:loops:end -->

        ## Context decisions
        Budget: 4000 tokens
        Used: 2600 tokens

        - loaded: orders, stg_payments — the join being fixed and its input
        - excluded: revenue — downstream; reads only order_id and amount, whose meaning is kept

        ## Reasoning
        \(reasoning)

        ## Excluded scope
        The refund logic in stg_payments stays as it is.

        ## Next session
        Compare row counts of orders before and after in the dev schema.

        """

    /// LOOPS.md.
    public static let loops = """
        # Loops — Refactor orders

        <!-- why: the agent proposes, you approve. Example: - L-7 (proposed) text [by: claude] -->
        ## Loops
        - L-1 (approved) Does the finance dashboard read refunds from orders? [approved-by: Ada]

        """

    /// CONTEXT.md.
    public static let context = """
        # Context — Refactor orders

        ## Lineage scope
        - orders (model, marts): body

        ## Context decisions
        - loaded: orders — the model whose join changes

        """

    /// ATTEMPTS.md: one attempt failed, the next worked.
    public static let attempts = """
        # Attempts — Refactor orders

        <!-- why: log every attempt, failures too. Example: - A-9 (failed) text [why: …] -->
        ## Attempts
        - A-1 (failed) Dedupe orders with distinct [why: hid the fan-out; 1,204 rows vs 1,187 in the ledger] [by: claude] [at: 2026-11-28]
        - A-2 (worked) Aggregate payments per order before the join [why: 1,187 rows, as the ledger] [by: claude] [at: 2026-11-28]

        """

    /// Every file of the sample session.
    public static let files: [String: String] = [
        SessionInput.File.summary: summary,
        SessionInput.File.loops: loops,
        SessionInput.File.context: context,
        SessionInput.File.attempts: attempts,
    ]
}

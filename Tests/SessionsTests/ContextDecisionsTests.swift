import Sessions
import Testing

struct ContextDecisionsTests {
    @Test func readsFiguresAndDecisions() {
        var decisions = ContextDecisions()
        decisions.read(
            """
            ## Context decisions
            **Budget:** 4,000 tokens
            Used: ~2 600 tokens
            - loaded: `stg_orders`, orders+, **stg_pay__***, _dim_x_ — the models being changed
            - excluded: revenue -- downstream only
            - excluded: customers
            - something else
            <!-- - excluded: hidden — in a comment -->
            """, file: "S.md")
        #expect(decisions.budget?.tokens == 4000)
        #expect(decisions.used?.tokens == 2600)
        #expect(decisions.used?.line == 3)
        // A selector's `+` and a glob's `*` stay; emphasis around a name goes.
        #expect(decisions.decisions.map(\.names) == [["stg_orders", "orders+", "stg_pay__*", "dim_x"], ["revenue"], ["customers"]])
        #expect(decisions.decisions.map(\.reason) == ["the models being changed", "downstream only", ""])
        #expect(decisions.coveredNames == ["stg_orders", "orders+", "stg_pay__*", "dim_x", "revenue", "customers"])
        #expect(decisions.covers(ModifiedNode(name: "orders", uniqueID: "model.s.orders", path: "models/orders.sql")))
        #expect(decisions.covers(ModifiedNode(name: "stg_pay__cards", uniqueID: "model.s.stg_pay__cards", path: "models/stg_pay__cards.sql")))
        #expect(!decisions.covers(ModifiedNode(name: "stg_payments", uniqueID: "model.s.stg_payments", path: "models/stg_payments.sql")))
    }

    @Test func tokenEstimateErrsHigh() {
        #expect(TokenEstimate.tokens("") == 0)
        #expect(TokenEstimate.tokens("abcd") == 1)
        #expect(TokenEstimate.tokens("abcdef") == 2) // 6 letters: two pieces of a word
        #expect(TokenEstimate.tokens("select 1") == 3) // a word, a number, nothing for the space
        #expect(TokenEstimate.tokens("{{ ref('x') }}") == 10) // every symbol is a token of its own
        #expect(TokenEstimate.tokens("a\nb\nc\n") == 5) // three letters and three line breaks (1.5, up)
        #expect(TokenEstimate.tokens("café") == 2) // é is one non-ASCII character, not two bytes
    }

    @Test func slugsAndFolderNames() throws {
        #expect(try SessionNaming.slug("Refactor fct_orders: grain → one row per order!") == "refactor-fct-orders-grain-one-row-per-order")
        #expect(try SessionNaming.slug("Café déjà vu") == "cafe-deja-vu")
        #expect(throws: SessionError.emptyTitle) { try SessionNaming.slug("→ !!") }
        #expect(SessionNaming.folderName(date: "2026-11-28", slug: "x", existing: ["2026-11-28-x", "2026-11-28-x-2"]) == "2026-11-28-x-3")
    }

    @Test func metadataRoundTrips() {
        let metadata = SessionMetadata(title: "Say \"hi\"", kind: "refactor", started: "2026-11-28", status: .closed, closed: "2026-11-29")
        let found = SessionMetadata.find(in: "x\n" + metadata.line + "\n")
        #expect(found.line == 2)
        #expect(found.metadata?.title == "Say 'hi'")
        #expect(found.metadata?.status == .closed)
        #expect(found.metadata?.closed == "2026-11-29")
    }
}

struct PathGlobTests {
    @Test(arguments: [
        ("dbt/models/**", "dbt/models/staging/stg.sql", true),
        ("dbt/models/**", "dbt/macros/m.sql", false),
        ("dbt/models", "dbt/models/a/b.yml", true),
        ("dbt/models", "dbt/models_old/a.sql", false),
        ("**/*.sql", "a/b/c.sql", true),
        ("**/*.sql", "c.sql", true),
        ("models/*.sql", "models/a/b.sql", false),
        ("./models/?.sql", "models/a.sql", true),
        ("dbt_project.yml", "dbt_project.yml", true),
    ])
    func matches(pattern: String, path: String, expected: Bool) {
        #expect(PathGlob(pattern).matches(path) == expected)
    }
}

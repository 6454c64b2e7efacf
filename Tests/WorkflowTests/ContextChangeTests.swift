import Testing

@testable import Workflow

@Suite("How the pack reads a change")
struct ContextChangeTests {
    @Test func aSeedsLongDiffIsCountedWithItsFirstLines() {
        let diff = "@@ -1,30 +1,30 @@\n" + (0..<30).map { "-\($0),old\n+\($0),new" }.joined(separator: "\n") + "\n"
        let summary = ContextFrontend.dataSummary(diff)
        #expect(summary.hasPrefix("(data: 30 lines added, 30 removed; the first 10 changed lines)\n-0,old\n+0,new\n"))
        #expect(summary.split(separator: "\n").count == 11)
        // A short one stays whole.
        let short = "@@ -1 +1 @@\n-a,1\n+a,2\n"
        #expect(ContextFrontend.dataSummary(short) == short)
    }

    @Test func dbtsOwnOutputIsAnArtifact() {
        for path in [
            "docs/manifest.json", "integration_tests/target/run_results.json", "dbt/target/compiled/x.sql", "catalog.json",
            "dbt_packages/dbt_utils/macros/x.sql",
        ] {
            #expect(ContextFrontend.isArtifact(path), "\(path)")
        }
        for path in ["models/stg_x.sql", "seeds/targets.csv", "models/target.sql", "docs/overview.md"] { #expect(!ContextFrontend.isArtifact(path), "\(path)") }
    }

    @Test func identifiersAreLowerCasedWords() {
        #expect(ContextFrontend.words("select Amount_USD, (x/100) as c2 from t") == ["select", "amount_usd", "x", "100", "as", "c2", "from", "t"])
    }
}

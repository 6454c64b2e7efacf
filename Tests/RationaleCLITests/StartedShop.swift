import Foundation
import Testing
import _TestSupport

/// The shop repository on a feature branch with stg_orders edited and staged, and a session
/// started for it.
func startedShop() throws -> (repo: ScratchRepository, folder: String) {
    let repo = try shopRepository()
    try repo.git("checkout", "-q", "-b", "feature")
    repo.write("dbt/models/staging/stg_orders.sql", "select * from raw.orders where status != 'cancelled'\n")
    repo.stage("dbt/models/staging/stg_orders.sql")
    let start = try rationale(["session", "start", "Drop cancelled orders"], in: repo)
    #expect(start.status == 0, "\(start.stderr)")
    return (repo, try #require(sessionFolders(repo).first))
}

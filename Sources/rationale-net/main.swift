import ForgeHTTP
import Foundation
import RationaleCLI
import Workflow

// The same commands as `rationale`, with the HTTP stack: `rationale` hands `publish` (and `gate`
// when it reads the pull request from the API) to this executable, installed beside it.
let keeper = AnswerKeeper()
let status = Rationale.run(keeping: keeper, network: Network(exchange: URLSessionExchange.exchange))
exit(status)

import Foundation
import RationaleCLI
import Workflow

// The command's large answers live in `keeper` until the process ends: exiting here, without
// releasing them, spares a hook the cost of freeing a graph of thousands of nodes.
let keeper = AnswerKeeper()
let status = Rationale.run(keeping: keeper)
exit(status)

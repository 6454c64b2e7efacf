import Testing
@testable import Narrative

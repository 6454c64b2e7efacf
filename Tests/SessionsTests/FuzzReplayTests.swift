import Foundation
import Testing
import _TestSupport
@_spi(Fuzzing) import Sessions

/// The fuzz targets' inputs under `Fuzz/`, replayed through the entry points `make fuzz` drives:
/// every input a fuzzer ever broke (`Fuzz/regressions/<target>/`) and the committed corpus.
/// A regression that comes back crashes this test, as it crashed the fuzzer.
@Suite("Fuzz replay (Sessions)")
struct FuzzReplayTests {
    static let entryPoints: [String: @Sendable ([UInt8]) -> Int] = [
        "markdown": FuzzEntryPoints.markdown,
        "gtd": FuzzEntryPoints.gtd,
    ]

    @Test(arguments: FuzzReplayTests.entryPoints.keys.sorted())
    func replaysRegressionsAndCorpus(target: String) throws {
        let entryPoint = try #require(Self.entryPoints[target])
        #expect(FuzzInputs.hasTarget(target), "Fuzz/Targets/\(target) is the fuzz target this replays")
        let corpus = FuzzInputs.files(target, in: "corpus")
        #expect(!corpus.isEmpty, "Fuzz/corpus/\(target) holds the target's seeds")
        for input in FuzzInputs.files(target, in: "regressions") + corpus {
            _ = entryPoint(input)
        }
    }
}

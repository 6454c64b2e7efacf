import Foundation
import Testing
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
        #expect(FileManager.default.fileExists(atPath: fuzzFolder.appendingPathComponent("Targets/\(target)").path),
                "Fuzz/Targets/\(target) is the fuzz target this replays")
        let corpus = fuzzInputs(target, in: "corpus")
        #expect(!corpus.isEmpty, "Fuzz/corpus/\(target) holds the target's seeds")
        for input in fuzzInputs(target, in: "regressions") + corpus {
            _ = entryPoint(input)
        }
    }
}

/// The `Fuzz/` folder of the package.
private let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fuzz")

/// Every file of `Fuzz/<kind>/<target>/` (none when the folder does not exist).
private func fuzzInputs(_ target: String, in kind: String) -> [[UInt8]] {
    let folder = fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.sorted().compactMap { FileManager.default.contents(atPath: folder.appendingPathComponent($0).path) }
        .map { [UInt8]($0) }
}

import Foundation
import GitKit
import Testing
import _TestSupport
@_spi(Fuzzing) @testable import Lineage

/// The fuzz targets' inputs under `Fuzz/`, replayed through the entry points `make fuzz` drives:
/// every input a fuzzer ever broke (`Fuzz/regressions/<target>/`) and the committed corpus.
/// A regression that comes back crashes this test, as it crashed the fuzzer.
@Suite("Fuzz replay (Lineage)")
struct FuzzReplayTests {
    static let entryPoints: [String: @Sendable ([UInt8]) -> Int] = [
        "template": FuzzEntryPoints.template,
        "yaml": FuzzEntryPoints.yaml,
        "manifest": FuzzEntryPoints.manifest,
        "cache": FuzzEntryPoints.cache,
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

@Suite("Fuzz findings (Lineage)")
struct FuzzFindingTests {
    /// Found beside the fuzzer's string-count finding: a parse cache whose value nests 200,000
    /// lists deep (a megabyte, past the fuzzer's input size) overflowed the decoder's stack.
    @Test func aCacheValueNestedPastTheBoundIsAMissNotAStackOverflow() {
        var body = Array(CacheCoding.magic)
        let version = Array("1".utf8)
        body += [UInt8(version.count), 0, 0, 0] + version + [1, 0, 0, 0] + Array(repeating: 0x11, count: 20)
        body += [ParsedFile.Kind.yaml.rawValue, 3]
        for _ in 0..<200_000 { body += [6, 1, 0, 0, 0] }
        body.append(0)
        CacheCoding.seal(&body)
        #expect(CacheCoding.decode(body, version: "1") == nil)
    }

    /// What the bound still reads: a value as deep as the YAML readers allow.
    @Test func aCacheValueAsDeepAsTheReadersAllowStillDecodes() throws {
        var value = Value.string("leaf")
        for _ in 0..<YAMLComposer.depthLimit { value = .list([value]) }
        let key = ParseCache.Key(id: try #require(ObjectID(hex: String(repeating: "b", count: 40))), kind: .yaml)
        let bytes = CacheCoding.encode([key: .yaml(value)], version: "1")
        #expect(CacheCoding.decode(bytes, version: "1") == [key: .yaml(value)])
    }

    /// The config evaluator's integer arithmetic traps on overflow; Python's ints do not, so a
    /// result past 64 bits is left unrendered (the text is kept), as any expression it cannot know.
    @Test(arguments: [
        "9223372036854775807 + 1", "-9223372036854775807 - 2", "-(-9223372036854775807 - 1)",
        "'1e300' | int", "'nan' | int",
    ])
    func integerOverflowIsNotRendered(_ expression: String) {
        let context = RenderContext(variable: { _ in nil }, environment: nil, target: [:])
        #expect(ConfigExpression.evaluate(expression, in: context) == nil)
    }

    @Test func integerArithmeticInRangeStillRenders() {
        let context = RenderContext(variable: { _ in nil }, environment: nil, target: [:])
        #expect(ConfigExpression.evaluate("9223372036854775806 + 1", in: context) == .int(.max))
        #expect(ConfigExpression.evaluate("-(-9223372036854775807)", in: context) == .int(.max))
        #expect(ConfigExpression.evaluate("'1.9' | int", in: context) == .int(1))
        #expect(ConfigExpression.evaluate("'x' | int", in: context) == .int(0))
    }
}

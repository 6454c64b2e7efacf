import Foundation
import GitKit
import Testing
@testable import Lineage

@Suite("Parse cache encoding")
struct CacheCodingTests {
    @Test func roundTripsEveryKindOfParsedFile() throws {
        let template = ParsedFile.parse(
            Array(
                """
                {{ config(materialized='table', meta={'a': [1, 2.5, true, none]}) }}
                select * from {{ ref('a', v=2) }} join {{ source('s', 't') }} {{ ref(x) }} {{ my_macro() }} {{ var('v') }}
                {% macro m(table, col='id') %}{{ adapter.dispatch('m')() }}{{ ref(table) }}{% endmacro %}
                {{ m('orders', col=none) }}{{ m(x, col='dt') }}
                """.utf8), as: .template)
        guard case .template(let scanned) = template else { Issue.record("not a template"); return }
        #expect(
            scanned.blocks.first?.parameters == ["table", "col"] && scanned.scan.callArguments.count == 2,
            "the round trip below carries parameters and call arguments")
        let yaml = ParsedFile.parse(Array("models:\n  - name: a\n    columns: [{name: id}]\n".utf8), as: .yaml)
        let python = ParsedFile.parse(Array("def model(dbt, s):\n    return dbt.ref('x')\n".utf8), as: .python)
        let entries: [ParseCache.Key: ParsedFile] = [
            .init(id: try #require(ObjectID(hex: String(repeating: "a", count: 40))), kind: .template): template,
            .init(id: try #require(ObjectID(hex: String(repeating: "b", count: 40))), kind: .yaml): yaml,
            .init(id: try #require(ObjectID(hex: String(repeating: "c", count: 40))), kind: .python): python,
            .init(id: try #require(ObjectID(hex: String(repeating: "d", count: 40))), kind: .yaml): .yamlError(line: 3, message: "bad"),
            .init(id: try #require(ObjectID(hex: String(repeating: "e", count: 40))), kind: .template): .notText,
        ]
        let bytes = CacheCoding.encode(entries, version: "1.0")
        let decoded = try #require(CacheCoding.decode(bytes, version: "1.0"))
        #expect(decoded == entries)
        #expect(CacheCoding.decode(bytes, version: "2.0") == nil, "a tool version change invalidates the cache")
        #expect(CacheCoding.decode(Array(bytes.dropLast(3)), version: "1.0") == nil, "a truncated cache is ignored")
    }

    @Test func aChecksumOverPiecesEqualsTheOneOverTheJoinedBytes() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 100, 4_096, 4_097, 10_000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let whole = bytes.withUnsafeBytes { CacheCoding.checksum($0) }
            for _ in 0..<20 {
                var cuts = (0..<Int.random(in: 0...5, using: &generator)).map { _ in Int.random(in: 0...length, using: &generator) }
                cuts = ([0] + cuts + [length]).sorted()
                var stream = ChecksumStream(length: length)
                for (from, to) in zip(cuts, cuts.dropFirst()) {
                    bytes[from..<to].withUnsafeBytes { stream.feed($0) }
                }
                #expect(stream.finish() == whole, "length \(length), cuts \(cuts)")
            }
        }
    }

    @Test func pageSumsOverPiecesEqualThoseOverTheJoinedBytes() {
        let joined = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let pieces = [Array(joined[0..<10]), Array(joined[10..<5_000]), [], Array(joined[5_000..<13_000]), Array(joined[13_000...])]
        var expected: [UInt8] = []
        joined.withUnsafeBytes { raw in
            var from = 0
            while from < raw.count {
                let to = min(from + 4_096, raw.count)
                withUnsafeBytes(of: CacheCoding.checksum(UnsafeRawBufferPointer(rebasing: raw[from..<to])).littleEndian) {
                    expected.append(contentsOf: $0)
                }
                from = to
            }
        }
        #expect(ProjectIndex.pageSums(pieces, length: joined.count) == expected)
    }

    @Test func aParseCacheWrittenFromThisRunsRecordsReadsBack() throws {
        let folder = FileManager.default.temporaryDirectory.path + "/rationale-cache-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/parse-cache.bin"
        let first = ParseCache(file: file, version: "1")
        let a = try #require(ObjectID(hex: String(repeating: "a", count: 40)))
        let b = try #require(ObjectID(hex: String(repeating: "b", count: 40)))
        let yaml = ParsedFile.parse(Array("models:\n  - name: a\n".utf8), as: .yaml)
        let template = ParsedFile.parse(Array("select * from {{ ref('a') }}".utf8), as: .template)
        first.store(a, .yaml, yaml)
        first.store(b, .template, template)
        first.store(b, .template, template)
        #expect(first.peek(a, .yaml) == yaml && first.peek(b, .template) == template)
        try first.save()
        let second = ParseCache(file: file, version: "1")
        #expect(second.lookup(a, .yaml) == yaml && second.lookup(b, .template) == template)
        let c = try #require(ObjectID(hex: String(repeating: "c", count: 40)))
        second.store(c, .yaml, .yamlError(line: 2, message: "bad"))
        try second.save()
        let third = ParseCache(file: file, version: "1")
        #expect(third.entries.count == 3 && third.lookup(c, .yaml) == .yamlError(line: 2, message: "bad"))
    }

    @Test func aRunThatDoesNotSaveLeavesNoSpoolBehind() throws {
        let folder = FileManager.default.temporaryDirectory.path + "/rationale-cache-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        do {
            let cache = ParseCache(file: folder + "/parse-cache.bin", version: "1")
            cache.store(try #require(ObjectID(hex: String(repeating: "a", count: 40))), .yaml, .yaml(.string("x")))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 1, "the spool fills as the run parses")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        do {
            let cache = ParseCache(file: folder + "/made/parse-cache.bin", version: "1")
            cache.store(try #require(ObjectID(hex: String(repeating: "a", count: 40))), .yaml, .yaml(.string("x")))
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/made"), "a folder the spool made goes with it")
    }
}

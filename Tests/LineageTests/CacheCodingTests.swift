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
}

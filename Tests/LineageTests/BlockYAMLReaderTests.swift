import Foundation
import Testing
@testable import Lineage

/// The fast reader must give exactly what Yams gives, or step aside (nil).
@Suite("Block YAML reader")
struct BlockYAMLReaderTests {
    static let documents: [String] = [
        "version: 2\nmodels:\n  - name: orders\n    description: One row per order.\n",
        "models:\n- name: a\n  columns:\n  - name: id\n    data_tests: [unique, not_null]\n",
        "a: 1\nb: 1.5\nc: true\nd: ~\ne: 'quoted # not a comment'\nf: \"esc\\n\\\"x\\\"\"\ng: plain text here # comment\n",
        "x: [a, 'b c', \"d\", 1, {k: v, n: [1, 2]}]\ny: {}\nz: []\n",
        "desc: |\n  line one\n  line two\n\n  after blank\nnext: 1\n",
        "desc: |-\n  keep\n    indented\nother: x\n",
        "desc: >\n  folded one\n  folded two\n\n  para\nz: 1\n",
        "desc: >-\n  a\n  b\n",
        "# only a comment\n",
        "",
        "---\nname: x\n",
        "key with spaces: v\n'quoted key': 2\n\"dq\": 3\n",
        "url: http://example.com/a#frag\ntime: 12:30\n",
        "nested:\n  deeper:\n    deepest: [x]\n  back: y\n",
        "list:\n  - a\n  -\n    b: 1\n  - - nested\n",
        "anchors: &a {x: 1}\nuse: *a\n",
        "merge:\n  <<: {a: 1}\n  b: 2\n",
        "multi: this is\n  continued\n",
        "quoted: 'spans\n  lines'\n",
        "dup: 1\ndup: 2\n",
        "tabs:\n\t- x\n",
        "tagged: !!str 1\n",
        "a: b: c\n",
        "---\na: 1\n---\nb: 2\n",
        "s: 'it''s'\nt: \"unicode \\u00e9\"\n",
        "config:\n  meta: {owner: 'data team', tier: 1}\n  tags: ['a', \"b\"]\n  enabled: false\n",
        "freshness:\n  warn_after: {count: 12, period: hour}\n  error_after: {count: 24, period: hour}\nloaded_at_field: _loaded_at\n",
        "depends_on:\n  - ref('customers')\n  - source('raw', 'orders')\n",
        "description: '{{ doc(\"orders\") }}'\n",
        "k: -1\nl: - x\nm: -x\n",
        "empty_value:\nnext: 1\n",
        "trailing: value   \nwindows: yes\r\n",
    ]

    @Test(arguments: documents)
    func agreesWithYamsOrStepsAside(text: String) throws {
        let fast = BlockYAMLReader.parse(text)
        let yams = try? YAMLComposer.compose(text)
        if let fast {
            #expect(fast == yams, "fast reader: \(String(describing: fast)) vs Yams: \(String(describing: yams))")
        }
    }

    @Test func handlesTheShapesDbtFilesUse() {
        let common = Self.documents.prefix(14) + [Self.documents[25], Self.documents[26], Self.documents[27], Self.documents[28]]
        for text in common {
            #expect(BlockYAMLReader.parse(text) != nil, "should read without Yams: \(text)")
        }
    }

    @Test func stepsAsideOnWhatItDoesNotHandle() {
        for text in [
            Self.documents[15], Self.documents[16], Self.documents[17], Self.documents[18],
            Self.documents[19], Self.documents[20], Self.documents[21], Self.documents[22], Self.documents[23],
        ] {
            #expect(BlockYAMLReader.parse(text) == nil, "should leave to Yams: \(text)")
        }
    }

    @Test func agreesOnEveryYAMLFileOfTheOracleFixture() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("oracle/project")
        let files =
            FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".yml") } ?? []
        #expect(files.count >= 5)
        var fastCount = 0
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            if let fast = BlockYAMLReader.parse(text) {
                fastCount += 1
                #expect(fast == (try YAMLComposer.compose(text)), "\(file)")
            }
        }
        #expect(fastCount * 2 >= files.count, "the fast reader should handle most real property files")
    }
}

import Foundation
import GitKit
import Testing
import _TestSupport
@testable import Lineage

/// Files a hostile repository can commit: each is answered in milliseconds, or refused with a
/// file and line — never a hang, a crash or gigabytes of memory.
@Suite("Hostile input")
struct HostileInputTests {
    /// 9 levels of 9 aliases: 9^9 (387 million) nodes once expanded, in a few hundred bytes.
    static let aliasBomb: String = {
        var lines = ["a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
        for level in 1...8 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(refs)]")
        }
        return "name: bomb\nversion: '1.0'\n" + lines.joined(separator: "\n") + "\n"
    }()

    @Test func loopListsStayBoundedInNestingNamesAndRefs() {
        // Many names appended under deep `if`s, then looped over again and again: unbounded, each
        // loop would copy every name with every condition (a 189 KB file took 24 GB).
        var parts = ["{% set names = [] %}"] + Array(repeating: "{% if x %}", count: 300)
        parts += (0..<300).map { "{% do names.append('m\($0)') %}" }
        parts += Array(repeating: "{% endif %}", count: 300)
        parts += Array(repeating: "{% for n in names %}{{ ref(n) }}{% endfor %}", count: 300)
        let scan = TemplateScanner.scanTemplate(Array(parts.joined().utf8)).scan
        #expect(scan.conditionalRefs.isEmpty, "names added under 300 nested ifs are not followed")
        #expect(scan.unresolved.count == 300, "each ref(n) stays an unresolved ref")

        // Within the nesting bound, the refs a scan holds stop at the limit.
        var many = ["{% set names = [] %}"] + (0..<LoopRefTracker.nameLimit).map { "{% do names.append('m\($0)') %}" }
        many += Array(repeating: "{% for n in names %}{{ ref(n) }}{% endfor %}", count: 100)
        let bounded = TemplateScanner.scanTemplate(Array(many.joined().utf8)).scan
        #expect(bounded.conditionalRefs.count <= LoopRefTracker.refLimit)
        #expect(bounded.conditionalRefs.count + bounded.unresolved.count * LoopRefTracker.nameLimit >= 100 * LoopRefTracker.nameLimit)
    }

    @Test func aDescriptionNamingALargeDocsBlockManyTimesRendersBounded() throws {
        let config = try ProjectConfig(yaml: .map([("name", .string("p"))]), file: "dbt_project.yml")
        let big = String(repeating: "x", count: 100_000)
        let project = DbtProject(
            root: "", config: config, nodes: [:], macros: [:], docs: ["big": big, "small": " tiny \n"],
            unresolved: [], children: [:])
        let hostile = String(repeating: "{{ doc('big') }}", count: 50_000)
        let rendered = ChangeClassifier.rendered(hostile, project)
        #expect(rendered.utf8.count <= hostile.utf8.count + big.utf8.count + 2, "5 GB if expanded")
        #expect(
            rendered
                != ChangeClassifier.rendered(
                    hostile,
                    DbtProject(
                        root: "", config: config, nodes: [:], macros: [:], docs: ["big": big + "y"], unresolved: [], children: [:])),
            "an edit to the block still shows")
        #expect(ChangeClassifier.rendered("a {{ doc('small') }} b {{ doc('small') }}", project) == "a tiny b tiny")
    }

    @Test func anAliasBombIsRefusedNotExpanded() {
        #expect(Self.aliasBomb.utf8.count < 600)
        let parsed = ParsedFile.parse(Array(Self.aliasBomb.utf8), as: .yaml)
        guard case .refused(let line, let message) = parsed else {
            Issue.record("expected a refusal, got \(parsed)")
            return
        }
        #expect(line != nil)
        #expect(message.contains("alias"))
        #expect(!message.contains("dbt would refuse"), "dbt reads alias bombs: the message must not say it refuses")
    }

    @Test func aliasesWithinBoundsShareTheAnchoredValue() throws {
        let value = try YAMLComposer.compose("base: &b {materialized: table, tags: [x]}\none: *b\ntwo: {<<: *b, tags: [y]}\n")
        #expect(value["one"] == value["base"])
        #expect(value["two"]?["materialized"] == .string("table"))
        #expect(value["two"]?["tags"] == .list([.string("y")]), "explicit keys override merged ones")
    }

    @Test func mergeListsLetTheEarlierMapWin() throws {
        // PyYAML's flatten_mapping: in `<<: [*a, *b]`, keys of `a` win over keys of `b`.
        let value = try YAMLComposer.compose("a: &a {k: from_a}\nb: &b {k: from_b, j: 1}\nc:\n  <<: [*a, *b]\n")
        #expect(value["c"]?["k"] == .string("from_a"))
        #expect(value["c"]?["j"] == .int(1))
    }

    @Test func duplicateKeysKeepTheLastValueAsDbtDoes() throws {
        let text =
            "models:\n  - name: orders\n    description: first\n    description: second\n    config:\n      materialized: view\n    config:\n      materialized: table\n"
        let parsed = ParsedFile.parse(Array(text.utf8), as: .yaml)
        guard case .yaml(let value) = parsed else {
            Issue.record("dbt reads duplicate keys (last wins); got \(parsed)")
            return
        }
        let model = value["models"]?.list?.first
        #expect(model?["description"] == .string("second"))
        #expect(model?["config"]?["materialized"] == .string("table"))
    }

    @Test(arguments: [
        String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000),
        "models:\n  - name: x\n    meta: " + String(repeating: "[", count: 50_000) + "\n",
        String(repeating: "- ", count: 50_000) + "x\n",
        "a: " + String(repeating: "{b: ", count: 30_000) + "1" + String(repeating: "}", count: 30_000) + "\n",
    ])
    func deepYAMLNestingIsRefusedWithALine(text: String) {
        let parsed = ParsedFile.parse(Array(text.utf8), as: .yaml)
        switch parsed {
        case .refused(let line, let message):
            #expect(line != nil)
            #expect(message.contains("nested deeper"))
        case .yamlError:
            break // libyaml itself gave up first: also a clear refusal, never a crash
        default:
            Issue.record("expected a refusal, got \(String(describing: parsed).prefix(200))")
        }
    }

    @Test func deepNestingInsideAConfigCallIsRefusedWithTheLine() {
        let text = "select 1\n{{ config(x=" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + ") }}\n"
        #expect(ParsedFile.parse(Array(text.utf8), as: .template) == .refused(line: 2, message: ParsedFile.tooDeep))
        let calls = "{{ " + String(repeating: "f(", count: 100_000) + String(repeating: ")", count: 100_000) + " }}"
        #expect(ParsedFile.parse(Array(calls.utf8), as: .template) == .refused(line: 1, message: ParsedFile.tooDeep))
        let python = "def model(dbt, s):\n    dbt.config(x=" + String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000) + ")\n"
        #expect(ParsedFile.parse(Array(python.utf8), as: .python) == .refused(line: 2, message: ParsedFile.tooDeep))
    }

    @Test func ordinaryNestingStillReads() throws {
        let nested = "a: " + String(repeating: "[", count: 100) + "1" + String(repeating: "]", count: 100) + "\n"
        guard case .yaml = ParsedFile.parse(Array(nested.utf8), as: .yaml) else {
            Issue.record("100 levels is within bounds")
            return
        }
        let template = "{{ config(meta={'a': [[1, 2], {'b': [3]}]}) }}"
        guard case .template(let result) = ParsedFile.parse(Array(template.utf8), as: .template) else {
            Issue.record("a small config reads")
            return
        }
        #expect(result.scan.config["meta"]?["a"] == .list([.list([.int(1), .int(2)]), .map([("b", .list([.int(3)]))])]))
    }

    @Test func aByteOrderMarkIsNoPartOfTheDocument() throws {
        let text = "\u{FEFF}name: shop\nversion: '1.0'\nprofile: shop\n"
        guard case .yaml(let value) = ParsedFile.parse(Array(text.utf8), as: .yaml) else {
            Issue.record("a BOM must not break dbt_project.yml")
            return
        }
        #expect(value["name"] == .string("shop"))
        let anchored = "\u{FEFF}x: &a 1\ny: *a\n"
        guard case .yaml(let other) = ParsedFile.parse(Array(anchored.utf8), as: .yaml) else {
            Issue.record("a BOM must not break the full reader either")
            return
        }
        #expect(other["y"] == .int(1))
    }

    @Test func malformedYAMLAndForeignTagsAreWhatDbtRefusesToo() {
        guard case .yamlError(let line, _) = ParsedFile.parse(Array("a: [1, 2\nb: 3\n".utf8), as: .yaml) else {
            Issue.record("an unclosed flow sequence is malformed")
            return
        }
        #expect(line != nil)
        guard case .yamlError = ParsedFile.parse(Array("a: !python/object foo\n".utf8), as: .yaml) else {
            Issue.record("SafeLoader refuses unknown tags")
            return
        }
        guard case .yamlError = ParsedFile.parse(Array("a: 1\n---\nb: 2\n".utf8), as: .yaml) else {
            Issue.record("safe_load reads one document")
            return
        }
    }

    @Test func aManifestNestedPastTheLimitIsNotAManifest() throws {
        let deep = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        let bytes = Array(deep.utf8)
        let result = bytes.withUnsafeBufferPointer { buffer -> Result<Value, any Error> in
            var scanner = JSONScanner(buffer)
            return Result { try scanner.value() }
        }
        guard case .failure(let error) = result, let failure = error as? JSONScanner.Failure else {
            Issue.record("expected a refusal")
            return
        }
        #expect(failure.expected.contains("nested"))
    }

    @Test func aStompedParseCacheIsAMiss() throws {
        let yaml = ParsedFile.parse(Array("models:\n  - name: a\n    config: {materialized: table}\n".utf8), as: .yaml)
        let key = ParseCache.Key(id: try #require(ObjectID(hex: String(repeating: "a", count: 40))), kind: .yaml)
        let bytes = CacheCoding.encode([key: yaml], version: "1")
        #expect(CacheCoding.decode(bytes, version: "1") == [key: yaml])
        // Flip each byte in turn: no flip may decode to a different answer.
        for index in stride(from: 0, to: bytes.count, by: 1) {
            var stomped = bytes
            stomped[index] ^= 0x20
            #expect(CacheCoding.decode(stomped, version: "1") == nil, "byte \(index)")
        }
        // A count field claiming billions of entries is no allocation of billions.
        var huge = Array(CacheCoding.magic)
        huge += [1, 0, 0, 0, UInt8(ascii: "1"), 0xFF, 0xFF, 0xFF, 0x7F]
        CacheCoding.seal(&huge)
        #expect(CacheCoding.decode(huge, version: "1") == nil)
    }
}

/// Caches live in the repository's git directory, where anything may write: whatever they hold,
/// the answer is the one a run without them gives.
@Suite("Stomped caches")
struct StompedCacheTests {
    func answer(_ repository: Repository, cacheFile: String?) throws -> [String] {
        let engine = ImpactEngine(repository: repository, cache: ParseCache(file: cacheFile, version: "stomp"))
        let result = try engine.run(ImpactRequest(comparison: .staged))
        engine.saveCaches()
        return result.reports.flatMap { report in
            report.nodes.map { node in
                let materialized = node.node.config["materialized"]?.scalarText ?? "-"
                return "\(node.node.uniqueID) \(node.role) \(node.reasons.map(\.code)) \(materialized) \(node.node.parents)"
            }
        }
    }

    @Test func noStompedByteChangesTheAnswer() throws {
        let repo = ScratchRepository()
        writeShop(repo)
        _ = try repo.commit("base")
        repo.write(
            "models/marts/_marts.yml",
            (repo.read("models/marts/_marts.yml") ?? "").replacingOccurrences(
                of: "    description: One row per order.\n", with: "    description: One row per order.\n    config:\n      materialized: incremental\n"))
        repo.write("models/staging/stg_orders.sql", "select *, 2 as x from {{ source('raw', 'orders') }}\n")
        _ = try repo.git("add", "-A")
        let repository = try Repository.discover(from: repo.path)
        let reference = try answer(repository, cacheFile: nil)
        #expect(reference.contains { $0.hasPrefix("model.shop.orders modified") && $0.contains("incremental") })
        let file = ParseCache.defaultFile(for: repository)
        #expect(try answer(repository, cacheFile: file) == reference, "cold run with the cache")
        #expect(try answer(repository, cacheFile: file) == reference, "warm run")
        let folder = (file as NSString).deletingLastPathComponent
        let files = (FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".bin") }.map { folder + "/" + $0 }
        #expect(files.count >= 2, "the parse cache and at least one project cache")
        for path in files {
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            let step = max(1, original.count / 40)
            for offset in stride(from: 0, to: original.count, by: step) {
                var stomped = original
                stomped[offset] ^= 0x5A
                try stomped.write(to: URL(fileURLWithPath: path))
                #expect(try answer(repository, cacheFile: file) == reference, "\(path) byte \(offset)")
                try original.write(to: URL(fileURLWithPath: path))
            }
            // Garbage claiming to be a cache: a miss, not a crash or a huge allocation.
            try Data(repeating: 0xFF, count: 4_096).write(to: URL(fileURLWithPath: path))
            #expect(try answer(repository, cacheFile: file) == reference, "\(path) garbage")
            try original.write(to: URL(fileURLWithPath: path))
        }
    }
}

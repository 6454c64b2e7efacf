import Foundation
import GitKit
import Testing
import _TestSupport
@testable import Lineage

/// What an answer shows, as text: every node with its role, distance, reasons and parents; the
/// selector, notes and unresolved references; and what the lineage scope and short names read
/// from the report's project (each modified node's ancestors and descendants, and how many
/// nodes share each shown node's display name).
func shown(_ result: ImpactResult) -> [String] {
    var lines: [String] = []
    for report in result.reports {
        let project = report.project
        for item in report.nodes {
            let namesakes = project.nodes.values.filter { $0.displayName == item.node.displayName }.count
            lines.append(
                "\(item.role.rawValue) \(item.node.uniqueID) \(item.distance) \(item.reasons.map { "\($0.code):\($0.detail)" }) "
                    + "parents=\(item.node.parents) namesakes=\(namesakes) tests=\(item.node.tests.map(\.name))")
        }
        for item in report.nodes where item.role == .modified {
            func reach(_ next: (String) -> [String]) -> [String] {
                var seen: Set<String> = [item.node.uniqueID]
                var stack = [item.node.uniqueID]
                while let id = stack.popLast() {
                    for other in next(id) where seen.insert(other).inserted { stack.append(other) }
                }
                return seen.sorted()
            }
            lines.append("ancestors \(reach { project.nodes[$0]?.parents ?? [] })")
            lines.append("descendants \(reach { project.children[$0] ?? [] })")
        }
        lines.append("selector \(report.selector) macros \(report.changedMacros.map(\.uniqueID))")
        lines.append("notes \(report.notes.map(\.code)) unresolved \(project.unresolved.map { "\($0.file):\($0.line)" })")
    }
    return lines
}

/// A layered project of `count` models (deterministic), with namesakes across types.
func writeLayered(_ repo: ScratchRepository, count: Int) {
    writeShop(repo)
    var seed: UInt64 = 0x9E37_79B9
    func next(_ bound: Int) -> Int {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((seed >> 33) % UInt64(bound))
    }
    repo.write("seeds/layer_1.csv", "id\n1\n")
    for index in 0..<count {
        let refs = index < 3 ? ["{{ source('raw', 'orders') }}"] : (0..<(1 + next(3))).map { _ in "{{ ref('layer_\(next(index))') }}" }
        repo.write("models/layers/layer_\(index).sql", "select * from \(refs.joined(separator: " join "))\n")
    }
}

@Suite("Project cache lookup lane")
struct ProjectLookupTests {
    /// Stages `edits`, warms the caches with a first run (as a hook's first commit attempt
    /// does), runs `between`, and returns the second run's answer (the lane's when it can),
    /// whether the lane answered, and a full read's answer without any cache.
    func answers(
        _ repo: ScratchRepository, _ edits: [String: String], options: ImpactOptions = ImpactOptions(), between: () throws -> Void = {}
    ) throws -> (lane: ImpactResult, used: Bool, full: ImpactResult) {
        let file = repo.root + "/cache/parse-cache.bin"
        let repository = try Repository.discover(from: repo.path)
        for (path, content) in edits { repo.write(path, content) }
        _ = try repo.git("add", "-A")
        let warming = ImpactEngine(repository: repository, cache: ParseCache(file: file, version: "t"))
        _ = try warming.run(ImpactRequest(comparison: .staged))
        warming.saveCaches()
        try between()
        let engine = ImpactEngine(repository: repository, cache: ParseCache(file: file, version: "t"))
        var request = ImpactRequest(comparison: .staged, options: options)
        request.partialProject = true
        let lane = try engine.run(request)
        let full = try ImpactEngine(repository: repository, cache: ParseCache(file: nil, version: "t"), incremental: false)
            .run(ImpactRequest(comparison: .staged, options: options))
        return (lane, engine.projects.lookupAnswers == 1, full)
    }

    @Test(arguments: [
        (["models/staging/stg_orders.sql": "select *, 1 as x from {{ source('raw', 'orders') }}\n"], true),
        (["models/staging/stg_orders.sql": "select * from {{ source('raw', 'customers') }}\n"], true),
        (["models/marts/customers.sql": "select * from {{ ref('stg_customers') }}\n"], true),
        (["models/marts/orders.sql": "{{ config(materialized='incremental') }}\nselect {{ divisor() }} from {{ ref('stg_customers') }}\n"], true),
        (["models/marts/orders.sql": "select * from {{ ref('missing') }} join {{ source('raw', 'nope') }}\n"], true),
        (["models/marts/orders.sql": "{{ config(enabled=false) }}\nselect 1\n"], false),
        (["macros/cents.sql": "{% macro cents(c) %}{{ c }} / 1000{% endmacro %}\n{% macro divisor() %}100{% endmacro %}\n"], false),
        (["models/marts/_marts.yml": "version: 2\nmodels:\n  - name: orders\n    description: Changed.\n"], false),
        (["models/marts/new_one.sql": "select * from {{ ref('orders') }}\n"], false),
        (["README.md": "notes\n"], true),
    ])
    func laneAnswersLikeAFullRead(edits: [String: String], laneAnswers: Bool) throws {
        let repo = ScratchRepository()
        writeShop(repo)
        repo.write("seeds/orders.csv", "id\n1\n")
        _ = try repo.commit("base")
        let (lane, used, full) = try answers(repo, edits, options: ImpactOptions(upstream: 2, withTests: true))
        #expect(used == laneAnswers)
        #expect(shown(lane) == shown(full))
    }

    @Test(arguments: [3, 17, 41, 80, 119])
    func laneAnswersLikeAFullReadOnAGeneratedProject(edited: Int) throws {
        let repo = ScratchRepository()
        writeLayered(repo, count: 120)
        _ = try repo.commit("base")
        let path = "models/layers/layer_\(edited).sql"
        let (lane, used, full) = try answers(repo, [path: "select * from {{ ref('layer_1') }} join {{ ref('layer_2') }}\n"])
        #expect(used)
        #expect(shown(lane) == shown(full))
        #expect(lane.reports.first?.project.nodes.count ?? 0 < full.reports.first?.project.nodes.count ?? 0, "the lane reads a part")
    }

    @Test func aDamagedOrForeignCacheIsAMiss() throws {
        let repo = ScratchRepository()
        writeLayered(repo, count: 40)
        _ = try repo.commit("base")
        let edit = ["models/layers/layer_9.sql": "select 1 from {{ ref('layer_2') }}\n"]
        let folder = repo.root + "/cache/projects"
        let damages: [(String, ([UInt8]) -> [UInt8])] = [
            ("truncated", { Array($0.prefix($0.count / 2)) }), ("garbage", { [UInt8](repeating: 0x5A, count: $0.count) }),
            ("empty", { _ in [] }), ("tail cut", { Array($0.dropLast(9)) }),
            (
                "page flipped",
                { bytes in
                    var copy = bytes; copy[bytes.count / 3] ^= 0x10; return copy
                }
            ),
        ]
        for (label, damage) in damages {
            let (lane, used, full) = try answers(repo, edit) {
                for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".bin") {
                    let url = URL(fileURLWithPath: folder + "/" + name)
                    try Data(damage([UInt8](try Data(contentsOf: url)))).write(to: url)
                }
            }
            #expect(!used, "\(label)")
            #expect(shown(lane) == shown(full), "\(label)")
        }
    }

    @Test func everyDamagedByteIsCaughtOrHarmless() throws {
        let repo = ScratchRepository()
        writeLayered(repo, count: 30)
        _ = try repo.commit("base")
        let repository = try Repository.discover(from: repo.path)
        let cache = ParseCache(file: nil, version: "t")
        let head = try #require(try repository.headCommit())
        let entries = try repository.entries(of: .commit(head))
        let project = try ProjectLoader.load(root: "", entries: entries, source: GitFileSource(repository: repository, cache: cache), adapter: nil)
        let bytes = ProjectCoding.encode(project, key: "k")
        #expect(ProjectLookup(storage: ByteStorage(copying: bytes), key: "other") == nil, "another key is a miss")
        func read(_ bytes: [UInt8]) -> [String]? {
            guard let lookup = ProjectLookup(storage: ByteStorage(copying: bytes), key: "k"), let base = lookup.project() else { return nil }
            var out = ["\(base.root) \(base.macros.keys.sorted()) \(base.unresolved.count) \(base.config.name)"]
            for position in 0..<lookup.nodeCount {
                guard let node = lookup.node(at: position) else { return nil }
                out.append("\(node.uniqueID) \(node.parents) \(lookup.children(at: position)) \(lookup.positions(node.name))")
                out.append("\(lookup.positions(node.path, byPath: true)) \(node.fqn)")
            }
            return lookup.failed ? nil : out
        }
        let expected = try #require(read(bytes))
        var caught = 0
        for offset in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 600)) {
            var damaged = bytes
            damaged[offset] ^= 0x41
            if let got = read(damaged) {
                #expect(got == expected, "byte \(offset) of \(bytes.count) changed the answer")
            } else {
                caught += 1
            }
        }
        #expect(caught > 0)
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 50)) {
            #expect(read(Array(bytes.prefix(length))) == nil)
        }
    }
}

@Suite("Staged states in the project cache")
struct StagedStateCacheTests {
    /// A change in a local package (which the patch lanes leave to a full read): the second run
    /// on the same staged state reads the installing project from the cache, and a new staged
    /// state is never answered from an old one.
    @Test func aStagedStateSeenBeforeIsReadNotRebuilt() throws {
        let repo = ScratchRepository()
        LocalPackageTests().writePackageRepository(repo)
        _ = try repo.commit("base")
        let file = repo.root + "/cache/parse-cache.bin"
        let repository = try Repository.discover(from: repo.path)
        func run() throws -> (answer: [String], staged: Int, full: [String]) {
            let engine = ImpactEngine(repository: repository, cache: ParseCache(file: file, version: "t"))
            var request = ImpactRequest(comparison: .staged)
            request.partialProject = true
            let answer = try engine.run(request)
            engine.saveCaches()
            let full = try ImpactEngine(repository: repository, cache: ParseCache(file: nil, version: "t"), incremental: false)
                .run(ImpactRequest(comparison: .staged))
            return (shown(answer), engine.projects.stagedAnswers, shown(full))
        }
        repo.write("models/base_orders.sql", "select id from {{ source('raw', 'orders') }} limit {{ var('pkg_limit') }}\n")
        repo.stage("models/base_orders.sql")
        let first = try run()
        #expect(first.staged == 0)
        #expect(first.answer == first.full)
        let second = try run()
        #expect(second.staged == 1, "integration_tests' head comes from the cache")
        #expect(second.answer == second.full)
        #expect(second.answer.contains { $0.hasPrefix("modified model.pkg.base_orders") })

        // Another staged state: a miss, and the answer of that state.
        repo.write("models/base_orders.sql", "select id, 2 as two from {{ source('raw', 'orders') }}\n")
        repo.remove("integration_tests/models/check_orders.sql")
        repo.stage("models/base_orders.sql", "integration_tests/models/check_orders.sql")
        let third = try run()
        #expect(third.staged == 0)
        #expect(third.answer == third.full)
        #expect(third.answer != second.answer)
    }
}

@Suite("Project files among the entries")
struct ProjectFilesTests {
    @Test func onlyFilesNamedExactlyDbtProjectYmlOutsidePackagesAndBuildOutput() throws {
        let id = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        let paths = [
            "a/dbt_project.yml", "a/xdbt_project.yml", "b/dbt_project.yml.bak", "dbt_packages/p/dbt_project.yml", "dbt_project.yml",
            "deep/er/dbt_project.yml", "target/dbt_project.yml", "x/\u{301}dbt_project.yml", "dbt_project.ym",
        ].sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let entries = paths.map { TreeEntry(path: $0, id: id, isExecutable: false, isSymlink: false, onDisk: false) }
        #expect(ImpactEngine.projectFiles(in: entries) == ["", "a", "deep/er"])
    }
}

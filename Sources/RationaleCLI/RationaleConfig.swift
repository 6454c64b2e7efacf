import Foundation
import Lineage

/// `.rationale.yml` at the repository root. Every key is optional; an unknown key or a bad
/// value is an error that names the key.
struct RationaleConfig: Equatable {
    /// The adapter `adapter.dispatch` resolves for (`adapter:`).
    var adapter: String?
    /// The dbt project folder, relative to the repository root (`project:`).
    var project: String?
    /// Edges to follow downstream by default (`downstream:`).
    var downstream: Int?

    /// The keys this version understands, with what each holds (the one list; the reader and the
    /// error message both use it).
    static let keys: [(key: String, meaning: String)] = [
        ("adapter", "the dbt adapter for adapter.dispatch, e.g. duckdb"),
        ("project", "the dbt project folder, relative to the repository root"),
        ("downstream", "edges to follow downstream by default (a number)"),
    ]

    /// The file name.
    static let fileName = ".rationale.yml"

    /// Reads the file at the root of `workdir`; an absent file is the default configuration.
    static func load(workdir: String?) throws -> RationaleConfig {
        guard let workdir else { return RationaleConfig() }
        let path = workdir + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else { return RationaleConfig() }
        return try parse([UInt8](data), file: fileName)
    }

    static func parse(_ bytes: [UInt8], file: String) throws -> RationaleConfig {
        let value: Value
        switch ParsedFile.parse(bytes, as: .yaml) {
        case .yaml(let parsed): value = parsed
        case .yamlError(let line, let message): throw ConfigError(file: file, line: line, key: nil, message: "malformed YAML: \(message)")
        default: throw ConfigError(file: file, line: nil, key: nil, message: "not UTF-8 text")
        }
        if case .null = value { return RationaleConfig() }
        guard let pairs = value.pairs else {
            throw ConfigError(file: file, line: 1, key: nil, message: "expected a mapping of keys (\(keys.map(\.key).joined(separator: ", ")))")
        }
        var config = RationaleConfig()
        for pair in pairs {
            switch pair.key {
            case "adapter":
                guard let text = pair.value.string, !text.isEmpty else { throw bad(pair.key, file) }
                config.adapter = text
            case "project":
                guard let text = pair.value.string else { throw bad(pair.key, file) }
                config.project = text
            case "downstream":
                guard case .int(let n) = pair.value, n >= 0 else { throw bad(pair.key, file) }
                config.downstream = n
            default:
                throw ConfigError(file: file, line: nil, key: pair.key,
                                  message: "unknown key `\(pair.key)`; known keys: \(keys.map(\.key).joined(separator: ", "))")
            }
        }
        return config
    }

    static func bad(_ key: String, _ file: String) -> ConfigError {
        let meaning = keys.first { $0.key == key }?.meaning ?? ""
        return ConfigError(file: file, line: nil, key: key, message: "bad value for `\(key)`: expected \(meaning)")
    }
}

/// A `.rationale.yml` problem: names the file, the key and what is expected.
struct ConfigError: Error, LocalizedError, Equatable {
    var file: String
    var line: Int?
    var key: String?
    var message: String

    var errorDescription: String? {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}

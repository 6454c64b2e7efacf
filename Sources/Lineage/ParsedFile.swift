import Yams

/// One file of a dbt project, parsed: what the cache keeps per git blob id.
public enum ParsedFile: Sendable, Hashable {
    /// A Jinja template (SQL models, macros, snapshots, docs).
    case template(TemplateScanner.Result)
    /// A Python model.
    case python(ReferenceScan)
    /// A YAML document.
    case yaml(Value)
    /// A YAML document that does not parse.
    case yamlError(line: Int?, message: String)
    /// Not UTF-8 text.
    case notText

    /// How a file is parsed, which with its blob id makes the cache key.
    public enum Kind: UInt8, Sendable, Hashable {
        case template = 1, python = 2, yaml = 3
    }

    /// Parses bytes as the given kind.
    public static func parse(_ bytes: [UInt8], as kind: Kind) -> ParsedFile {
        if bytes.contains(0) { return .notText }
        switch kind {
        case .template:
            guard String(validating: bytes, as: UTF8.self) != nil else { return .notText }
            return .template(TemplateScanner.scanTemplate(bytes))
        case .python:
            guard String(validating: bytes, as: UTF8.self) != nil else { return .notText }
            return .python(TemplateScanner.scanPython(bytes))
        case .yaml:
            guard let text = String(validating: bytes, as: UTF8.self) else { return .notText }
            if let value = BlockYAMLReader.parse(text) { return .yaml(value) }
            do {
                return .yaml(try yamsValue(text))
            } catch let error as YamlError {
                return Self.describe(error)
            } catch {
                return .yamlError(line: nil, message: String(describing: error))
            }
        }
    }

    /// The document read by Yams (the full YAML parser).
    static func yamsValue(_ text: String) throws -> Value {
        // The basic resolver: `Value` types plain scalars itself, and Yams' regex tag
        // resolution is a tenth of a cold run.
        guard let node = try Yams.compose(yaml: text, .basic) else { return .null }
        return Value(node: node)
    }

    private static func describe(_ error: YamlError) -> ParsedFile {
        switch error {
        case .scanner(let context, let problem, let mark, _):
            return .yamlError(line: mark.line, message: [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": "))
        case .parser(let context, let problem, let mark, _):
            return .yamlError(line: mark.line, message: [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": "))
        case .composer(let context, let problem, let mark, _):
            return .yamlError(line: mark.line, message: [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": "))
        default:
            return .yamlError(line: nil, message: String(describing: error))
        }
    }
}

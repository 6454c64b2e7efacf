import Foundation
import Diagnostics
import MCP

/// A tool's arguments, checked against the tool's JSON Schema before the tool runs: no argument
/// the schema does not declare, every required one present, each of the declared type (and one
/// of its `enum` values). The schema is the one description of a tool's input; ranges and
/// combinations are the tool's own checks, with the command line's messages.
struct ToolInput {
    let tool: String
    let values: [String: Value]

    /// Checks `arguments` against `schema` (an object schema with `properties` and `required`).
    /// - Throws: ``ToolInputError`` naming the argument and what it must be.
    init(tool: String, arguments: [String: Value]?, schema: Value) throws {
        self.tool = tool
        let values = arguments ?? [:]
        let properties = schema.objectValue?["properties"]?.objectValue ?? [:]
        for key in values.keys.sorted() where properties[key] == nil {
            throw ToolInputError.unknownArgument(tool: tool, key: key, known: properties.keys.sorted())
        }
        for key in (schema.objectValue?["required"]?.arrayValue ?? []).compactMap(\.stringValue) where values[key] == nil || values[key]?.isNull == true {
            throw ToolInputError.missing(tool: tool, key: key)
        }
        for (key, value) in values where !value.isNull {
            guard let property = properties[key]?.objectValue, let type = property["type"]?.stringValue else { continue }
            try Self.check(value, type: type, items: property["items"]?.objectValue?["type"]?.stringValue, tool: tool, key: key)
            if let allowed = property["enum"]?.arrayValue?.compactMap(\.stringValue), let given = value.stringValue, !allowed.contains(given) {
                throw ToolInputError.notOneOf(tool: tool, key: key, given: given, allowed: allowed)
            }
        }
        // Null is the same as leaving the argument out.
        self.values = values.filter { !$0.value.isNull }
    }

    static func check(_ value: Value, type: String, items: String?, tool: String, key: String) throws {
        let fits: Bool
        switch type {
        case "string": fits = value.stringValue != nil
        case "boolean": fits = value.boolValue != nil
        case "integer": fits = integer(value) != nil
        case "array":
            guard let array = value.arrayValue else { throw ToolInputError.wrongType(tool: tool, key: key, expected: "an array", got: kind(value)) }
            for element in array {
                try check(element, type: items ?? "string", items: nil, tool: tool, key: key + "[]")
            }
            fits = true
        default: fits = true
        }
        if !fits { throw ToolInputError.wrongType(tool: tool, key: key, expected: article(type), got: kind(value)) }
    }

    static func integer(_ value: Value) -> Int? {
        if let int = value.intValue { return int }
        if let double = value.doubleValue, double.rounded() == double, abs(double) < 1e15 { return Int(double) }
        return nil
    }

    static func article(_ type: String) -> String {
        ["integer": "an integer", "string": "a string", "boolean": "true or false", "array": "an array"][type] ?? type
    }

    static func kind(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .data: return "data"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    func string(_ key: String) -> String? { values[key]?.stringValue }
    func bool(_ key: String) -> Bool { values[key]?.boolValue ?? false }
    func int(_ key: String) -> Int? { values[key].flatMap(Self.integer) }
    func strings(_ key: String) -> [String] { values[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}

/// Arguments a tool refuses before it runs; each message names the tool, the argument and what
/// to give instead.
enum ToolInputError: Error, LocalizedError, Equatable {
    case unknownArgument(tool: String, key: String, known: [String])
    case missing(tool: String, key: String)
    case wrongType(tool: String, key: String, expected: String, got: String)
    case notOneOf(tool: String, key: String, given: String, allowed: [String])
    /// A check of the tool's own, with the command line's message.
    case invalid(String)

    var errorDescription: String? {
        switch self {
        case .unknownArgument(let tool, let key, let known):
            return "\(tool): no argument `\(Echo.shortened(key))` (it takes \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .missing(let tool, let key):
            return "\(tool): `\(key)` is required"
        case .wrongType(let tool, let key, let expected, let got):
            return "\(tool): `\(key)` must be \(expected), not \(got)"
        case .notOneOf(let tool, let key, let given, let allowed):
            return "\(tool): `\(key)` must be one of \(allowed.joined(separator: ", ")), not `\(Echo.shortened(given))`"
        case .invalid(let message):
            return message
        }
    }
}

import Foundation
import Mustache

/// The Markdown templates every session file is written from: the built-in ones, with a
/// repository's overrides on top.
public struct TemplateSet: Sendable {
    /// Template text by name (`SUMMARY.md`, `kinds/refactor.md`).
    public var templates: [String: String]
    /// Where each overriding template came from, for messages.
    public var overridden: [String: String]

    /// Creates a set from the built-in templates and overrides (same names).
    public init(builtIn: [String: String], overrides: [String: (path: String, text: String)] = [:]) {
        var templates = builtIn
        var overridden: [String: String] = [:]
        for (name, override) in overrides {
            templates[name] = override.text
            overridden[name] = override.path
        }
        self.templates = templates
        self.overridden = overridden
    }

    /// Whether a template exists.
    public func has(_ name: String) -> Bool { templates[name] != nil }

    /// Renders one template with `values` (dictionaries, arrays, strings, numbers, booleans).
    ///
    /// - Throws: ``SessionError/missingTemplate(name:)`` or ``SessionError/badTemplate(name:message:)``.
    public func render(_ name: String, _ values: [String: Any]) throws -> String {
        guard let text = templates[name] else { throw SessionError.missingTemplate(name: name) }
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: text)
        } catch {
            throw SessionError.badTemplate(name: overridden[name] ?? name, message: String(describing: error))
        }
        return template.render(values)
    }

    /// The template name of a kind's task breakdown.
    public static func taskTemplate(_ kind: SessionKind) -> String {
        "kinds/\(kind.rawValue).md"
    }
}

/// Token counts without a tokenizer: about 4 characters per token for prose and 3 for code,
/// SQL, YAML and tables, rounded up so the estimate errs high.
public enum TokenEstimate {
    /// The method, as messages state it.
    public static let method = "≈4 characters per token for prose, ≈3 for code, rounded up"

    /// The estimated tokens of `text`.
    public static func tokens(_ text: String) -> Int {
        var prose = 0
        var code = 0
        var inFence = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle(); code += line.count + 1; continue }
            if inFence || line.hasPrefix("    ") || trimmed.hasPrefix("|") || trimmed.hasPrefix("<!--") {
                code += line.count + 1
            } else {
                prose += line.count + 1
            }
        }
        return (prose + 3) / 4 + (code + 2) / 3
    }
}

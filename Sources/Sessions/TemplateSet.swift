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

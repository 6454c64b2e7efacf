import Diagnostics
import Foundation
import Sessions

/// One context decision, recorded by the author or an agent in the session's CONTEXT.md.
extension ContextFrontend {
    /// What ``decide(_:session:verdict:names:reason:)`` wrote.
    public struct Decided: Sendable {
        /// The decision's line, as written (`- loaded: a, b — why`).
        public var line: String
        /// CONTEXT.md, relative to the repository root.
        public var file: String
        /// Whether the line took the place of a template line still waiting for words about the
        /// same names.
        public var replacedPlaceholder: Bool
    }

    /// Adds one decision to the `Context decisions` section of the session's CONTEXT.md (outside
    /// the pack's marked block, so the next `context --write` keeps it). A template line for the
    /// same names that still holds a `[[fill: …]]` is replaced; otherwise the line goes after the
    /// section's last decision. Checks everything first: nothing is written for an empty name or
    /// reason, a name that would not read back as itself, or a path outside the repository.
    ///
    /// - Throws: ``DecisionError``, what ``Workspace/contained(_:)`` throws for a path outside
    ///   the repository, and what the workspace throws for a session or file it cannot use.
    public static func decide(
        _ workspace: Workspace, session requested: String?, verdict: ContextDecisions.Decision.Verdict, names: [String], reason: String
    ) throws -> Decided {
        let names = names.map { AttemptsFrontend.oneLine($0) }
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else { throw DecisionError.noNames }
        for name in names {
            if let mark = [",", "—", "–", " -- ", "[", "]"].first(where: { name.contains($0) }) {
                throw DecisionError.badName(name, mark: mark)
            }
            // A path names a file of this repository, never one outside it.
            if name.contains("/") { _ = try workspace.contained(name.trimmingCharacters(in: CharacterSet(charactersIn: "`"))) }
        }
        let why = AttemptsFrontend.oneLine(reason)
        guard !why.isEmpty else { throw DecisionError.noReason(verdict.rawValue) }
        let session = try workspace.activeSession(requested)
        let path = session.path(SessionInput.File.context)
        let line = "- \(verdict.rawValue): \(names.joined(separator: ", ")) — \(why)"
        let original = session.files[SessionInput.File.context] ?? "# Context\n"
        var split = TextLines(original)
        var all = split.lines
        var replaced = false
        if let section = MarkdownDocument(original).section(ContextDecisions.sectionTitle) {
            let inside = block.contents(of: original) == nil ? [] : Set(blockLines(original))
            var parsed = ContextDecisions()
            parsed.read(original, file: path)
            let wanted = Set(names.map { $0.lowercased() })
            let placeholder = parsed.decisions.first { decision in
                !decision.byTool && !inside.contains(decision.line) && Set(decision.names.map { $0.lowercased() }) == wanted
                    && all[decision.line - 1].contains(MarkdownText.placeholderOpen)
            }
            if let placeholder {
                all[placeholder.line - 1] = line
                replaced = true
            } else {
                let items = section.visibleBody.filter { item in
                    let trimmed = item.text.trimmingCharacters(in: .whitespaces)
                    return !inside.contains(item.number) && (trimmed.hasPrefix("- ") || trimmed.hasPrefix("* "))
                }
                // After the last item, else right under the heading.
                let at = items.last?.number ?? (inside.max() ?? section.line)
                all.insert(line, at: at)
                if items.isEmpty, inside.isEmpty { all.insert("", at: at) }
            }
        } else {
            while all.last == "" { all.removeLast() }
            all += ["", "## \(ContextDecisions.sectionTitle)", "", line]
            split.endsWithNewline = true
        }
        let text = split.with(all).text
        try workspace.replace(path, text)
        return Decided(line: line, file: path, replacedPlaceholder: replaced)
    }
}

/// Why a context decision was not recorded.
public enum DecisionError: Error, LocalizedError, Equatable {
    case noNames
    case badName(String, mark: String)
    case noReason(String)

    public var errorDescription: String? {
        switch self {
        case .noNames:
            return "a context decision names what it is about: give one or more node names, unique ids or paths"
        case .badName(let name, let mark):
            return
                "`\(Echo.shortened(name))` holds `\(mark)`, which would not read back as one name: give each name apart (a node name, unique id or path)"
        case .noReason(let verdict):
            return "a decision needs its reason: say why the nodes are \(verdict) (for an exclusion, what keeps them safe)"
        }
    }
}

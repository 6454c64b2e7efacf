import Foundation
import Lineage
import Sessions

extension NarrativeDraft {
    /// A risk for the rollout.
    public struct Risk: Sendable, Encodable, Hashable {
        /// `documentation_only`, `full_refresh`, `contract`, `deleted_with_users`, `renamed`, `large_seed`, `exposure`.
        public var kind: String
        public var text: String
    }
}

/// The rollout risks a change carries.
extension NarrativeBuilder {
    static func risks(modified: [ImpactedNode], downstream: [ImpactedNode]) -> [NarrativeDraft.Risk] {
        var risks: [NarrativeDraft.Risk] = []
        if !modified.isEmpty, modified.allSatisfy(ImpactReport.isDocumentationOnly) {
            risks.append(
                .init(
                    kind: "documentation_only",
                    text: "documentation only: the descriptions change in dbt docs and nothing in the warehouse (persist_docs is off): nothing to rebuild"))
        }
        for item in modified {
            let node = item.node
            let name = node.versionedName
            let codes = Set(item.reasons.map(\.code))
            if item.role == .deleted {
                let users = item.reasons.map(\.detail).filter { !$0.isEmpty }.joined(separator: "; ")
                risks.append(.init(kind: "deleted_with_users", text: "\(name) is deleted\(users.isEmpty ? "" : ": \(users)")"))
                continue
            }
            if codes.contains("renamed") {
                risks.append(.init(kind: "renamed", text: "\(name) is renamed: queries outside dbt that read the old relation break"))
            }
            if node.resourceType == .model, node.materialized == "incremental", !codes.isDisjoint(with: ["body", "configs", "macros", "new"]) {
                let command = MarkdownSafety.inlineCode("dbt build --full-refresh --select " + ShellWord.quoted(name))
                risks.append(
                    .init(kind: "full_refresh", text: "\(name) is incremental and its logic changed: rows already built keep the old logic until \(command)"))
            }
            if codes.contains("contract") || (node.resourceType == .model && node.contractEnforced && codes.contains("body")) {
                risks.append(.init(kind: "contract", text: "\(name) has an enforced contract: check its columns and types still match what consumers expect"))
            }
            if node.resourceType == .seed, node.bodyKey.hasPrefix("path:") {
                risks.append(
                    .init(
                        kind: "large_seed",
                        text: "\(name) is a seed of 1 MiB or more: dbt compares it by path only, so content changes are invisible to state:modified"))
            }
        }
        let exposures = (modified + downstream).filter { $0.node.resourceType == .exposure }.map { $0.node.versionedName }
        if !exposures.isEmpty {
            risks.append(
                .init(
                    kind: "exposure", text: "exposures downstream (dashboards, applications): \(exposures.sorted().joined(separator: ", ")) — tell their owners"
                ))
        }
        return risks
    }
}

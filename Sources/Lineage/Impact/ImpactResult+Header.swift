extension ImpactResult {
    /// The first line of a report: `dbt project NAME (root/): what was compared`; a manifest
    /// comparison's description is followed by `manifestNote`.
    public func header(_ report: ImpactReport, manifestNote: String = "") -> String {
        let place = report.project.root.isEmpty ? "" : " (\(report.project.root)/)"
        let what: String
        switch mode {
        case .staged: what = "staged changes against \(Self.short(base))"
        case .worktree: what = "working tree against \(Self.short(base))"
        case .manifest: what = "manifest \(head) against state \(base)" + manifestNote
        case .range: what = "\(Self.short(head)) against merge-base \(Self.short(base))"
        }
        return "dbt project \(report.project.name)\(place): \(what)"
    }

    /// A full commit id cut to 10 characters; anything else as it is.
    public static func short(_ revision: String) -> String {
        revision.count == 40 ? String(revision.prefix(10)) : revision
    }
}

import Foundation

/// Where the narrative goes on the pull request.
public enum PublishMode: String, Sendable, Hashable {
    /// One comment, marked by ``NarrativeMarkers/comment`` and updated in place.
    case comment
    /// A block between ``NarrativeMarkers/begin`` and ``NarrativeMarkers/end`` in the body.
    case body
}

/// What on the pull request holds the narrative.
public enum PublishedPlace: Sendable, Hashable {
    /// The narrative comment, by id.
    case comment(id: Int)
    /// The marked block of the body.
    case bodyBlock
}

/// What publishing did.
public enum PublishOutcome: Sendable, Hashable {
    /// The comment or block was added.
    case created(PublishedPlace)
    /// The comment or block was there with other text and now holds the narrative.
    case updated(PublishedPlace)
    /// The comment or block already held the narrative: nothing was written.
    case unchanged(PublishedPlace)
    /// The forge refused the write (a read-only token: a fork's pull request); the narrative went
    /// to the job summary instead, when there is one.
    case fellBack(reason: String)
}

/// The outcome of one publish, with what a user should hear about it.
public struct PublishResult: Sendable, Hashable {
    /// What publishing did.
    public var outcome: PublishOutcome
    /// The pull request, as `owner/name#7` or `project!7`.
    public var pullRequest: String
    /// Things worth saying beside the outcome (duplicate marked comments, the refusal's message).
    public var notes: [String]
    /// The job summary file the narrative was appended to, after a fallback.
    public var summaryFile: String?

    /// Creates a result.
    public init(outcome: PublishOutcome, pullRequest: String, notes: [String] = [], summaryFile: String? = nil) {
        self.outcome = outcome
        self.pullRequest = pullRequest
        self.notes = notes
        self.summaryFile = summaryFile
    }
}

/// Puts the narrative on a pull request without ever duplicating it or touching the author's
/// text: one marked comment updated in place, or a marked block of the body fetched again right
/// before it is rewritten. Nothing is written when the narrative is already there.
public struct NarrativePublisher: Sendable {
    /// The pull request's forge.
    public var forge: any PullRequestForge
    /// The job summary file to fall back to when the token cannot write (`GITHUB_STEP_SUMMARY`).
    public var summaryPath: String?

    /// The reason of a fallback after a 403 on a write.
    public static let readOnlyReason = "the token is read-only (fork?)"

    /// Creates a publisher.
    public init(forge: any PullRequestForge, summaryPath: String? = nil) {
        self.forge = forge
        self.summaryPath = summaryPath
    }

    /// Puts the narrative (Markdown) on the pull request.
    ///
    /// - Throws: ``ForgeError`` when the forge cannot be read, refuses for another reason than a
    ///   read-only token, the body's markers are unbalanced, or the summary cannot be written.
    public func publish(_ narrative: String, mode: PublishMode) throws -> PublishResult {
        do {
            switch mode {
            case .comment: return try publishComment(narrative)
            case .body: return try publishBody(narrative)
            }
        } catch let error as ForgeError where error.isReadOnlyRefusal {
            return try fallBack(narrative, because: error)
        }
    }

    private func result(_ outcome: PublishOutcome, notes: [String] = []) -> PublishResult {
        PublishResult(outcome: outcome, pullRequest: forge.pullRequestName, notes: notes)
    }

    private func publishComment(_ narrative: String) throws -> PublishResult {
        let text = NarrativeMarkers.commentText(for: narrative)
        if let found = try markedComment() {
            return try write(text, over: found.comment, notes: found.notes)
        }
        do {
            let created = try forge.createComment(text)
            return result(.created(.comment(id: created.id)))
        } catch let error as ForgeError where error.mayHaveHappened {
            // The comment may exist although the answer was lost: look before posting again.
            if let found = try markedComment() {
                if NarrativeMarkers.sameComment(found.comment.body, text) {
                    return result(.created(.comment(id: found.comment.id)), notes: found.notes)
                }
                return try write(text, over: found.comment, notes: found.notes)
            }
            let created = try forge.createComment(text)
            return result(.created(.comment(id: created.id)))
        }
    }

    /// The newest comment carrying the marker, with a note when there are several.
    private func markedComment() throws -> (comment: ForgeComment, notes: [String])? {
        let marked = try forge.comments().filter { NarrativeMarkers.isNarrativeComment($0.body) }
        guard let newest = marked.max(by: { $0.id < $1.id }) else { return nil }
        var notes: [String] = []
        if marked.count > 1 {
            let others = marked.filter { $0.id != newest.id }.map { String($0.id) }.joined(separator: ", ")
            notes.append(
                "\(marked.count) comments carry the narrative marker; the newest (\(newest.id)) is the narrative, delete the others (\(others)) by hand")
        }
        return (newest, notes)
    }

    private func write(_ text: String, over comment: ForgeComment, notes: [String]) throws -> PublishResult {
        if NarrativeMarkers.sameComment(comment.body, text) {
            return result(.unchanged(.comment(id: comment.id)), notes: notes)
        }
        let updated = try forge.updateComment(id: comment.id, body: text)
        return result(.updated(.comment(id: updated.id)), notes: notes)
    }

    private func publishBody(_ narrative: String) throws -> PublishResult {
        // Fetched right before the write: the author may have edited the body since the event.
        let body = try forge.fetchBody()
        let hadBlock = NarrativeMarkers.blockContents(of: body) != nil
        let updated = try NarrativeMarkers.replacingBlock(in: body, with: narrative)
        if Array(updated.utf8) == Array(body.utf8) { return result(.unchanged(.bodyBlock)) }
        try forge.updateBody(updated)
        return result(hadBlock ? .updated(.bodyBlock) : .created(.bodyBlock))
    }

    private func fallBack(_ narrative: String, because error: ForgeError) throws -> PublishResult {
        try Self.fallBack(
            narrative, reason: Self.readOnlyReason, pullRequest: forge.pullRequestName,
            summaryPath: summaryPath, notes: [error.errorDescription ?? "\(error)"]
        )
    }

    /// Gives up writing to the pull request without failing the job: appends the narrative under
    /// the note "could not write to the PR: <reason> — narrative below" to the job summary, when
    /// there is one, and returns ``PublishOutcome/fellBack(reason:)``. Also for a fork's pipeline
    /// that has no token at all (GitLab passes no CI/CD variables to forks).
    ///
    /// - Throws: ``ForgeError/cannotWriteSummary(path:reason:)``.
    public static func fallBack(
        _ narrative: String, reason: String, pullRequest: String, summaryPath: String?, notes: [String] = []
    ) throws -> PublishResult {
        var result = PublishResult(outcome: .fellBack(reason: reason), pullRequest: pullRequest, notes: notes)
        guard let summaryPath else { return result }
        let text = "\n> **rationale:** could not write to the PR: \(reason) — narrative below\n\n\(NarrativeMarkers.sanitized(narrative))\n"
        try WorkflowOutput.appendSummary(text, to: summaryPath)
        result.summaryFile = summaryPath
        return result
    }
}

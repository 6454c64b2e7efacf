import Foundation
import Sessions

/// The handoff, read without closing anything: what `session close` would write, and what the
/// last close wrote.
extension SessionFrontend {
    /// A BOOTLOADER.md, written or not.
    public struct HandoffText: Sendable {
        /// The session's folder, relative to the repository root.
        public var session: String
        /// Where the file is (or would be written), relative to the repository root.
        public var file: String
        /// Its text.
        public var text: String
        /// Its size in tokens (estimated offline).
        public var tokens: Int
        /// Whether the text is the file on disk (a closed session's) rather than a preview.
        public var written: Bool
    }

    /// What `session close` would write into BOOTLOADER.md for the active session now, without
    /// validating or writing anything (closing stays the author's call).
    public static func handoffPreview(_ workspace: Workspace, session requested: String?, date: String) throws -> HandoffText {
        let session = try workspace.activeSession(requested)
        let path = session.path(SessionInput.File.bootloader)
        guard var metadata = session.metadata else {
            let written = session.files[SessionInput.File.bootloader] ?? ""
            return HandoffText(session: session.folder, file: path, text: written, tokens: TokenEstimate.tokens(written), written: !written.isEmpty)
        }
        if metadata.status != .closed {
            metadata.status = .closed
            metadata.closed = date
        } else if let written = session.files[SessionInput.File.bootloader] {
            return HandoffText(session: session.folder, file: path, text: written, tokens: TokenEstimate.tokens(written), written: true)
        }
        let handoff = try Handoff.bootloader(
            Handoff.content(of: session), session: session, metadata: metadata, author: workspace.author, templates: try workspace.templates())
        return HandoffText(session: session.folder, file: path, text: handoff.text, tokens: handoff.tokens, written: false)
    }

    /// The BOOTLOADER.md of the most recently closed session that has one, or nil.
    public static func lastHandoff(_ workspace: Workspace) throws -> HandoffText? {
        let closed = try workspace.allSessions().filter { $0.metadata?.status == .closed && $0.files[SessionInput.File.bootloader] != nil }
        guard
            let last = closed.max(by: {
                ($0.metadata?.closed ?? "", Workspace.order($0).0, $0.name) < ($1.metadata?.closed ?? "", Workspace.order($1).0, $1.name)
            }), let text = last.files[SessionInput.File.bootloader]
        else { return nil }
        return HandoffText(
            session: last.folder, file: last.path(SessionInput.File.bootloader), text: text, tokens: TokenEstimate.tokens(text), written: true)
    }
}

import CLibgit2

extension Repository {
    /// A unified diff (`git diff` style, 3 lines of context) between two versions of a file's
    /// content; nil content is an absent side (an added or deleted file). Binary content gives
    /// git's one-line "Binary files differ". The header states each side's mode as git does
    /// (`new file mode 120000` for a symbolic link, whose content is its target). `contextLines`
    /// unchanged lines surround each hunk (git's default, 3).
    public static func unifiedDiff(
        old: [UInt8]?, new: [UInt8]?, oldPath: String, newPath: String,
        oldMode: FileMode = .file, newMode: FileMode = .file, contextLines: Int = 3
    ) throws -> String {
        try LibGit2.initialize()
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        options.context_lines = UInt32(max(0, min(contextLines, 1_000)))
        var patch: OpaquePointer?
        let oldBytes = old ?? []
        let newBytes = new ?? []
        try oldBytes.withUnsafeBytes { oldBuffer in
            try newBytes.withUnsafeBytes { newBuffer in
                try check(
                    git_patch_from_buffers(
                        &patch,
                        old == nil ? nil : oldBuffer.baseAddress, oldBytes.count, old == nil ? nil : oldPath,
                        new == nil ? nil : newBuffer.baseAddress, newBytes.count, new == nil ? nil : newPath,
                        &options), "git_patch_from_buffers")
            }
        }
        guard let owned = patch else { return "" } // identical content: no patch
        defer { git_patch_free(owned) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try check(git_patch_to_buf(&buffer, owned), "git_patch_to_buf")
        guard let pointer = buffer.ptr else { return "" }
        let text = String(decoding: UnsafeRawBufferPointer(start: pointer, count: buffer.size), as: UTF8.self)
        return withModes(text, old: old == nil ? nil : oldMode, new: new == nil ? nil : newMode)
    }

    /// A patch whose header states these modes: libgit2 gives buffers mode 100644 whatever they
    /// hold, so its mode lines are replaced by git's for the real modes.
    static func withModes(_ patch: String, old: FileMode?, new: FileMode?) -> String {
        var lines = patch.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first, first.hasPrefix("diff --git ") else { return patch }
        let headerEnd = lines.firstIndex { $0.hasPrefix("--- ") || $0.hasPrefix("@@") || $0.hasPrefix("Binary files") } ?? lines.count
        var header = lines[1..<headerEnd].filter { line in
            !["old mode ", "new mode ", "new file mode ", "deleted file mode "].contains { line.hasPrefix($0) }
        }
        if let index = header.firstIndex(where: { $0.hasPrefix("index ") }) {
            let ids = header[index].split(separator: " ")[1]
            header[index] = "index \(ids)" + (old != nil && old == new ? " \(old?.octal ?? "")" : "")
        }
        var modes: [String] = []
        switch (old, new) {
        case (nil, let new?): modes = ["new file mode \(new.octal)"]
        case (let old?, nil): modes = ["deleted file mode \(old.octal)"]
        case (let old?, let new?) where old != new: modes = ["old mode \(old.octal)", "new mode \(new.octal)"]
        default: break
        }
        lines.replaceSubrange(1..<headerEnd, with: modes + header)
        return lines.joined(separator: "\n")
    }
}

import CLibgit2

extension Repository {
    /// A unified diff (`git diff` style, 3 lines of context) between two versions of a file's
    /// content; nil content is an absent side (an added or deleted file). Binary content gives
    /// git's one-line "Binary files differ".
    public static func unifiedDiff(old: [UInt8]?, new: [UInt8]?, oldPath: String, newPath: String) throws -> String {
        try LibGit2.initialize()
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        var patch: OpaquePointer?
        let oldBytes = old ?? []
        let newBytes = new ?? []
        try oldBytes.withUnsafeBytes { oldBuffer in
            try newBytes.withUnsafeBytes { newBuffer in
                try check(git_patch_from_buffers(
                    &patch,
                    old == nil ? nil : oldBuffer.baseAddress, oldBytes.count, old == nil ? nil : oldPath,
                    new == nil ? nil : newBuffer.baseAddress, newBytes.count, new == nil ? nil : newPath,
                    &options), "git_patch_from_buffers")
            }
        }
        guard let owned = patch else { return "" }  // identical content: no patch
        defer { git_patch_free(owned) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try check(git_patch_to_buf(&buffer, owned), "git_patch_to_buf")
        guard let pointer = buffer.ptr else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: buffer.size), as: UTF8.self)
    }
}

/// The files of the package's top-level `Templates/` and `hooks/` folders, carried inside the
/// binary so an installed `rationale` needs nothing beside it.
///
/// The EmbedFiles build-tool plugin generates `generatedEmbeddedFiles` from the folders on
/// every build; there is no hand-kept list.
public enum EmbeddedFiles {
    /// Every embedded file by package-relative path ("Templates/SUMMARY.md", "hooks/pre-commit").
    public static var all: [String: String] { generatedEmbeddedFiles }

    /// One file, or nil.
    ///
    /// - Parameter path: The package-relative path, such as `hooks/pre-commit`.
    /// - Returns: The file's text, byte for byte as it is in the package.
    public static func file(_ path: String) -> String? {
        generatedEmbeddedFiles[path]
    }
}

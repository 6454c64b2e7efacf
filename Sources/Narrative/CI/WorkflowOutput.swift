import Foundation

/// What a CI job shows besides its log: GitHub Actions workflow commands (annotations) and the
/// Markdown job summary (`GITHUB_STEP_SUMMARY`).
public enum WorkflowOutput {
    /// An annotation, `::error file=F,line=L,title=T::message`, escaped as GitHub's runner expects.
    public static func annotation(_ command: String, file: String? = nil, line: Int? = nil, title: String, message: String) -> String {
        var properties: [String] = []
        if let file {
            properties.append("file=\(escapeProperty(file))")
            if let line { properties.append("line=\(line)") }
        }
        properties.append("title=\(escapeProperty(title))")
        return "::\(command) \(properties.joined(separator: ","))::\(escapeData(message))"
    }

    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// Appends Markdown to the job summary file, creating it when missing.
    ///
    /// - Throws: ``ForgeError/cannotWriteSummary(path:reason:)``.
    public static func appendSummary(_ text: String, to path: String) throws {
        do {
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil) else {
                    throw ForgeError.cannotWriteSummary(path: path, reason: "cannot create the file")
                }
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch let error as ForgeError {
            throw error
        } catch {
            throw ForgeError.cannotWriteSummary(path: path, reason: error.localizedDescription)
        }
    }
}

import Diagnostics
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

    /// Text printed in a GitHub Actions job that is not one of our own annotations, made inert:
    /// the runner reads a line whose first non-blank characters are `::` as a workflow command
    /// (`::add-mask::`, `::stop-commands::`, …), and `##[` anywhere in a line as the legacy form
    /// of one. A line starting with `::` gets its first colon written `%3A`; `##[` is written
    /// `##\u005B` (a JSON string escape, so `--format json` output keeps its values).
    ///
    /// The runner splits lines at CR as well as LF: both count here.
    public static func inert(_ text: String) -> String {
        guard text.contains("::") || text.contains("##[") else { return text }
        var lines: [String] = []
        var line = ""
        var iterator = text.unicodeScalars.makeIterator()
        func finish(_ separator: String) {
            lines.append(inertLine(line) + separator)
            line = ""
        }
        var pending = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            if scalar == "\r", pending == "\n" {
                pending = iterator.next()
                finish("\r\n")
            } else if scalar == "\r" || scalar == "\n" {
                finish(String(scalar))
            } else {
                line.unicodeScalars.append(scalar)
            }
        }
        lines.append(inertLine(line))
        return lines.joined()
    }

    private static func inertLine(_ line: String) -> String {
        var text = line.replacingOccurrences(of: "##[", with: "##\\u005B")
        let start = text.unicodeScalars.firstIndex { !$0.properties.isWhitespace } ?? text.unicodeScalars.endIndex
        if text.unicodeScalars[start...].starts(with: "::".unicodeScalars) {
            text.unicodeScalars.replaceSubrange(start...start, with: "%3A".unicodeScalars)
        }
        return text
    }

    static func escapeData(_ text: String) -> String { ConsoleText.workflowData(text) }

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

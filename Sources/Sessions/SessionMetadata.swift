import Foundation

/// The hidden first line of SUMMARY.md:
/// `<!-- rationale:session title="…" kind=refactor started=2026-11-28 status=open -->`.
public struct SessionMetadata: Sendable, Hashable, Codable {
    /// Whether the session is still being worked on.
    public enum Status: String, Sendable, Hashable, Codable {
        case open, closed
    }

    /// The title given to `session start`.
    public var title: String
    /// The kind of work.
    public var kind: String
    /// `YYYY-MM-DD`.
    public var started: String
    /// Open or closed.
    public var status: Status
    /// `YYYY-MM-DD` when closed.
    public var closed: String?
    /// The problem statement's fingerprint when `session start --problem` recorded it
    /// (``ProblemRecord/digest(_:)``): a later rewrite shows.
    public var problem: String?
    /// The commit the session started from (HEAD at `session start`), abbreviated.
    public var base: String?

    /// The comment's opening.
    public static let marker = "<!-- rationale:session"

    /// Creates metadata.
    public init(
        title: String, kind: String, started: String, status: Status = .open, closed: String? = nil, problem: String? = nil, base: String? = nil
    ) {
        self.problem = problem
        self.base = base
        self.title = title
        self.kind = kind
        self.started = started
        self.status = status
        self.closed = closed
    }

    /// The comment line (the title cleaned by ``SessionNaming/title(_:)``, so no title can end
    /// the comment or its quoted value).
    public var line: String {
        var line = "\(Self.marker) title=\"\(SessionNaming.title(title))\" kind=\(kind) started=\(started) status=\(status.rawValue)"
        if let closed { line += " closed=\(closed)" }
        if let problem { line += " problem=\(problem)" }
        if let base { line += " base=\(base)" }
        return line + " -->"
    }

    /// Finds and reads the comment in `text` (the first one); returns it with its 1-based line.
    public static func find(in text: String) -> (metadata: SessionMetadata?, line: Int?, problem: String?) {
        for (index, line) in TextLines(text).lines.prefix(40).enumerated() {
            guard let start = line.range(of: marker) else { continue }
            let body = line[start.upperBound...]
            guard let end = body.range(of: "-->") else {
                return (nil, index + 1, "the session comment is not closed with `-->`")
            }
            let fields = Self.fields(String(body[..<end.lowerBound]))
            guard let title = fields["title"], let started = fields["started"] else {
                return (nil, index + 1, "the session comment needs title=\"…\" and started=YYYY-MM-DD")
            }
            guard let status = Status(rawValue: fields["status"] ?? "open") else {
                return (nil, index + 1, "status must be open or closed")
            }
            return (
                SessionMetadata(
                    title: title, kind: fields["kind"] ?? SessionKind.general.rawValue, started: started,
                    status: status, closed: fields["closed"], problem: fields["problem"].flatMap(hex), base: fields["base"].flatMap(hex)),
                index + 1, nil
            )
        }
        return (nil, nil, nil)
    }

    /// A fingerprint or commit id as the line may hold it: 4 to 64 hex digits, else nothing.
    static func hex(_ value: String) -> String? {
        (4...64).contains(value.count) && value.allSatisfy(\.isHexDigit) ? value.lowercased() : nil
    }

    /// `key=value` and `key="quoted value"` pairs.
    static func fields(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(text)
        while true {
            rest = rest.trimmingSpaces
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = String(rest[..<equals]).trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: equals)...]
            var value: Substring
            if rest.first == "\"" {
                rest = rest.dropFirst()
                let close = rest.firstIndex(of: "\"") ?? rest.endIndex
                value = rest[..<close]
                rest = close < rest.endIndex ? rest[rest.index(after: close)...] : ""
            } else {
                let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
                value = rest[..<end]
                rest = rest[end...]
            }
            result[key] = String(value)
        }
        return result
    }

    /// `text` with its session comment replaced by this metadata's line (or this line put first),
    /// its line endings kept.
    public func applied(to text: String) -> String {
        let split = TextLines(text)
        var lines = split.lines
        if let found = Self.find(in: text).line {
            lines[found - 1] = line
        } else {
            lines.insert(line, at: 0)
        }
        return split.with(lines).text
    }
}

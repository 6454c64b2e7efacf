import Diagnostics
import Foundation

/// One answer of a forge's API.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The headers, names lowercased.
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of a header, by its name in any case.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// The bounds one run of a forge client keeps, whatever the forge answers: a forge that always
/// says there is another page, trickles its answer a byte at a time, or sends a gigabyte cannot
/// keep a CI job (or its memory) past them.
public struct ForgeLimits: Sendable, Equatable {
    /// How long all requests of one run may take together, retries and their waits included.
    public var deadline: TimeInterval
    /// The most pages of comments (GitLab: notes) read: 100 pages of 100 is 10,000 comments.
    public var maxPages: Int
    /// The largest answer body read, in bytes.
    public var maxBodyBytes: Int

    /// 60 seconds.
    public static let defaultDeadline: TimeInterval = 60
    /// 100 pages.
    public static let defaultMaxPages = 100
    /// 10 MB.
    public static let defaultMaxBodyBytes = 10 * 1024 * 1024
    /// The environment variable that sets ``deadline``, in seconds (tests shorten it).
    public static let deadlineVariable = "RATIONALE_FORGE_DEADLINE"

    /// Creates limits; the defaults are the documented ones.
    public init(deadline: TimeInterval = defaultDeadline, maxPages: Int = defaultMaxPages, maxBodyBytes: Int = defaultMaxBodyBytes) {
        self.deadline = deadline
        self.maxPages = max(1, maxPages)
        self.maxBodyBytes = max(1, maxBodyBytes)
    }

    /// The default limits, with the deadline from `RATIONALE_FORGE_DEADLINE` when it is set.
    ///
    /// - Throws: ``ForgeError/badSetting(variable:value:expected:)`` when it is not a positive number of seconds.
    public init(environment: [String: String]) throws {
        self.init()
        guard let text = environment[Self.deadlineVariable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return }
        guard let seconds = TimeInterval(text), seconds > 0, seconds.isFinite else {
            throw ForgeError.badSetting(variable: Self.deadlineVariable, value: text, expected: "a positive number of seconds, such as 60")
        }
        deadline = seconds
    }

    /// A byte count as people read it: `10 MB`.
    static func describe(bytes: Int) -> String {
        bytes % (1024 * 1024) == 0 ? "\(bytes / (1024 * 1024)) MB" : "\(bytes) bytes"
    }

    /// Seconds as people read them: `60 s`, `1.5 s`.
    static func describe(seconds: TimeInterval) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}

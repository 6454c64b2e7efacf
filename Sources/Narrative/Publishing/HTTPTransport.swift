import Diagnostics
import Foundation

/// Sends one request at a time to a forge's REST API and waits for the answer: JSON in and out,
/// the forge's headers on every request, and retries with exponential backoff when the forge is
/// busy (429, a rate-limit 403) or failing (5xx, a broken connection).
///
/// The token never leaves the API's origin: a redirect to another scheme, host or port is
/// refused rather than followed with the credentials. Every run keeps ``ForgeLimits``: one
/// deadline for all its requests, a bounded body, and (in the forges) a bounded page count. What
/// the forge says is shown with the token redacted.
///
/// The API is synchronous on purpose: a CLI run posts one comment. The sleep and the clock are
/// injectable so tests of the backoff take no time.
public struct HTTPTransport: Sendable {
    /// The API root every path is appended to.
    public var baseURL: URL
    /// Headers sent with every request (authorization, accept, API version).
    public var headers: [String: String]
    /// The most attempts of one request, the first included.
    public var maxAttempts: Int
    /// The wait before the first retry, in seconds; it doubles on each further retry.
    public var initialDelay: TimeInterval
    /// The longest wait before a retry, whatever the forge asks for.
    public var maxDelay: TimeInterval
    /// How long one attempt may wait without receiving anything.
    public var timeout: TimeInterval
    /// The bounds of this client's run.
    public var limits: ForgeLimits
    /// Waits the given number of seconds.
    public var sleep: @Sendable (TimeInterval) -> Void
    /// The current time, for `x-ratelimit-reset`.
    public var now: @Sendable () -> Date
    /// Sends one request over the network (`ForgeHTTP`'s URLSession exchange in the tool).
    public var exchange: HTTPExchange
    /// When every request of this client must be done (``ForgeLimits/deadline`` from its creation).
    public let deadline: ContinuousClock.Instant

    /// Creates a transport for an API root that sends its requests through `exchange`.
    public init(
        baseURL: URL, headers: [String: String], exchange: @escaping HTTPExchange, maxAttempts: Int = 4, initialDelay: TimeInterval = 1,
        maxDelay: TimeInterval = 60, timeout: TimeInterval = 30, limits: ForgeLimits = ForgeLimits(),
        sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.baseURL = baseURL
        self.headers = headers
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.timeout = timeout
        self.limits = limits
        self.sleep = sleep
        self.now = now
        self.exchange = exchange
        self.deadline = ContinuousClock.now + .milliseconds(Int64((limits.deadline * 1000).rounded(.up)))
    }

    /// The headers GitHub's REST API asks for, with a bearer token.
    public static func gitHubHeaders(token: String) -> [String: String] {
        [
            "Authorization": "Bearer \(token)",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        ]
    }

    /// The headers GitLab's REST API asks for, with a personal, project or group access token.
    public static func gitLabHeaders(token: String) -> [String: String] {
        ["PRIVATE-TOKEN": token, "Accept": "application/json"]
    }

    /// The credentials among the headers (the bearer token, GitLab's token): never shown.
    public var secrets: [String] {
        headers.compactMap { name, value -> String? in
            switch name.lowercased() {
            case "authorization": return value.split(separator: " ", maxSplits: 1).last.map(String.init)
            case "private-token", "job-token": return value
            default: return nil
            }
        }
    }

    /// Text from the forge (or about a request) with every credential replaced by `***`.
    public func redacted(_ text: String) -> String {
        ConsoleText.redacting(secrets, in: text)
    }

    /// The address of an API path (which may carry a query), below the API root.
    public func url(_ path: String) throws -> URL {
        var root = baseURL.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        guard let url = URL(string: root + path) else { throw ForgeError.badAPIURL(root + path) }
        return url
    }

    /// Sends a request to an API path and returns a successful (2xx) answer.
    ///
    /// - Parameters:
    ///   - method: `GET`, `POST`, `PATCH`, `PUT`.
    ///   - path: The path below the API root, with its query.
    ///   - json: The body, encoded as a JSON object.
    /// - Throws: ``ForgeError/http(method:path:status:message:)`` with the API's `message` for an
    ///   error status, ``ForgeError/connection(method:path:reason:)`` when the forge cannot be
    ///   reached, both after the retries; ``ForgeError/redirectToAnotherOrigin(method:path:location:)``,
    ///   ``ForgeError/responseTooLarge(method:path:limit:)`` and
    ///   ``ForgeError/deadlineExceeded(method:path:seconds:)`` at once.
    public func send(_ method: String, _ path: String, json: [String: String]? = nil) throws -> HTTPResponse {
        try send(method, url: url(path), json: json)
    }

    /// Sends a request to an absolute address (a pagination link) and returns a 2xx answer.
    ///
    /// A POST is retried only when the forge says it did not process it (429, rate-limit 403):
    /// after a 5xx or a broken connection the comment may exist, and the caller looks before
    /// posting again.
    public func send(_ method: String, url: URL, json: [String: String]? = nil) throws -> HTTPResponse {
        var request = HTTPRequest(url: url, method: method, headers: ["User-Agent": "rationale"], body: nil, timeout: timeout)
        for (name, value) in headers { request.headers[name] = value }
        if let json {
            request.body = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
            request.headers["Content-Type"] = "application/json"
        }
        let shownPath = redacted(url.path + (url.query.map { "?" + $0 } ?? ""))
        let idempotent = method != "POST"
        var attempt = 1
        while true {
            let remaining = secondsLeft()
            guard remaining > 0 else {
                throw ForgeError.deadlineExceeded(method: method, path: shownPath, seconds: limits.deadline)
            }
            let result = exchange(request, remaining, limits.maxBodyBytes)
            let failure: ForgeError
            let delay: TimeInterval
            switch result {
            case .answered(let response) where (200..<300).contains(response.status):
                return response
            case .answered(let response):
                failure = .http(method: method, path: shownPath, status: response.status, message: message(in: response))
                let rateLimited = response.status == 429 || (response.status == 403 && isRateLimit(response))
                guard rateLimited || (idempotent && (500...599).contains(response.status)) else { throw failure }
                delay = requestedDelay(response) ?? backoff(attempt)
            case .failed(let reason):
                failure = .connection(method: method, path: shownPath, reason: redacted(reason))
                guard idempotent else { throw failure }
                delay = backoff(attempt)
            case .redirectRefused(let location):
                throw ForgeError.redirectToAnotherOrigin(method: method, path: shownPath, location: redacted(Origin.describe(location)))
            case .tooLarge:
                throw ForgeError.responseTooLarge(method: method, path: shownPath, limit: limits.maxBodyBytes)
            case .timedOut:
                throw ForgeError.deadlineExceeded(method: method, path: shownPath, seconds: limits.deadline)
            }
            guard attempt < maxAttempts else { throw failure }
            let wait = min(max(0, delay), maxDelay)
            // A wait that would end past the deadline is not worth starting: say what the forge said.
            guard wait < secondsLeft() else { throw failure }
            sleep(wait)
            attempt += 1
        }
    }

    /// Seconds until the deadline (negative once it has passed).
    func secondsLeft() -> TimeInterval {
        let left = ContinuousClock.now.duration(to: deadline)
        return TimeInterval(left.components.seconds) + TimeInterval(left.components.attoseconds) / 1e18
    }

    /// The exponential wait before retry number `attempt`.
    func backoff(_ attempt: Int) -> TimeInterval {
        initialDelay * pow(2, Double(attempt - 1))
    }

    /// The wait the forge asks for: `Retry-After` seconds, or until `x-ratelimit-reset` when no
    /// requests remain.
    func requestedDelay(_ response: HTTPResponse) -> TimeInterval? {
        if let value = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces), let seconds = Double(value) {
            return seconds
        }
        if response.header("x-ratelimit-remaining") == "0",
            let reset = response.header("x-ratelimit-reset").flatMap({ Double($0) })
        {
            return reset - now().timeIntervalSince1970
        }
        return nil
    }

    /// Whether a 403 is GitHub's rate limit rather than a refusal.
    private func isRateLimit(_ response: HTTPResponse) -> Bool {
        response.header("Retry-After") != nil || response.header("x-ratelimit-remaining") == "0"
    }

    /// The longest forge message shown, in characters.
    static let messageLimit = 500

    /// The API's own explanation, with the credentials redacted and cut to
    /// ``messageLimit`` characters: GitHub's and GitLab's `message` (a string, or GitLab's object
    /// of field errors), GitLab's `error`, or the start of the body.
    func message(in response: HTTPResponse) -> String {
        var text = Self.message(in: response)
        if text.count > Self.messageLimit { text = String(text.prefix(Self.messageLimit)) + "…" }
        return redacted(text)
    }

    /// The API's own explanation as the forge wrote it.
    static func message(in response: HTTPResponse) -> String {
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] {
            for key in ["message", "error"] {
                if let text = object[key] as? String { return text }
                if let value = object[key], JSONSerialization.isValidJSONObject(value),
                    let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
                {
                    return String(decoding: data, as: UTF8.self)
                }
            }
        }
        let text = String(decoding: response.body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "HTTP \(response.status)" : text
    }
}

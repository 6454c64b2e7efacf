import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

/// Sends one request at a time to a forge's REST API and waits for the answer: JSON in and out,
/// the forge's headers on every request, and retries with exponential backoff when the forge is
/// busy (429, a rate-limit 403) or failing (5xx, a broken connection).
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
    /// How long one attempt may take.
    public var timeout: TimeInterval
    /// Waits the given number of seconds.
    public var sleep: @Sendable (TimeInterval) -> Void
    /// The current time, for `x-ratelimit-reset`.
    public var now: @Sendable () -> Date

    /// Creates a transport for an API root.
    public init(
        baseURL: URL, headers: [String: String], maxAttempts: Int = 4, initialDelay: TimeInterval = 1,
        maxDelay: TimeInterval = 60, timeout: TimeInterval = 30,
        sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.baseURL = baseURL
        self.headers = headers
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.timeout = timeout
        self.sleep = sleep
        self.now = now
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
    ///   reached, both after the retries.
    public func send(_ method: String, _ path: String, json: [String: String]? = nil) throws -> HTTPResponse {
        try send(method, url: url(path), json: json)
    }

    /// Sends a request to an absolute address (a pagination link) and returns a 2xx answer.
    ///
    /// A POST is retried only when the forge says it did not process it (429, rate-limit 403):
    /// after a 5xx or a broken connection the comment may exist, and the caller looks before
    /// posting again.
    public func send(_ method: String, url: URL, json: [String: String]? = nil) throws -> HTTPResponse {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("rationale", forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let shownPath = url.path + (url.query.map { "?" + $0 } ?? "")
        let idempotent = method != "POST"
        var attempt = 1
        while true {
            let result = Self.perform(request)
            let failure: ForgeError
            let delay: TimeInterval
            switch result {
            case .answered(let response) where (200..<300).contains(response.status):
                return response
            case .answered(let response):
                failure = .http(method: method, path: shownPath, status: response.status, message: Self.message(in: response))
                let rateLimited = response.status == 429 || (response.status == 403 && isRateLimit(response))
                guard rateLimited || (idempotent && (500...599).contains(response.status)) else { throw failure }
                delay = requestedDelay(response) ?? backoff(attempt)
            case .failed(let reason):
                failure = .connection(method: method, path: shownPath, reason: reason)
                guard idempotent else { throw failure }
                delay = backoff(attempt)
            }
            guard attempt < maxAttempts else { throw failure }
            sleep(min(max(0, delay), maxDelay))
            attempt += 1
        }
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
           let reset = response.header("x-ratelimit-reset").flatMap({ Double($0) }) {
            return reset - now().timeIntervalSince1970
        }
        return nil
    }

    /// Whether a 403 is GitHub's rate limit rather than a refusal.
    private func isRateLimit(_ response: HTTPResponse) -> Bool {
        response.header("Retry-After") != nil || response.header("x-ratelimit-remaining") == "0"
    }

    /// The API's own explanation: GitHub's and GitLab's `message` (a string, or GitLab's object
    /// of field errors), GitLab's `error`, or the start of the body.
    static func message(in response: HTTPResponse) -> String {
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] {
            for key in ["message", "error"] {
                if let text = object[key] as? String { return text }
                if let value = object[key], JSONSerialization.isValidJSONObject(value),
                   let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
                    return String(decoding: data, as: UTF8.self)
                }
            }
        }
        let text = String(decoding: response.body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? HTTPURLResponse.localizedString(forStatusCode: response.status) : text
    }

    /// Runs one request and waits for it.
    private static func perform(_ request: URLRequest) -> Attempt {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = request.timeoutInterval
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            if let response = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (name, value) in response.allHeaderFields {
                    headers[String(describing: name).lowercased()] = String(describing: value)
                }
                box.set(.answered(HTTPResponse(status: response.statusCode, headers: headers, body: data ?? Data())))
            } else {
                box.set(.failed(error?.localizedDescription ?? "no answer"))
            }
            done.signal()
        }
        task.resume()
        done.wait()
        return box.get()
    }
}

/// What one attempt of a request gave.
private enum Attempt {
    /// The forge answered (with any status).
    case answered(HTTPResponse)
    /// No answer: why.
    case failed(String)
}

/// Carries a request's result from URLSession's queue to the waiting caller.
private final class ResultBox: @unchecked Sendable {
    // Written once on URLSession's queue before the semaphore is signalled, read after the wait:
    // the lock makes the hand-over explicit.
    private let lock = NSLock()
    private var result: Attempt = .failed("no answer")

    func set(_ value: Attempt) {
        lock.lock()
        result = value
        lock.unlock()
    }

    func get() -> Attempt {
        lock.lock()
        defer { lock.unlock() }
        return result
    }
}


import Foundation

/// One request as the transport hands it to the network: plain values, no networking types, so
/// the module that shapes requests does not link the HTTP stack (only `rationale-net` does).
public struct HTTPRequest: Sendable {
    /// The absolute address.
    public var url: URL
    /// `GET`, `POST`, `PATCH`, `PUT`.
    public var method: String
    /// Every header to send.
    public var headers: [String: String]
    /// The body, if any.
    public var body: Data?
    /// How long one attempt may wait without receiving anything.
    public var timeout: TimeInterval

    /// Creates a request.
    public init(url: URL, method: String, headers: [String: String], body: Data?, timeout: TimeInterval) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// Sends one request and waits at most `seconds` for it: reads at most `maxBytes` of body and
/// follows redirects only within the request's origin. `ForgeHTTP` gives the URLSession one.
public typealias HTTPExchange = @Sendable (_ request: HTTPRequest, _ seconds: TimeInterval, _ maxBytes: Int) -> HTTPAttempt

/// What one attempt of a request gave.
public enum HTTPAttempt: Sendable {
    /// The forge answered (with any status).
    case answered(HTTPResponse)
    /// No answer: why.
    case failed(String)
    /// The forge redirected to another origin, which was not followed.
    case redirectRefused(URL)
    /// The body passed ``ForgeLimits/maxBodyBytes``; reading stopped.
    case tooLarge
    /// The run's deadline passed while waiting.
    case timedOut
}

/// Where a request goes: scheme, host and port (the default port when none is written).
public struct Origin: Equatable, Sendable {
    /// `http` or `https`, lowercased.
    public var scheme: String
    /// The host, lowercased.
    public var host: String
    /// The port, the scheme's default when none is written.
    public var port: Int

    /// The origin of an address; nil without a scheme or host.
    public init?(_ url: URL) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = url.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
    }

    /// `scheme://host:port` of an address, for messages (never its path or query).
    public static func describe(_ url: URL) -> String {
        guard let origin = Origin(url) else { return url.scheme.map { $0 + ":…" } ?? "another address" }
        return "\(origin.scheme)://\(origin.host):\(origin.port)"
    }
}

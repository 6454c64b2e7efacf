import Diagnostics
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What one attempt of a request gave.
enum Attempt {
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
struct Origin: Equatable {
    var scheme: String
    var host: String
    var port: Int

    init?(_ url: URL) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = url.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
    }

    /// `scheme://host:port` of an address, for messages (never its path or query).
    static func describe(_ url: URL) -> String {
        guard let origin = Origin(url) else { return url.scheme.map { $0 + ":…" } ?? "another address" }
        return "\(origin.scheme)://\(origin.host):\(origin.port)"
    }
}

/// Receives one request's answer: the body up to a limit, redirects only within the origin, and
/// the end, signalled to the waiting caller.
final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // URLSession calls the delegate on its own serial queue; the caller reads after `done`
    // (or after cancelling on its deadline): the lock makes the hand-over explicit.
    private let lock = NSLock()
    private let origin: Origin
    private let maxBytes: Int
    private var response: HTTPURLResponse?
    private var body = Data()
    private var refused: URL?
    private var overLimit = false
    private var failure: String?
    /// Signalled once, when the task has completed.
    let done = DispatchSemaphore(value: 0)

    init(origin: Origin, maxBytes: Int) {
        self.origin = origin
        self.maxBytes = maxBytes
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Whether the body has passed the limit (the task is being cancelled).
    var isOverLimit: Bool { locked { overLimit } }

    func result() -> Attempt {
        locked {
            if let refused { return .redirectRefused(refused) }
            if overLimit { return .tooLarge }
            guard let response else { return .failed(failure ?? "no answer") }
            var headers: [String: String] = [:]
            for (name, value) in response.allHeaderFields {
                headers[String(describing: name).lowercased()] = String(describing: value)
            }
            return .answered(HTTPResponse(status: response.statusCode, headers: headers, body: body))
        }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let tooLarge = response.expectedContentLength > Int64(maxBytes)
        locked {
            self.response = response as? HTTPURLResponse
            if tooLarge { overLimit = true }
        }
        completionHandler(tooLarge ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooLarge = locked {
            if body.count + data.count > maxBytes {
                overLimit = true
                return true
            }
            body.append(data)
            return false
        }
        if tooLarge { dataTask.cancel() }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        // The request carries the token: follow only within the API's own origin.
        if let url = request.url, Origin(url) == origin {
            completionHandler(request)
            return
        }
        locked { refused = request.url ?? response.url }
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        locked {
            if let error { failure = error.localizedDescription }
            if response == nil, let answer = task.response as? HTTPURLResponse { response = answer }
        }
        done.signal()
    }
}

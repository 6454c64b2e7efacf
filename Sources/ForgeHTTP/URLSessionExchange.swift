import Foundation
import Narrative
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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

    func result() -> HTTPAttempt {
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

/// The network behind ``HTTPTransport``: Foundation's URLSession (libcurl on Linux). Only the
/// `rationale-net` executable links this module, so the hook's binary never loads the HTTP stack.
public enum URLSessionExchange {
    /// Runs one request and waits for it, at most `seconds`.
    public static let exchange: HTTPExchange = { request, seconds, maxBytes in
        perform(request, within: seconds, maxBytes: maxBytes)
    }

    static func perform(_ plain: HTTPRequest, within seconds: TimeInterval, maxBytes: Int) -> HTTPAttempt {
        guard let origin = Origin(plain.url) else { return .failed("not an http(s) address") }
        var request = URLRequest(url: plain.url, timeoutInterval: plain.timeout)
        request.httpMethod = plain.method
        for (name, value) in plain.headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = plain.body
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = min(request.timeoutInterval, seconds)
        configuration.timeoutIntervalForResource = seconds
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        let transfer = Transfer(origin: origin, maxBytes: maxBytes)
        let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: nil)
        let task = session.dataTask(with: request)
        task.resume()
        // Foundation's URLSession on Linux keeps reading a flood (or a trickle) long after
        // `cancel()`, and invalidating waits on the queue that reads it: stop waiting as soon as
        // the body passes the limit or the deadline passes, and leave the cancelling to another
        // thread (a CLI run then ends with the error, and the connection with it).
        let end = DispatchTime.now() + seconds
        while transfer.done.wait(timeout: min(end, .now() + .milliseconds(5))) == .timedOut {
            let over = transfer.isOverLimit
            if over || DispatchTime.now() >= end {
                DispatchQueue.global().async {
                    task.cancel()
                    session.invalidateAndCancel()
                }
                return over ? .tooLarge : .timedOut
            }
        }
        // Invalidating releases the delegate (a session holds it strongly).
        session.finishTasksAndInvalidate()
        return transfer.result()
    }
}

extension HTTPTransport {
    /// A transport for an API root that sends its requests through URLSession.
    public init(
        baseURL: URL, headers: [String: String], maxAttempts: Int = 4, initialDelay: TimeInterval = 1,
        maxDelay: TimeInterval = 60, timeout: TimeInterval = 30, limits: ForgeLimits = ForgeLimits(),
        sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            baseURL: baseURL, headers: headers, exchange: URLSessionExchange.exchange, maxAttempts: maxAttempts,
            initialDelay: initialDelay, maxDelay: maxDelay, timeout: timeout, limits: limits, sleep: sleep, now: now)
    }
}

extension CIContext {
    /// The forge client for this context's pull request, over URLSession.
    public func makeForge(
        maxAttempts: Int = 4, limits: ForgeLimits = ForgeLimits(),
        sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }
    ) throws -> any PullRequestForge {
        try makeForge(exchange: URLSessionExchange.exchange, maxAttempts: maxAttempts, limits: limits, sleep: sleep)
    }
}

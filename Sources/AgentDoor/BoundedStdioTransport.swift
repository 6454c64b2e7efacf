import Foundation
import Logging
import MCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Newline-delimited JSON-RPC on standard input and output, like the SDK's `StdioTransport`, but
/// bounded: a message over ``maxMessage`` bytes is dropped as it streams in (never held whole)
/// and answered with a JSON-RPC error, and each chunk read is searched for the end of a line
/// once — the SDK's transport searches the whole pending buffer on every read, so one long line
/// took time quadratic in its length (a 50 MB line did not finish in a minute).
public actor BoundedStdioTransport: Transport {
    /// The largest message read: tool arguments are names, budgets and one-line texts.
    public static let maxMessage = 4 << 20

    public nonisolated let logger = Logger(label: "rationale.mcp.stdio", factory: { _ in SwiftLogNoOpLogHandler() })
    private let input: Int32
    private let output: Int32
    private let limit: Int
    private var connected = false
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation

    /// A transport on these file descriptors (standard input and output by default).
    public init(input: Int32 = 0, output: Int32 = 1, limit: Int = BoundedStdioTransport.maxMessage) {
        self.input = input
        self.output = output
        self.limit = limit
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    public func connect() async throws {
        guard !connected else { return }
        connected = true
        let (input, limit, continuation) = (input, limit, continuation)
        // Blocking reads on a thread of their own: no polling, and the actor stays free to send.
        Thread.detachNewThread { [self] in
            Self.readLines(from: input, limit: limit, yield: { continuation.yield($0) }, tooLong: { size in Task { await self.refuse(size) } })
            continuation.finish()
        }
    }

    public func disconnect() async {
        guard connected else { return }
        connected = false
        continuation.finish()
    }

    public func send(_ message: Data) async throws {
        var bytes = [UInt8](message)
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
            }
            offset += written
        }
    }

    public func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }

    /// The answer to a message over the limit: its id was never read, so it is null.
    func refuse(_ size: Int) async {
        let text =
            #"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"a message of over \#(size) bytes was dropped: the limit is \#(limit) bytes"}}"#
        try? await send(Data(text.utf8))
    }

    /// Reads `descriptor` to its end, handing over each non-empty line up to `limit` bytes;
    /// a longer line is skipped to its end and reported with the bytes seen.
    static func readLines(from descriptor: Int32, limit: Int, yield: (Data) -> Void, tooLong: (Int) -> Void) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var line: [UInt8] = []
        var skipping = 0 // bytes of an over-long line dropped so far; 0 when not skipping
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { break }
            var start = 0
            while start < count {
                let end = chunk[start..<count].firstIndex(of: UInt8(ascii: "\n"))
                let piece = chunk[start..<(end ?? count)]
                if skipping > 0 {
                    skipping += piece.count
                } else if line.count + piece.count > limit {
                    skipping = line.count + piece.count
                    line.removeAll(keepingCapacity: false)
                } else {
                    line.append(contentsOf: piece)
                }
                guard let end else { break }
                if skipping > 0 {
                    tooLong(skipping)
                    skipping = 0
                } else if !line.isEmpty {
                    yield(Data(line))
                    line.removeAll(keepingCapacity: true)
                }
                start = end + 1
            }
        }
        if skipping > 0 { tooLong(skipping) } else if !line.isEmpty { yield(Data(line)) }
    }
}

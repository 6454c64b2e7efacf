import Foundation
import Testing

@testable import AgentDoor

#if canImport(Glibc)
    import Glibc
#endif

/// The server's stdio framing: lines handed over whole, an over-long one dropped and reported.
@Suite("Bounded stdio transport")
struct BoundedStdioTransportTests {
    /// What `readLines` makes of `bytes` written into a pipe, with a limit of `limit` bytes.
    func lines(of bytes: [UInt8], limit: Int) -> (lines: [String], tooLong: [Int]) {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        let writer = Thread {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(writeEnd, $0.baseAddress, min($0.count, 1 << 16)) }
                if written <= 0 { break }
                offset += written
            }
            close(writeEnd)
        }
        writer.start()
        var lines: [String] = []
        var tooLong: [Int] = []
        BoundedStdioTransport.readLines(
            from: readEnd, limit: limit, yield: { lines.append(String(decoding: $0, as: UTF8.self)) }, tooLong: { tooLong.append($0) })
        close(readEnd)
        return (lines, tooLong)
    }

    @Test func linesAreHandedOverWholeAndEmptyOnesSkipped() {
        let result = lines(of: Array("{\"a\":1}\n\n{\"b\":2}\n{\"c\":3}".utf8), limit: 100)
        #expect(result.lines == [#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#])
        #expect(result.tooLong.isEmpty)
    }

    @Test func aLineOverTheLimitIsDroppedAsItStreamsAndTheNextOneStillArrives() {
        // 3 MB in one line against a 1 MB limit, across many reads; then a normal line.
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)
        let result = lines(of: Array("{\"first\":1}\n".utf8) + long + Array("\n{\"after\":2}\n".utf8), limit: 1 << 20)
        #expect(result.lines == [#"{"first":1}"#, #"{"after":2}"#])
        #expect(result.tooLong == [3 << 20])
    }

    @Test func aLineExactlyAtTheLimitPasses() {
        let result = lines(of: [UInt8](repeating: UInt8(ascii: "y"), count: 1000) + [UInt8(ascii: "\n")], limit: 1000)
        #expect(result.lines.first?.count == 1000 && result.tooLong.isEmpty)
    }
}

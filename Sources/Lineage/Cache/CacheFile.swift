import Foundation

/// The cache checksum (see ``CacheCoding/checksum(_:)``) of bytes that arrive in pieces: the
/// same value as over the pieces joined, without joining them (the two are kept equal by a
/// test). The total length is part of the sum, so it is given first.
struct ChecksumStream {
    /// The four lanes the 32-byte blocks are mixed into, and the finishing over what is left:
    /// shared by the stream and by the one-shot ``CacheCoding/checksum(_:)``.
    struct Lanes {
        private var lanes: (UInt64, UInt64, UInt64, UInt64)

        init(length: Int) {
            lanes = (0x9E37_79B9_7F4A_7C15 ^ UInt64(length), 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0x27D4_EB2F_1656_67C5)
        }

        @inline(__always) private static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
            let m = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            return m ^ (m >> 29)
        }

        /// Mixes in every whole 32-byte block of `bytes`; returns how many bytes that took.
        @inline(__always) mutating func absorb(_ bytes: UnsafeRawBufferPointer) -> Int {
            var i = 0
            while i + 32 <= bytes.count {
                lanes.0 = Self.mix(lanes.0, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
                lanes.1 = Self.mix(lanes.1, bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self).littleEndian)
                lanes.2 = Self.mix(lanes.2, bytes.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self).littleEndian)
                lanes.3 = Self.mix(lanes.3, bytes.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self).littleEndian)
                i += 32
            }
            return i
        }

        /// The checksum, with `rest` (fewer than 32 bytes) the end of the input.
        func finish(_ rest: UnsafeRawBufferPointer) -> UInt64 {
            var h = Self.mix(Self.mix(Self.mix(lanes.0, lanes.1), lanes.2), lanes.3)
            var i = 0
            while i + 8 <= rest.count {
                h = Self.mix(h, rest.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < rest.count {
                tail |= UInt64(rest[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
            h ^= h >> 33
            return h
        }
    }

    private var lanes: Lanes
    /// Bytes of an unfinished 32-byte block (at most 31 between calls).
    private var pending: [UInt8] = []

    init(length: Int) {
        lanes = Lanes(length: length)
    }

    /// Adds the next bytes.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        if !pending.isEmpty {
            let take = min(32 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            i = take
            guard pending.count == 32 else { return }
            _ = pending.withUnsafeBytes { lanes.absorb($0) }
            pending.removeAll(keepingCapacity: true)
        }
        i += lanes.absorb(UnsafeRawBufferPointer(rebasing: bytes[i...]))
        if i < bytes.count { pending.append(contentsOf: bytes[i...]) }
    }

    /// The checksum, once `length` bytes were fed (the last, partial block is summed here).
    func finish() -> UInt64 {
        pending.withUnsafeBytes { lanes.finish($0) }
    }
}

/// Writing a cache file from the pieces its encoder produced, without joining them in memory
/// (at 50,000 models a joined copy of a project cache is 80 MB more at the run's peak).
enum CacheFile {
    /// Writes `pieces` and then their seal (the checksum of all of them, as
    /// ``CacheCoding/seal(_:)`` appends it to the joined bytes), atomically: to a unique
    /// temporary file in the same folder, renamed over `file`, so readers see the old or the
    /// new content, never a torn one.
    static func write(_ pieces: [[UInt8]], to file: String) throws {
        let folder = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/.tmp-\\(ProcessInfo.processInfo.processIdentifier)-\\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(temporary, errno) }
        var stream = ChecksumStream(length: pieces.reduce(0) { $0 + $1.count })
        var code: Int32 = 0
        for piece in pieces where code == 0 {
            piece.withUnsafeBytes { raw in
                stream.feed(raw)
                code = writeAll(fd, raw)
            }
        }
        if code == 0 {
            withUnsafeBytes(of: stream.finish().littleEndian) { code = writeAll(fd, $0) }
        }
        if close(fd) != 0, code == 0 { code = errno }
        if code == 0, rename(temporary, file) != 0 { code = errno }
        if code != 0 {
            unlink(temporary)
            throw failure(file, code)
        }
    }

    /// Writes all of `bytes` to `fd`: 0, or the errno of the failure.
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard let base = bytes.baseAddress else { return 0 }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(fd, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }

    private static func failure(_ path: String, _ code: Int32) -> Error {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
    }
}

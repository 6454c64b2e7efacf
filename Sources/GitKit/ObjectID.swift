/// The 20-byte SHA-1 name of a git object: a commit, tree or blob.
///
/// Stored as three integers so it is cheap to copy, compare and hash; it is used
/// as a dictionary key for thousands of blobs at a time.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The 20 bytes as big-endian words, so comparing the words in order sorts
    /// ids the same way as their hex spelling.
    public struct Raw: Hashable, Sendable {
        /// Bytes 0 to 7.
        public let high: UInt64
        /// Bytes 8 to 15.
        public let middle: UInt64
        /// Bytes 16 to 19.
        public let low: UInt32

        /// Creates the raw form from its three words.
        public init(high: UInt64, middle: UInt64, low: UInt32) {
            self.high = high
            self.middle = middle
            self.low = low
        }
    }

    /// The id's bytes.
    public let raw: Raw

    /// All zeros, which libgit2 uses for "no object".
    static let zero = ObjectID(raw: Raw(high: 0, middle: 0, low: 0))

    /// Creates an id from its raw words.
    public init(raw: Raw) {
        self.raw = raw
    }

    /// Creates an id from 20 bytes; missing bytes count as zero and bytes past
    /// the twentieth are ignored.
    public init(bytes: some Sequence<UInt8>) {
        var words: (UInt64, UInt64, UInt32) = (0, 0, 0)
        var index = 0
        for byte in bytes {
            guard index < 20 else { break }
            switch index {
            case 0..<8: words.0 |= UInt64(byte) << (56 - 8 * index)
            case 8..<16: words.1 |= UInt64(byte) << (56 - 8 * (index - 8))
            default: words.2 |= UInt32(byte) << (24 - 8 * (index - 16))
            }
            index += 1
        }
        raw = Raw(high: words.0, middle: words.1, low: words.2)
    }

    /// Creates an id from exactly 40 hexadecimal digits (either case);
    /// returns nil for anything else, including abbreviated ids.
    public init?(hex: String) {
        var high: UInt64 = 0
        var middle: UInt64 = 0
        var low: UInt32 = 0
        var count = 0
        for character in hex.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            switch count {
            case 0..<16: high = high << 4 | UInt64(nibble)
            case 16..<32: middle = middle << 4 | UInt64(nibble)
            case 32..<40: low = low << 4 | UInt32(nibble)
            default: return nil
            }
            count += 1
        }
        guard count == 40 else { return nil }
        raw = Raw(high: high, middle: middle, low: low)
    }

    /// Creates an id from a buffer of at least 20 bytes.
    init(rawBuffer buffer: UnsafeRawBufferPointer) {
        raw = Raw(
            high: UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
            middle: UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            low: UInt32(bigEndian: buffer.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        )
    }

    /// The 40 lowercase hexadecimal digits.
    public var hex: String {
        String(unsafeUninitializedCapacity: 40) { buffer in
            @inline(__always)
            func digit(_ nibble: UInt64) -> UInt8 {
                let value = UInt8(truncatingIfNeeded: nibble & 0xF)
                return value < 10 ? value &+ UInt8(ascii: "0") : value &+ (UInt8(ascii: "a") &- 10)
            }
            for index in 0..<16 {
                buffer[index] = digit(raw.high >> UInt64(60 - 4 * index))
                buffer[16 + index] = digit(raw.middle >> UInt64(60 - 4 * index))
            }
            let low = UInt64(raw.low)
            for index in 0..<8 {
                buffer[32 + index] = digit(low >> UInt64(28 - 4 * index))
            }
            return 40
        }
    }

    /// The 20 bytes, most significant first.
    public var bytes: [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(20)
        for shift in stride(from: 56, through: 0, by: -8) {
            result.append(UInt8(truncatingIfNeeded: raw.high >> UInt64(shift)))
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            result.append(UInt8(truncatingIfNeeded: raw.middle >> UInt64(shift)))
        }
        for shift in stride(from: 24, through: 0, by: -8) {
            result.append(UInt8(truncatingIfNeeded: raw.low >> UInt32(shift)))
        }
        return result
    }

    /// The hex spelling.
    public var description: String { hex }

    /// An abbreviated hex spelling, as `git log --oneline` shows it.
    public func abbreviated(_ length: Int = 7) -> String {
        String(hex.prefix(max(4, min(40, length))))
    }

    /// Hashes the first eight bytes only: they are already uniformly
    /// distributed, and equality still compares all twenty.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(raw.high)
    }

    /// Orders ids by their bytes, the same order as their hex spelling.
    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        (lhs.raw.high, lhs.raw.middle, lhs.raw.low) < (rhs.raw.high, rhs.raw.middle, rhs.raw.low)
    }
}

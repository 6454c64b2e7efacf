import GitKit
import Testing

@Suite struct ObjectIDTests {
    static let sample = "0123456789abcdef0011223344556677deadbeef"

    @Test func hexRoundTrips() throws {
        let id = try #require(ObjectID(hex: Self.sample))
        #expect(id.hex == Self.sample)
        #expect(id.description == Self.sample)
        #expect(ObjectID(hex: Self.sample.uppercased()) == id)
    }

    @Test func bytesRoundTrip() throws {
        let id = try #require(ObjectID(hex: Self.sample))
        #expect(
            id.bytes == [
                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x11,
                0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0xde, 0xad, 0xbe, 0xef,
            ])
        #expect(ObjectID(bytes: id.bytes) == id)
        #expect(ObjectID(bytes: id.bytes).hex == Self.sample)
    }

    @Test(arguments: [
        "", "0123", String(repeating: "a", count: 39), String(repeating: "a", count: 41),
        "g123456789abcdef0011223344556677deadbeef", "0123456789abcdef0011223344556677deadbee ",
    ])
    func rejectsMalformedHex(_ text: String) {
        #expect(ObjectID(hex: text) == nil)
    }

    @Test func ordersLikeHex() throws {
        let hexes = [
            "ffffffffffffffff000000000000000000000000",
            "0000000000000000ffffffffffffffff00000000",
            "00000000000000000000000000000000ffffffff",
            "0000000000000000000000000000000000000001",
            "0000000000000001000000000000000000000000",
        ]
        let ids = try hexes.map { try #require(ObjectID(hex: $0)) }
        #expect(ids.sorted().map(\.hex) == hexes.sorted())
    }

    @Test func equalityUsesAllBytesDespiteCheapHash() throws {
        let a = try #require(ObjectID(hex: "0123456789abcdef000000000000000000000000"))
        let b = try #require(ObjectID(hex: "0123456789abcdef000000000000000000000001"))
        let c = try #require(ObjectID(hex: "0123456789abcdef000000000000000100000000"))
        #expect(a != b)
        #expect(a != c)
        #expect(Set([a, b, c, a]).count == 3)
        #expect([a: 1, b: 2, c: 3][b] == 2)
    }
}

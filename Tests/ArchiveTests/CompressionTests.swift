import Foundation
import Testing

@testable import Archive

/// Originals are deflated with reused zlib states: a reused state must give exactly the bytes a new one gives, under
/// concurrent use too, and everything must inflate back to the original bytes.
@Suite struct CompressionTests {
    static let page: [UInt8] = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ReceiptParserTests/Fixtures/check-LG420230644664-84229.html").path
        return Array(FileManager.default.contents(atPath: path) ?? Data())
    }()

    @Test func roundTripsAndReusedStatesGiveTheSameBytes() throws {
        #expect(Self.page.count > 50_000)
        let first = try Compression.deflate(Self.page)
        #expect(first.count < Self.page.count / 5, "a receipt page compresses several times: \(first.count) bytes")
        #expect(Compression.inflate(first, size: Self.page.count) == Self.page)
        // Something else in between: the reset state must not carry anything over.
        let other = Array("<html>другая страница</html>".utf8)
        let small = try Compression.deflate(other)
        #expect(Compression.inflate(small, size: other.count) == other)
        #expect(try Compression.deflate(Self.page) == first)
        let empty = try Compression.deflate([])
        #expect(Compression.inflate(empty, size: 0) == [])
        // A wrong recorded size, or damaged data, is refused.
        #expect(Compression.inflate(first, size: Self.page.count - 1) == nil)
        var damaged = first
        damaged[damaged.count / 2] ^= 0xFF
        #expect(Compression.inflate(damaged, size: Self.page.count) != Self.page)
    }

    @Test func concurrentCompressionsAgree() async throws {
        let expected = try Compression.deflate(Self.page)
        let pages = (0..<24).map { index in Self.page + Array("<!-- \(index) -->".utf8) }
        let results = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for (index, page) in pages.enumerated() {
                group.addTask { (index, try Compression.deflate(page)) }
            }
            var results: [Int: [UInt8]] = [:]
            for try await (index, data) in group { results[index] = data }
            return results
        }
        for (index, page) in pages.enumerated() {
            #expect(Compression.inflate(results[index] ?? [], size: page.count) == page, "page \(index)")
        }
        #expect(try Compression.deflate(Self.page) == expected)
    }
}

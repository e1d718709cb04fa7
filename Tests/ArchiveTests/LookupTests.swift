import Archive
import ArchiveTestSupport
import SQLiteArchive
import FiscalCore
import Foundation
import Testing

@Suite struct LookupTests {
    func store(backend: TestBackend) async throws -> any ArchiveStore {
        let store = try await backend.makeArchive()
        try await Sample.archive(
            store, 1, amount: 100_00, date: 1_000,
            receipt: Sample.receipt(total: 100_00, fiscalSign: "088681055845", terminal: "EP1", number: "11",
                seller: "ООО «Чайхана Навруз»", sellerTIN: "111111111"))
        try await Sample.archive(
            store, 2, amount: 200_00, date: 2_000,
            receipt: Sample.receipt(total: 200_00, fiscalSign: "222", terminal: "EP2", number: "22",
                seller: "O‘zbekiston Temir Yo‘llari", sellerTIN: "222222222"))
        _ = try await store.track([TrackRequest(id: 3, type: .payment)], now: 0)
        return store
    }

    @Test(arguments: TestBackend.available) func identifiers(backend: TestBackend) async throws {
        let store = try await store(backend: backend)
        await #expect(try store.lookup(.transaction(3), limit: 5, offset: 0).map(\.state) == [.tracked])
        let hit = try await #require(try store.lookup(.transaction(1), limit: 5, offset: 0).first)
        #expect(hit.fiscalSign == "088681055845")
        #expect(hit.amount == Sample.uzs(100_00))
        #expect(hit.sellerName == "ООО «Чайхана Навруз»")
        await #expect(try store.lookup(.fiscalSign(" 088681055845 "), limit: 5, offset: 0).map(\.transactionID) == [1])
        await #expect(try store.lookup(.fiscalSign("88681055845"), limit: 5, offset: 0).isEmpty)
        await #expect(try store.lookup(.terminalReceipt("EP2", "22"), limit: 5, offset: 0).map(\.transactionID) == [2])
        await #expect(try store.lookup(.tin("222222222"), limit: 5, offset: 0).map(\.transactionID) == [2])
        // Commissioner TIN of the items: both receipts carry it.
        await #expect(try store.lookup(.tin("310995649"), limit: 5, offset: 0).map(\.transactionID) == [2, 1])
    }

    @Test(arguments: TestBackend.available, [
        ("чайхана", [1]), ("ЧАЙХАНА навруз", [1]), ("кофе", [2, 1]), ("КОФЕ", [2, 1]), ("croissant", [2, 1]),
        ("CROISS", [2, 1]), ("o'zbekiston", [2]), ("ozbekiston", [2]), ("oʻzbekiston yo`llari", [2]),
        ("to'lov", [2, 1]), ("qahva", [2, 1]), ("nothing-like-this", []), ("\"; DROP TABLE x", []), ("", []),
        // Query syntax is only ever text: operators are words, punctuation separates words.
        ("«КОФЕ»", [2, 1]), ("кофе*", [2, 1]), ("-кофе", [2, 1]), ("кофе NOT чайхана", []), ("NEAR(кофе", []),
    ] as [(String, [Int64])])
    func text(backend: TestBackend, search: (words: String, expected: [Int64])) async throws {
        let (words, expected) = search
        let store = try await store(backend: backend)
        await #expect(try store.lookup(.text(words), limit: 10, offset: 0).map(\.transactionID.rawValue) == expected)
    }

    @Test(arguments: TestBackend.available) func filtersAndPaging(backend: TestBackend) async throws {
        let store = try await store(backend: backend)
        await #expect(try store.lookup(.text("кофе").filtered(dates: 1_500..<3_000), limit: 10, offset: 0)
            .map(\.transactionID) == [2])
        await #expect(try store.lookup(.text("кофе").filtered(amounts: 0...150_00), limit: 10, offset: 0)
            .map(\.transactionID) == [1])
        await #expect(try store.lookup(.text("кофе"), limit: 1, offset: 1).map(\.transactionID) == [1])
        await #expect(try store.lookup(LookupQuery(.all), limit: 10, offset: 0).count == 3)
    }
}

import Archive
import ArchiveTestSupport
import SQLiteArchive
import FiscalCore
import Foundation
import GRDB
import Testing

@Suite struct IntegrityTests {
    @Test(arguments: TestBackend.available) func originalsRoundTripByteExact(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        _ = try await store.track([TrackRequest(id: 1, type: .payment)], now: 0)
        // Invalid UTF-8, NULs, CRLF and a BOM: kept as they came.
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF, 0x3C, 0x70, 0x3E, 0xFF, 0xFE, 0x00, 0xC3, 0x28, 0x0D, 0x0A]
        bytes += Array(String(repeating: "<td>Jami to‘lov 853,374.00</td>\r\n", count: 500).utf8)
        let document = OriginalDocument(
            bytes: bytes, url: "https://ofd.soliq.uz/epi?t=X&r=1", httpStatus: 200, contentType: "text/html",
            fetchedAt: 123, format: .html)
        try await TripFixture.store(store, 1, original: document, receipt: nil, now: 200)
        // The same bytes again are the same original.
        try await TripFixture.store(store, 1, original: document, receipt: nil, now: 300)
        let stored = try await #require(try store.original(for: 1))
        let id = stored.id
        #expect(stored.bytes == bytes)
        #expect(stored.hashMatches)
        #expect(stored.url == document.url)
        #expect(stored.fetchedAt == 123)
        #expect(stored.contentType == "text/html")
        var abc = document
        abc.bytes = Array("abc".utf8)
        try await TripFixture.store(store, 1, original: abc, receipt: nil, now: 400)
        let abcOriginal = try await #require(try store.original(for: 1))
        #expect(abcOriginal.id != id)
        // SHA-256 of "abc", the FIPS 180-2 test vector.
        #expect(abcOriginal.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try await store.original(id: id)?.bytes == bytes)
        await #expect(try store.verify().isIntact)
        await #expect(try store.verify().originalsChecked == 2)
    }

    @Test(arguments: TestBackend.available) func triggersRefuseEditsThroughSQL(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        try await Sample.archive(store, 1)
        #expect(try await Tamper.isRefused(store, "UPDATE events SET amount = 1"))
        #expect(try await Tamper.isRefused(store, "DELETE FROM chain"))
        #expect(try await Tamper.isRefused(store, "DELETE FROM originals"))
        #expect(try await store.verify().isIntact)
    }

    func tamperedArchive(backend: TestBackend) async throws -> any ArchiveStore {
        let store = try await backend.makeArchive()
        try await Sample.archive(store, 1, amount: 100_00)
        try await Sample.archive(store, 2, amount: 200_00)
        try await Sample.archive(store, 3, amount: 300_00)
        await #expect(try store.verify().isIntact)
        return store
    }

    @Test(arguments: TestBackend.available) func verifyCatchesAnEditedByteInACompressedOriginal(backend: TestBackend) async throws {
        let store = try await tamperedArchive(backend: backend)
        try await Tamper.flipMiddleByteOfOriginal(store, transactionID: 2)
        let report = try await store.verify()
        #expect(!report.isIntact)
        #expect(report.problems.map(\.kind) == [.originalAltered])
        #expect(report.problems.first?.message.contains("transaction 2") == true)
        await #expect(try store.original(for: 2)?.hashMatches == false)
    }

    @Test(arguments: TestBackend.available) func verifyCatchesAnEditedAmount(backend: TestBackend) async throws {
        let store = try await tamperedArchive(backend: backend)
        try await Sample.tamper(store, "UPDATE events SET amount = 1 WHERE transaction_id = 3")
        let report = try await store.verify()
        #expect(report.problems.map(\.kind) == [.rowAltered])
        #expect(report.problems.first?.table == "events")
    }

    @Test(arguments: TestBackend.available) func verifyCatchesADeletedEvent(backend: TestBackend) async throws {
        let store = try await tamperedArchive(backend: backend)
        try await Sample.tamper(store, "DELETE FROM events WHERE transaction_id = 2")
        let report = try await store.verify()
        #expect(report.problems.map(\.kind) == [.rowMissing])
        #expect(report.problems.first?.table == "events")
    }

    @Test(arguments: TestBackend.available) func verifyCatchesADeletedOriginal(backend: TestBackend) async throws {
        let store = try await tamperedArchive(backend: backend)
        try await Sample.tamper(store, "DELETE FROM receipts WHERE transaction_id = 1; DELETE FROM originals WHERE transaction_id = 1")
        let report = try await store.verify()
        #expect(report.problems.map(\.kind) == [.rowMissing])
        #expect(report.problems.first?.table == "originals")
    }

    @Test(arguments: TestBackend.available) func verifyCatchesAnEditedOrTruncatedChain(backend: TestBackend) async throws {
        let store = try await tamperedArchive(backend: backend)
        // Re-hashing a doctored event into its own link still breaks the next link.
        try await Sample.tamper(store, "UPDATE chain SET payload_hash = 'x' WHERE seq = 2")
        await #expect(try store.verify().problems.contains { $0.kind == .chainBroken && $0.rowID == 2 })

        let other = try await tamperedArchive(backend: backend)
        try await Sample.tamper(other, "DELETE FROM chain WHERE seq = (SELECT MAX(seq) FROM chain)")
        let report = try await other.verify()
        #expect(report.problems.contains { $0.kind == .chainBroken })
        #expect(report.problems.contains { $0.kind == .rowUnchained })
    }

    @Test(arguments: TestBackend.available) func verifyCatchesARowInsertedBehindTheArchivesBack(backend: TestBackend) async throws {
        let store = try await tamperedArchive(backend: backend)
        try await Sample.tamper(store, """
            INSERT INTO events(kind, transaction_id, amount, currency, occurred_at, source, recorded_at)
            VALUES ('refund', 1, -5000, 'UZS', 1, 'gateway', 1)
            """)
        await #expect(try store.verify().problems.map(\.kind) == [.rowUnchained])
    }

    @Test(arguments: TestBackend.available) func reparseRebuildsIdenticalReceipts(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        var receipts: [TransactionID: FiscalReceipt] = [:]
        for id in 1...5 {
            let receipt = Sample.receipt(total: Int64(id) * 1_000_00, fiscalSign: "FS\(id)", number: "\(id)")
            receipts[TransactionID(Int64(id))] = receipt
            try await Sample.archive(store, TransactionID(Int64(id)), amount: Int64(id) * 1_000_00, receipt: receipt)
        }
        var before: [ArchivedReceipt?] = []
        for id in 1...5 { before.append(try await store.receipt(for: TransactionID(Int64(id)))) }
        let known = receipts
        let parse: @Sendable (StoredOriginal) throws -> FiscalReceipt = { original in
            guard let receipt = known[original.transactionID] else { throw Refusal(message: "unknown") }
            #expect(original.hashMatches)
            return receipt
        }
        let summary = try await store.reparse({ original in
            try ParsedOriginal(receipt: try parse(original), warnings: [], for: original.transactionID)
        }, now: 1_790_000_000)
        #expect(summary.rebuilt == 5)
        #expect(summary.changed == 0)
        #expect(summary.failures.isEmpty)
        var after: [ArchivedReceipt?] = []
        for id in 1...5 { after.append(try await store.receipt(for: TransactionID(Int64(id)))) }
        #expect(before == after)
        await #expect(try store.lookup(.fiscalSign("FS3"), limit: 5, offset: 0).map(\.transactionID) == [3])
        await #expect(try store.lookup(.text("croissant"), limit: 10, offset: 0).count == 5)

        // A parser that now reads a different seller rewrites receipts and their search rows.
        let renamed = try await store.reparse({ original in
            var receipt = try parse(original)
            receipt.seller.name = "Renamed Seller"
            return try ParsedOriginal(receipt: receipt, warnings: [], for: original.transactionID)
        }, now: 1_790_000_000)
        #expect(renamed.changed == 5)
        await #expect(try store.lookup(.text("renamed"), limit: 10, offset: 0).count == 5)
        await #expect(try store.lookup(.text("Тест"), limit: 10, offset: 0).isEmpty)
        await #expect(try store.verify().isIntact)
    }
}

import Archive
import FiscalCore
import Foundation
import GRDB
import Testing

@Suite struct IntegrityTests {
    @Test func originalsRoundTripByteExact() throws {
        let store = try ArchiveStore.temporary()
        _ = try store.track([TrackRequest(id: 1, type: .payment)], now: 0)
        // Invalid UTF-8, NULs, CRLF and a BOM: kept as they came.
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF, 0x3C, 0x70, 0x3E, 0xFF, 0xFE, 0x00, 0xC3, 0x28, 0x0D, 0x0A]
        bytes += Array(String(repeating: "<td>Jami to‘lov 853,374.00</td>\r\n", count: 500).utf8)
        let document = OriginalDocument(
            bytes: bytes, url: "https://ofd.soliq.uz/epi?t=X&r=1", httpStatus: 200, contentType: "text/html",
            fetchedAt: 123, format: .html)
        let id = try store.recordOriginal(1, document, now: 200)
        #expect(try store.recordOriginal(1, document, now: 300) == id)
        let stored = try #require(try store.original(for: 1))
        #expect(stored.bytes == bytes)
        #expect(stored.hashMatches)
        #expect(stored.id == id)
        #expect(stored.url == document.url)
        #expect(stored.fetchedAt == 123)
        #expect(stored.contentType == "text/html")
        // SHA-256 of the raw bytes, computed independently.
        #expect(stored.sha256.count == 64)
        var abc = document
        abc.bytes = Array("abc".utf8)
        let abcID = try store.recordOriginal(1, abc, now: 400)
        #expect(try store.original(id: abcID)?.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Compressed on disk.
        let queue = try DatabaseQueue(path: store.path)
        let size = try queue.read { try Int.fetchOne($0, sql: "SELECT length(data) FROM originals WHERE id = ?", arguments: [id]) }
        #expect(try #require(size) < bytes.count / 5)
        #expect(try store.verify().isIntact)
        #expect(try store.verify().originalsChecked == 2)
    }

    @Test func triggersRefuseEditsThroughSQL() throws {
        let store = try ArchiveStore.temporary()
        try Sample.archive(store, 1)
        let queue = try DatabaseQueue(path: store.path)
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE events SET amount = 1") } }
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "DELETE FROM chain") } }
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "DELETE FROM originals") } }
    }

    func tamperedArchive() throws -> ArchiveStore {
        let store = try ArchiveStore.temporary()
        try Sample.archive(store, 1, amount: 100_00)
        try Sample.archive(store, 2, amount: 200_00)
        try Sample.archive(store, 3, amount: 300_00)
        #expect(try store.verify().isIntact)
        return store
    }

    @Test func verifyCatchesAnEditedByteInACompressedOriginal() throws {
        let store = try tamperedArchive()
        let queue = try DatabaseQueue(path: store.path)
        let data = try #require(try queue.read { try Data.fetchOne($0, sql: "SELECT data FROM originals WHERE transaction_id = 2") })
        var bytes = Array(data)
        bytes[bytes.count / 2] ^= 0x01
        try Sample.tamper(store, "UPDATE originals SET data = ? WHERE transaction_id = 2", arguments: [Data(bytes)])
        let report = try store.verify()
        #expect(!report.isIntact)
        #expect(report.problems.map(\.kind) == [.originalAltered])
        #expect(report.problems.first?.message.contains("transaction 2") == true)
        #expect(try store.original(for: 2)?.hashMatches == false)
    }

    @Test func verifyCatchesAnEditedAmount() throws {
        let store = try tamperedArchive()
        try Sample.tamper(store, "UPDATE events SET amount = 1 WHERE transaction_id = 3")
        let report = try store.verify()
        #expect(report.problems.map(\.kind) == [.rowAltered])
        #expect(report.problems.first?.table == "events")
    }

    @Test func verifyCatchesADeletedEvent() throws {
        let store = try tamperedArchive()
        try Sample.tamper(store, "DELETE FROM events WHERE transaction_id = 2")
        let report = try store.verify()
        #expect(report.problems.map(\.kind) == [.rowMissing])
        #expect(report.problems.first?.table == "events")
    }

    @Test func verifyCatchesADeletedOriginal() throws {
        let store = try tamperedArchive()
        try Sample.tamper(store, "DELETE FROM receipts WHERE transaction_id = 1; DELETE FROM originals WHERE transaction_id = 1")
        let report = try store.verify()
        #expect(report.problems.map(\.kind) == [.rowMissing])
        #expect(report.problems.first?.table == "originals")
    }

    @Test func verifyCatchesAnEditedOrTruncatedChain() throws {
        let store = try tamperedArchive()
        // Re-hashing a doctored event into its own link still breaks the next link.
        try Sample.tamper(store, "UPDATE chain SET payload_hash = 'x' WHERE seq = 2")
        #expect(try store.verify().problems.contains { $0.kind == .chainBroken && $0.rowID == 2 })

        let other = try tamperedArchive()
        try Sample.tamper(other, "DELETE FROM chain WHERE seq = (SELECT MAX(seq) FROM chain)")
        let report = try other.verify()
        #expect(report.problems.contains { $0.kind == .chainBroken })
        #expect(report.problems.contains { $0.kind == .rowUnchained })
    }

    @Test func verifyCatchesARowInsertedBehindTheArchivesBack() throws {
        let store = try tamperedArchive()
        try Sample.tamper(store, """
            INSERT INTO events(kind, transaction_id, amount, currency, occurred_at, source, recorded_at)
            VALUES ('refund', 1, -5000, 'UZS', 1, 'gateway', 1)
            """)
        #expect(try store.verify().problems.map(\.kind) == [.rowUnchained])
    }

    @Test func reparseRebuildsIdenticalReceipts() throws {
        let store = try ArchiveStore.temporary()
        var receipts: [TransactionID: FiscalReceipt] = [:]
        for id in 1...5 {
            let receipt = Sample.receipt(total: Int64(id) * 1_000_00, fiscalSign: "FS\(id)", number: "\(id)")
            receipts[TransactionID(Int64(id))] = receipt
            try Sample.archive(store, TransactionID(Int64(id)), amount: Int64(id) * 1_000_00, receipt: receipt)
        }
        let before = try (1...5).map { try store.receipt(for: TransactionID(Int64($0))) }
        let parse: (StoredOriginal) throws -> FiscalReceipt = { original in
            guard let receipt = receipts[original.transactionID] else { throw Refusal(message: "unknown") }
            #expect(original.hashMatches)
            return receipt
        }
        let summary = try store.reparse({ original in
            try ParsedOriginal(receipt: try parse(original), warnings: [], for: original.transactionID)
        }, now: 1_790_000_000)
        #expect(summary.rebuilt == 5)
        #expect(summary.changed == 0)
        #expect(summary.failures.isEmpty)
        let after = try (1...5).map { try store.receipt(for: TransactionID(Int64($0))) }
        #expect(before == after)
        #expect(try store.lookup(.fiscalSign("FS3"), limit: 5, offset: 0).map(\.transactionID) == [3])
        #expect(try store.lookup(.text("croissant"), limit: 10, offset: 0).count == 5)

        // A parser that now reads a different seller rewrites receipts and their search rows.
        let renamed = try store.reparse({ original in
            var receipt = try parse(original)
            receipt.seller.name = "Renamed Seller"
            return try ParsedOriginal(receipt: receipt, warnings: [], for: original.transactionID)
        }, now: 1_790_000_000)
        #expect(renamed.changed == 5)
        #expect(try store.lookup(.text("renamed"), limit: 10, offset: 0).count == 5)
        #expect(try store.lookup(.text("Тест"), limit: 10, offset: 0).isEmpty)
        #expect(try store.verify().isIntact)
    }
}

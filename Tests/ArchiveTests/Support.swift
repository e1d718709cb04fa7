import Archive
import SQLiteArchive
import FiscalCore
import Foundation
import ArchiveTestSupport
import GRDB

/// Shared builders for the archive tests.
enum Sample {
    static func uzs(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: .uzs) }

    static func receipt(
        kind: FiscalReceipt.Kind = .sale, total: Int64 = 853_374_00, fiscalSign: String = "088681055845",
        terminal: String = "EP000000000058", number: String = "1020387", seller: String = "MCHJ «Тест Савдо»",
        sellerTIN: String = "307578794", items: [ReceiptItem]? = nil
    ) -> FiscalReceipt {
        let lines = items ?? [
            ReceiptItem(
                name: "Кофе латте большой", quantity: ExactDecimal(2), lineTotal: uzs(total / 2), discount: uzs(0),
                other: uzs(0), vatRate: ExactDecimal(12), vatAmount: uzs(total / 2 * 12 / 112),
                mxikCode: "10202001010000003", mxikName: "Qahva ichimliklari", commissionerTIN: "310995649"),
            ReceiptItem(
                name: "Croissant with almonds", quantity: ExactDecimal(significand: 1268, scale: 3),
                lineTotal: uzs(total - total / 2), discount: uzs(0), other: uzs(0),
                vatRate: ExactDecimal(significand: 120, scale: 1), vatAmount: uzs((total - total / 2) * 12 / 112),
                mxikCode: "10899001001000000", mxikName: "Nonvoyxona mahsulotlari, to‘lov", unit: "dona"),
        ]
        return FiscalReceipt(
            kind: kind, source: .html, terminalID: terminal, receiptNumber: number, fiscalSign: fiscalSign,
            issuedAt: Date(timeIntervalSince1970: 1_790_000_000), seller: .init(name: seller, tin: sellerTIN, address: "Toshkent"),
            marketplace: "MULTICARD", cashRegister: nil, items: lines, payment: .init(cash: uzs(0), card: uzs(total)),
            total: uzs(total), vatTotal: lines.reduce(uzs(0)) { $0 + $1.vatAmount })
    }

    static func page(_ text: String) -> OriginalDocument {
        OriginalDocument(
            bytes: Array(text.utf8), url: "https://ofd.soliq.uz/epi?t=EP000000000058&r=1020387&c=20261031235959&s=088681055845",
            httpStatus: 200, contentType: "text/html; charset=utf-8", fetchedAt: 1_790_000_100, format: .html)
    }

    static func payment(_ amount: Int64, date: Int64, status: PaySysStatus = .completed) -> PaymentSnapshot {
        PaymentSnapshot(amount: uzs(amount), status: status, date: date, vendorOrderID: "order-1", mxID: "mx-1")
    }

    /// Runs a transaction through the pipeline to `archived`, as one trip of the sync.
    static func archive(
        _ store: any ArchiveStore, _ id: TransactionID, amount: Int64 = 853_374_00, date: Int64 = 1_790_000_000,
        receipt: FiscalReceipt? = nil, now: Int64 = 1_790_000_000
    ) async throws {
        try await TripFixture.archive(
            store, id, payment: payment(amount, date: date), url: "https://ofd.soliq.uz/epi?t=T&r=\(id)",
            original: page("<html>receipt \(id)</html>"), receipt: receipt ?? Sample.receipt(total: amount), now: now)
    }

    /// Changes the archive behind its back (triggers and foreign keys off).
    static func tamper(_ store: any ArchiveStore, _ sql: String) async throws {
        try await Tamper.execute(store, sql)
    }

    static func tashkent(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ min: Int = 0, _ s: Int = 0) -> Int64 {
        Tashkent.LocalDateTime(year: y, month: m, day: d, hour: h, minute: min, second: s).epochSeconds
    }
}

/// SQLite's write lock on an archive file, held by a connection of its own (as another process would hold it) on a
/// thread of its own, from `init` until `release()`.
final class WriteLockHolder: Sendable {
    private let released = DispatchSemaphore(value: 0)

    init(path: String) throws {
        let other = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0)
        let released = self.released
        Thread {
            try? other.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.signal()
                released.wait()
                try db.execute(sql: "ROLLBACK")
            }
        }.start()
        locked.wait()
    }

    func release() { released.signal() }
}

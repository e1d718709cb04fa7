import Archive
import FiscalCore
import Foundation
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

    /// Runs a transaction through the pipeline to `archived`.
    static func archive(
        _ store: ArchiveStore, _ id: TransactionID, amount: Int64 = 853_374_00, date: Int64 = 1_790_000_000,
        receipt: FiscalReceipt? = nil, now: Int64 = 1_790_000_000
    ) throws {
        _ = try store.track([TrackRequest(id: id, type: .payment)], now: now)
        try store.recordPaymentInfo(id, payment(amount, date: date), now: now)
        try store.recordReceiptLink(id, url: "https://ofd.soliq.uz/epi?t=T&r=\(id)", refundURLs: [], now: now)
        let originalID = try store.recordOriginal(id, page("<html>receipt \(id)</html>"), now: now)
        try store.recordArchived(
            id, originalID: originalID, receipt: receipt ?? Sample.receipt(total: amount), warnings: [], now: now)
    }

    /// A raw connection that bypasses the archive (to tamper with it), with the append-only triggers dropped.
    static func tamper(_ store: ArchiveStore, _ sql: String, arguments: StatementArguments = []) throws {
        let queue = try DatabaseQueue(path: store.path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            for trigger in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
                try db.execute(sql: "DROP TRIGGER \(trigger)")
            }
            try db.execute(sql: sql, arguments: arguments)
        }
    }

    static func tashkent(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ min: Int = 0, _ s: Int = 0) -> Int64 {
        Tashkent.LocalDateTime(year: y, month: m, day: d, hour: h, minute: min, second: s).epochSeconds
    }
}

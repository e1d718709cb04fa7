import Archive
import ArchiveTestSupport
import FiscalCore
import Foundation
import Reports
import Testing

/// Every backend totals a month in its database exactly as the register it streams sums up, live and from a
/// snapshot — payments, p2p, a partial refund by operation, a refund seen only as status 6 with its refund receipt,
/// a cancellation, and an unpaid payment, on several days.
@Suite("Database totals on every backend")
struct BackendTotalsTests {
    static let october = YearMonth(year: 2026, month: 10)

    static func page(_ id: Int64) -> OriginalDocument {
        OriginalDocument(
            bytes: Array("<html>receipt \(id)</html>".utf8), url: "https://ofd.soliq.uz/epi?t=T&r=\(id)", httpStatus: 200,
            contentType: "text/html", fetchedAt: Fixture.at(2026, 10, 1), format: .html)
    }

    static func receipt(_ kind: FiscalReceipt.Kind, total: Int64, at: Int64) -> FiscalReceipt {
        let money = Money(minorUnits: total, currency: .uzs)
        return FiscalReceipt(
            kind: kind, source: .html, terminalID: "EP1", receiptNumber: "\(total)", fiscalSign: "FS\(total)",
            issuedAt: Date(timeIntervalSince1970: TimeInterval(at)), seller: .init(name: "Do'kon", tin: "307578794", address: "Toshkent"),
            marketplace: nil, cashRegister: nil,
            items: [ReceiptItem(
                name: "Non", quantity: ExactDecimal(1), lineTotal: money, discount: .zero(.uzs), other: .zero(.uzs),
                vatRate: ExactDecimal(12), vatAmount: Money(minorUnits: total * 12 / 112, currency: .uzs))],
            payment: .init(cash: .zero(.uzs), card: money), total: money,
            vatTotal: Money(minorUnits: total * 12 / 112, currency: .uzs))
    }

    @Test(arguments: TestBackend.available)
    func totalsEqualTheRegister(backend: TestBackend) async throws {
        let archive = try await backend.makeArchive()
        let database = try #require(archive as? any MonthlyTotalsReader, "\(backend) does not total in its database")
        for (id, type, amount, day) in [(1, TransactionType.payment, 100_00, 2), (2, .p2p, 250_00, 2), (3, .payment, 40_00, 9),
                                       (4, .payment, 70_00, 17), (5, .payment, 90_00, 31), (7, .payment, 60_00, 25)]
            as [(Int64, TransactionType, Int64, Int)] {
            let at = Fixture.at(2026, 10, day)
            try await TripFixture.archive(
                archive, TransactionID(id), type: type,
                payment: PaymentSnapshot(amount: Money(minorUnits: amount, currency: .uzs), status: .completed, date: at),
                original: Self.page(id), receipt: Self.receipt(.sale, total: amount, at: at), now: at)
        }
        // A partial refund by operation on day 10.
        let refund = try await archive.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Money(minorUnits: 30_00, currency: .uzs))),
            now: Fixture.at(2026, 10, 10)) { _ in }
        try await archive.completeOperation(
            refund.id, outcome: .succeeded(status: .refunded, mxID: nil), now: Fixture.at(2026, 10, 10))
        // A cancellation seen on re-check (status 3) on day 12, and a refund seen only as status 6 on day 20 whose
        // refund receipt is archived: the register takes its amount from that receipt.
        try await archive.recordPaymentInfo(
            3, PaymentSnapshot(amount: Money(minorUnits: 40_00, currency: .uzs), status: .cancelled, date: Fixture.at(2026, 10, 9)),
            now: Fixture.at(2026, 10, 12))
        try await archive.recordPaymentInfo(
            4, PaymentSnapshot(amount: Money(minorUnits: 70_00, currency: .uzs), status: .refunded, date: Fixture.at(2026, 10, 17)),
            now: Fixture.at(2026, 10, 20))
        var refundPage = Self.page(40)
        refundPage.url = "https://ofd.soliq.uz/epi?t=T&r=refund-4"
        try await archive.recordReceiptLink(
            4, url: Self.page(4).url, refundURLs: [refundPage.url], now: Fixture.at(2026, 10, 20))
        try await TripFixture.store(
            archive, 4, original: refundPage, receipt: Self.receipt(.refund, total: 70_00, at: Fixture.at(2026, 10, 20)),
            now: Fixture.at(2026, 10, 20))
        // A payment left unpaid (status 0) on day 25 and a p2p transfer that failed (status -1) on day 2, each on a
        // day with paid events of its kind (the not-paid are counted apart from those).
        _ = try await archive.track(
            [TrackRequest(id: 6, type: .payment), TrackRequest(id: 8, type: .p2p)], now: Fixture.at(2026, 10, 25))
        try await archive.recordPaymentInfo(
            6, PaymentSnapshot(amount: Money(minorUnits: 5_00, currency: .uzs), status: .created, date: Fixture.at(2026, 10, 25)),
            now: Fixture.at(2026, 10, 25))
        try await archive.recordPaymentInfo(
            8, PaymentSnapshot(amount: Money(minorUnits: 7_00, currency: .uzs), status: .error, date: Fixture.at(2026, 10, 2)),
            now: Fixture.at(2026, 10, 25))

        let live = try await database.monthlyTotals(in: Self.october)
        #expect(live == (try await MonthlyTotals.summing(archive, month: Self.october)))
        let snapshot = try await archive.registerSnapshot()
        let frozen = try #require(snapshot as? any MonthlyTotalsReader)
        #expect(try await frozen.monthlyTotals(in: Self.october) == live)
        // Worked by hand: 6 paid + 2 not-paid payment/p2p events, 3 refunds or cancellations.
        #expect(live.eventCount == 11)
        let net = live.groups.filter { !$0.notPaid }.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
        #expect(net == 100_00 + 250_00 + 40_00 + 70_00 + 90_00 + 60_00 - 30_00 - 40_00 - 70_00)
        let notPaid = live.groups.filter(\.notPaid).map { "\($0.day) \($0.event) \($0.count) \($0.amount.minorUnits)" }
        #expect(notPaid.sorted() == ["2 p2p 1 700", "25 payment 1 500"])
        #expect(live.groups.contains { !$0.notPaid && $0.event == .payment && $0.day == 25 && $0.count == 1
            && $0.amount.minorUnits == 60_00 })
    }
}

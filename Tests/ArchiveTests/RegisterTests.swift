import Archive
import ArchiveTestSupport
import SQLiteArchive
import FiscalCore
import Foundation
import Testing

@Suite struct RegisterTests {
    func entries(_ store: any ArchiveStore, _ month: YearMonth) async throws -> [RegisterEntry] {
        var rows: [RegisterEntry] = []
        try await store.forEachRegisterEntry(in: month) { rows.append($0) }
        return rows
    }

    @Test(arguments: TestBackend.available) func monthBoundariesAreTashkentTime(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let october = YearMonth(year: 2026, month: 10)
        // 2026-09-30 23:59:59 Tashkent is 18:59:59 UTC; 2026-10-01 00:00:00 Tashkent is 2026-09-30 19:00:00 UTC
        // (September in UTC, October in Tashkent).
        let cases: [(TransactionID, Int64)] = [
            (1, Sample.tashkent(2026, 9, 30, 23, 59, 59)),
            (2, Sample.tashkent(2026, 10, 1, 0, 0, 0)),
            (3, Sample.tashkent(2026, 10, 31, 23, 59, 59)),
            (4, Sample.tashkent(2026, 11, 1, 0, 0, 0)),
        ]
        for (id, date) in cases {
            _ = try await store.track([TrackRequest(id: id, type: id == 3 ? .p2p : .payment)], now: date)
            try await store.recordPaymentInfo(id, Sample.payment(1_000_00 * id.rawValue, date: date), now: date + 10)
        }
        let rows = try await entries(store, october)
        #expect(rows.map(\.transactionID) == [2, 3])
        #expect(rows.map(\.event) == [.payment, .p2p])
        #expect(rows.map(\.amount) == [Sample.uzs(2_000_00), Sample.uzs(3_000_00)])
        #expect(rows.allSatisfy { $0.source == .gateway && $0.receipt == nil && $0.pipelineState == "info_fetched" })
        await #expect(try entries(store, october.previous).map(\.transactionID) == [1])
        await #expect(try entries(store, october.next).map(\.transactionID) == [4])
        await #expect(try store.monthsWithEvents() == [october.previous, october, october.next])
    }

    @Test(arguments: TestBackend.available) func registerJoinsReceiptAndStatus(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let date = Sample.tashkent(2026, 10, 15, 12)
        try await Sample.archive(store, 10, amount: 853_374_00, date: date, now: date)
        let rows = try await entries(store, YearMonth(year: 2026, month: 10))
        let row = try #require(rows.first)
        #expect(rows.count == 1)
        #expect(row.receipt?.fiscalSign == "088681055845")
        #expect(row.receipt?.total == Sample.uzs(853_374_00))
        #expect(row.receipt?.commissionerTIN == "310995649")
        #expect(row.receiptURL == "https://ofd.soliq.uz/epi?t=T&r=10")
        #expect(row.status == .completed)
        #expect(row.vendorOrderID == "order-1")
        #expect(row.pipelineState == "archived")
        #expect(row.relatedTransactionDate == nil)
    }

    @Test(arguments: TestBackend.available) func detectedCancellationAndRefundAreRecordedOnce(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let paid = Sample.tashkent(2026, 10, 30, 10)
        try await Sample.archive(store, 1, amount: 100_00, date: paid, now: paid)
        try await Sample.archive(store, 2, amount: 200_00, date: paid, now: paid)
        let later = Sample.tashkent(2026, 11, 2, 9)
        for now in [later, later + 100] {
            try await store.recordPaymentInfo(1, Sample.payment(100_00, date: paid, status: .cancelled), now: now)
            try await store.recordPaymentInfo(2, Sample.payment(200_00, date: paid, status: .refunded), now: now)
        }
        let november = try await entries(store, YearMonth(year: 2026, month: 11))
        #expect(november.count == 2)
        let cancellation = try #require(november.first { $0.event == .cancellation })
        #expect(cancellation.amount == Sample.uzs(-100_00))
        #expect(cancellation.source == .detected)
        #expect(cancellation.occurredAt == later)
        #expect(cancellation.relatedTransactionDate == paid)
        #expect(cancellation.status == .cancelled)
        let refund = try #require(november.first { $0.event == .refund })
        #expect(refund.amount == Sample.uzs(0))
        #expect(refund.note?.contains("amount unknown") == true)
        // The October register still has both payments, with their current status.
        let october = try await entries(store, YearMonth(year: 2026, month: 10))
        #expect(october.map(\.status) == [.cancelled, .refunded])
        let history = try await #require(try store.transaction(1)).statusHistory.map(\.status)
        #expect(history == [.completed, .cancelled])
    }

    @Test(arguments: TestBackend.available) func refundReceiptIsLinkedToTheRefundEvent(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let paid = Sample.tashkent(2026, 10, 5, 10)
        try await Sample.archive(store, 1, amount: 500_00, date: paid, now: paid)
        let operation = try await store.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(150_00)), user: "alice"), now: paid + 100
        ) { _ in }
        try await store.completeOperation(operation.id, outcome: .succeeded(status: .refunded, mxID: "mx-9"), now: paid + 200)
        let refundURL = "https://ofd.soliq.uz/epi?t=T&r=refund"
        try await store.recordReceiptLink(1, url: "https://ofd.soliq.uz/epi?t=T&r=1", refundURLs: [refundURL], now: paid + 300)
        await #expect(try store.transaction(1)?.state == .linkFetched)
        var page = Sample.page("<html>refund</html>")
        page.url = refundURL
        try await TripFixture.store(
            store, 1, original: page, receipt: Sample.receipt(kind: .refund, total: 150_00, fiscalSign: "999"),
            now: paid + 500)
        await #expect(try store.transaction(1)?.state == .archived)
        await #expect(try store.receipt(for: 1)?.receipt.kind == .sale)
        await #expect(try store.receipts(for: 1).map(\.receipt.kind) == [.sale, .refund])

        let rows = try await entries(store, YearMonth(year: 2026, month: 10))
        #expect(rows.map(\.event) == [.payment, .refund])
        let refund = rows[1]
        #expect(refund.source == .operation)
        #expect(refund.amount == Sample.uzs(-150_00))
        #expect(refund.receipt?.kind == .refund)
        #expect(refund.receipt?.fiscalSign == "999")
        #expect(refund.receiptURL == refundURL)
        #expect(rows[0].receipt?.fiscalSign == "088681055845")
        // A later re-check seeing status 6 adds nothing: the operation explains it.
        try await store.recordPaymentInfo(1, Sample.payment(500_00, date: paid, status: .refunded), now: paid + 600)
        await #expect(try store.events(of: 1).count == 2)
    }

    /// Two partial refunds with their receipts archived in the other order: each refund event shows the refund
    /// receipt whose total is its amount, not simply the first one (both backends choose it in SQL, differently).
    @Test(arguments: TestBackend.available) func eachRefundShowsTheReceiptOfItsAmount(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let paid = Sample.tashkent(2026, 10, 5, 10)
        try await Sample.archive(store, 1, amount: 500_00, date: paid, now: paid)
        for (index, amount) in [Int64(150_00), 200_00].enumerated() {
            let operation = try await store.beginOperation(
                OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(amount)), user: "alice"),
                now: paid + 100 + Int64(index) * 1_000
            ) { _ in }
            try await store.completeOperation(
                operation.id, outcome: .succeeded(status: .refunded, mxID: "mx-\(index)"),
                now: paid + 200 + Int64(index) * 1_000)
        }
        let urls = ["https://ofd.soliq.uz/epi?t=T&r=refund-200", "https://ofd.soliq.uz/epi?t=T&r=refund-150"]
        try await store.recordReceiptLink(1, url: "https://ofd.soliq.uz/epi?t=T&r=1", refundURLs: urls, now: paid + 3_000)
        // One trip stores both: the 200 receipt first (the lower id), then the 150 one.
        var originals: [PreparedOriginal] = []
        for (url, (total, sign)) in zip(urls, [(Int64(200_00), "200"), (150_00, "150")]) {
            var page = Sample.page("<html>refund \(total)</html>")
            page.url = url
            originals.append(try PreparedOriginal(page, parsed: try ParsedOriginal(
                receipt: Sample.receipt(kind: .refund, total: total, fiscalSign: sign), warnings: [], for: 1)))
        }
        let job = try await TripFixture.claim(store, 1, now: paid + 4_000)
        try await store.commit(
            PipelineTrip(originals: originals, end: .archived), of: 1, lease: job.lease, now: paid + 4_000)
        let refunds = try await entries(store, YearMonth(year: 2026, month: 10)).filter { $0.event == .refund }
        #expect(refunds.map(\.amount) == [Sample.uzs(-150_00), Sample.uzs(-200_00)])
        #expect(refunds.map(\.receipt?.fiscalSign) == ["150", "200"])
        #expect(refunds.map(\.receiptURL) == [urls[1], urls[0]])
    }

    /// A transaction with several receipts of an event's side: the payment shows its first (lowest id), a refund whose
    /// amount no refund receipt has shows the first refund receipt — the same on every backend, whatever order the
    /// candidates come in.
    @Test(arguments: TestBackend.available) func severalReceiptsShowTheFirst(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let paid = Sample.tashkent(2026, 10, 6, 10)
        try await Sample.archive(store, 1, amount: 500_00, date: paid, now: paid)
        let operation = try await store.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(100_00)), user: "alice"), now: paid + 100) { _ in }
        try await store.completeOperation(
            operation.id, outcome: .succeeded(status: .refunded, mxID: "mx-1"), now: paid + 200)
        let urls = ["https://ofd.soliq.uz/epi?t=T&r=refund-300", "https://ofd.soliq.uz/epi?t=T&r=refund-400"]
        try await store.recordReceiptLink(1, url: "https://ofd.soliq.uz/epi?t=T&r=1", refundURLs: urls, now: paid + 300)
        // One trip stores a later advance receipt, then refund receipts of 300 and 400: none of them is the 100 refunded.
        var advance = Sample.page("<html>advance</html>")
        advance.url = "https://ofd.soliq.uz/epi?t=T&r=advance"
        var originals = [try PreparedOriginal(advance, parsed: try ParsedOriginal(
            receipt: Sample.receipt(kind: .advance, total: 500_00, fiscalSign: "later", number: "2"), warnings: [], for: 1))]
        for (url, total) in zip(urls, [Int64(300_00), 400_00]) {
            var page = Sample.page("<html>refund \(total)</html>")
            page.url = url
            originals.append(try PreparedOriginal(page, parsed: try ParsedOriginal(
                receipt: Sample.receipt(kind: .refund, total: total, fiscalSign: "r\(total / 100)", number: "\(total)"),
                warnings: [], for: 1)))
        }
        let job = try await TripFixture.claim(store, 1, now: paid + 400)
        try await store.commit(PipelineTrip(originals: originals, end: .archived), of: 1, lease: job.lease, now: paid + 400)
        let rows = try await entries(store, YearMonth(year: 2026, month: 10))
        #expect(rows.map(\.event) == [.payment, .refund])
        #expect(rows.first?.receipt?.fiscalSign == Sample.receipt().fiscalSign, "the payment's first receipt")
        #expect(rows.last?.receipt?.fiscalSign == "r300", "the first refund receipt when none has the amount")
        #expect(rows.last?.receiptURL == urls[0])
        #expect(rows.last?.amount == Sample.uzs(-100_00))
    }

    @Test(arguments: TestBackend.available) func vatBreakdownGroupsEqualRates(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let date = Sample.tashkent(2026, 10, 15)
        try await Sample.archive(store, 1, amount: 112_00, date: date, now: date)
        // VAT belongs to the month of the receipt's date: the sample receipt is dated 21 September 2026 although
        // its payment is in October.
        let lines = try await store.vatBreakdown(in: YearMonth(year: 2026, month: 9))
        // Both items are at 12 % ("12" and "12.0").
        #expect(lines.count == 1)
        #expect(lines.first?.rate == ExactDecimal(12))
        #expect(lines.first?.gross == Sample.uzs(112_00))
        #expect(lines.first?.itemCount == 2)
        #expect(lines.first?.vat == Sample.uzs(56_00 * 12 / 112 * 2))
        #expect(lines.first?.refundVAT == Sample.uzs(0))
        #expect(lines.first?.netVAT == Sample.uzs(56_00 * 12 / 112 * 2))
        // Its event is in another month's register: all of its VAT is flagged so.
        #expect(lines.first?.otherMonthVAT == lines.first?.vat)
        await #expect(try store.vatBreakdown(in: YearMonth(year: 2026, month: 10)).isEmpty)
    }

    /// A transaction with two sale receipts (the page was registered twice) counts in the VAT once: by its first
    /// sale receipt, the one its register row shows.
    @Test(arguments: TestBackend.available) func vatCountsATransactionsFirstSaleReceiptOnly(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let date = Sample.tashkent(2026, 9, 21, 12)
        _ = try await store.track([TrackRequest(id: 1, type: .payment)], now: date)
        let job = try await TripFixture.claim(store, 1, now: date)
        var originals: [PreparedOriginal] = []
        for (index, total) in [Int64(112_00), 224_00].enumerated() {
            var page = Sample.page("<html>sale \(index)</html>")
            page.url = "https://ofd.soliq.uz/epi?t=T&r=\(index)"
            originals.append(try PreparedOriginal(page, parsed: try ParsedOriginal(
                receipt: Sample.receipt(total: total, number: "\(index)"), warnings: [], for: 1)))
        }
        try await store.commit(
            PipelineTrip(
                payment: Sample.payment(112_00, date: date),
                links: .init(url: "https://ofd.soliq.uz/epi?t=T&r=0", refundURLs: []), originals: originals,
                end: .archived),
            of: 1, lease: job.lease, now: date)
        let lines = try await store.vatBreakdown(in: YearMonth(year: 2026, month: 9))
        #expect(lines.count == 1)
        #expect(lines.first?.gross == Sample.uzs(112_00))
        #expect(lines.first?.itemCount == 2)
        #expect(lines.first?.vat == Sample.uzs(56_00 * 12 / 112 * 2))
    }

    @Test(arguments: TestBackend.available) func vatBreakdownAddsUpEveryDayOfTheMonth(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        // Receipts on the first and last second of September and in between (Tashkent), one just after it.
        let days = [
            Sample.tashkent(2026, 9, 1), Sample.tashkent(2026, 9, 15, 12), Sample.tashkent(2026, 9, 30, 23, 59, 59),
            Sample.tashkent(2026, 10, 1),
        ]
        var expectedVAT: Int64 = 0
        for (index, day) in days.enumerated() {
            var receipt = Sample.receipt(total: 112_00 * Int64(index + 1), number: "\(index)")
            receipt.issuedAt = Date(timeIntervalSince1970: TimeInterval(day))
            if index < 3 { expectedVAT += receipt.vatTotal.minorUnits }
            try await Sample.archive(
                store, TransactionID(Int64(index + 1)), amount: 112_00 * Int64(index + 1), date: day, receipt: receipt,
                now: day)
        }
        let lines = try await store.vatBreakdown(in: YearMonth(year: 2026, month: 9))
        #expect(lines.count == 1)
        #expect(lines.first?.gross == Sample.uzs(112_00 * 6))
        #expect(lines.first?.itemCount == 6)
        #expect(lines.first?.vat == Sample.uzs(expectedVAT))
        #expect(lines.first?.otherMonthVAT == Sample.uzs(0))
        await #expect(try store.vatBreakdown(in: YearMonth(year: 2026, month: 10)).first?.itemCount == 2)
    }
}

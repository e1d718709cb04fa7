import Archive
import SQLiteArchive
import FiscalCore
import Foundation
import Reports
import Testing

/// The summary's figures come from the database (`SUM`/`COUNT … GROUP BY`): on a real archive of a mixed month
/// they equal the register's sums to the tiyin, and a report whose totals disagree with its register is refused.
@Suite("Monthly totals by the database")
struct DatabaseTotalsTests {
    static let october = Fixture.october

    static func receipt(
        _ kind: FiscalReceipt.Kind, _ id: Int64, total: String, items: [(String, ExactDecimal?)], at: Int64
    ) throws -> PreparedOriginal {
        let receiptItems = items.map { line, rate in
            let amount = Fixture.uzs(line)
            let vat = rate.map { Money(minorUnits: amount.minorUnits * $0.significand / (100 + $0.significand), currency: .uzs) }
            return ReceiptItem(
                name: "Item", quantity: ExactDecimal(1), lineTotal: amount, discount: .zero(.uzs), other: .zero(.uzs),
                vatRate: rate, vatAmount: vat ?? .zero(.uzs))
        }
        let vatTotal = receiptItems.reduce(Money.zero(.uzs)) { $0 + $1.vatAmount }
        let fiscal = FiscalReceipt(
            kind: kind, source: .json, terminalID: "UZ170000000001", receiptNumber: "\(id)-\(kind.rawValue)",
            fiscalSign: kind == .sale ? "\(id)9" : nil, issuedAt: Date(timeIntervalSince1970: TimeInterval(at)),
            seller: .init(name: "Shop", tin: "305123456", address: "Tashkent"), marketplace: nil, cashRegister: nil,
            items: receiptItems, payment: .init(cash: nil, card: Fixture.uzs(total)), total: Fixture.uzs(total),
            vatTotal: vatTotal)
        return try PreparedOriginal(
            OriginalDocument(
                bytes: Array("{\"id\":\(id),\"kind\":\"\(kind.rawValue)\",\"total\":\"\(total)\"}".utf8),
                url: "https://ofd.soliq.uz/check?id=\(id)&k=\(kind.rawValue)", httpStatus: 200,
                contentType: "application/json", fetchedAt: at + 60, format: .json),
            parsed: try ParsedOriginal(receipt: fiscal, warnings: [], for: TransactionID(id)))
    }

    static func transaction(
        _ id: Int64, _ type: TransactionType = .payment, amount: String, status: PaySysStatus = .completed, at: Int64,
        originals: [PreparedOriginal] = [], end: PipelineTrip.End = .archived,
        operations: [BulkTransaction.Operation] = [], rechecks: [(PaySysStatus, Int64)] = []
    ) -> BulkTransaction {
        let payment = PaymentSnapshot(amount: Fixture.uzs(amount), status: status, date: at, vendorOrderID: "O-\(id)")
        return BulkTransaction(
            request: TrackRequest(id: TransactionID(id), type: type, vendorOrderID: "O-\(id)"), trackedAt: at,
            trip: PipelineTrip(
                payment: payment, links: .init(url: "https://ofd.soliq.uz/epi?id=\(id)", refundURLs: []),
                originals: originals, end: end),
            tripAt: at + 300, operations: operations,
            rechecks: rechecks.map { status, time in
                var info = payment
                info.status = status
                return BulkTransaction.Recheck(info: info, at: time)
            })
    }

    static func operation(_ id: Int64, _ kind: OperationIntent.Kind, at: Int64, status: PaySysStatus) -> BulkTransaction.Operation {
        BulkTransaction.Operation(
            intent: OperationIntent(transactionID: TransactionID(id), kind: kind, user: "test"), createdAt: at - 5,
            outcome: .succeeded(status: status, mxID: "MX\(id)"), completedAt: at)
    }

    /// October 2026 with every kind of event, written through the archive's bulk import; the figures the tests
    /// expect are worked out by hand from these amounts.
    static func mixedArchive() async throws -> SQLiteArchiveStore {
        let archive = try SQLiteArchiveStore.temporary()
        let at = Fixture.at
        try await archive.importBulk([
            // A payment with a 12 % receipt, refunded in part through this tool, with its refund receipt.
            transaction(
                1, amount: "100000.00", at: at(2026, 10, 3, 10, 0, 0),
                originals: [
                    try receipt(.sale, 1, total: "100000.00", items: [("60000.00", ExactDecimal(12)), ("40000.00", ExactDecimal(0))],
                        at: at(2026, 10, 3, 10, 1, 0)),
                    try receipt(.refund, 1, total: "30000.00", items: [("30000.00", ExactDecimal(12))], at: at(2026, 10, 5, 9, 0, 0)),
                ],
                operations: [operation(1, .refund(Fixture.uzs("30000.00")), at: at(2026, 10, 5, 8, 0, 0), status: .completed)]),
            // A p2p transfer with a 0 % receipt.
            transaction(
                2, .p2p, amount: "50000.00", at: at(2026, 10, 4, 12, 0, 0),
                originals: [try receipt(.sale, 2, total: "50000.00", items: [("50000.00", ExactDecimal(0))], at: at(2026, 10, 4, 12, 2, 0))]),
            // Cancelled through this tool, no refund receipt.
            transaction(
                3, amount: "20000.00", at: at(2026, 10, 6, 9, 0, 0),
                originals: [try receipt(.sale, 3, total: "20000.00", items: [("20000.00", nil)], at: at(2026, 10, 6, 9, 1, 0))],
                operations: [operation(3, .cancel, at: at(2026, 10, 6, 18, 0, 0), status: .cancelled)]),
            // Refunded outside the tool (status 6 on re-check); its refund receipt of 15,000 tells the amount.
            transaction(
                4, amount: "40000.00", at: at(2026, 10, 10, 11, 0, 0),
                originals: [
                    try receipt(.sale, 4, total: "40000.00", items: [("40000.00", ExactDecimal(12))], at: at(2026, 10, 10, 11, 1, 0)),
                    try receipt(.refund, 4, total: "15000.00", items: [("15000.00", ExactDecimal(12))], at: at(2026, 10, 12, 9, 0, 0)),
                ],
                rechecks: [(.refunded, at(2026, 10, 12, 10, 0, 0))]),
            // Refunded outside the tool, no refund receipt: amount unknown (zero).
            transaction(
                5, amount: "10000.00", at: at(2026, 10, 15, 11, 0, 0),
                originals: [try receipt(.sale, 5, total: "10000.00", items: [("10000.00", ExactDecimal(12))], at: at(2026, 10, 15, 11, 1, 0))],
                rechecks: [(.refunded, at(2026, 10, 16, 10, 0, 0))]),
            // Never paid (status -1): in the register, not in the money received.
            transaction(
                6, amount: "5000.00", status: .error, at: at(2026, 10, 20, 11, 0, 0),
                end: .waiting(step: .paymentInfo, reason: "not paid", nextAttemptAt: at(2026, 10, 20, 12, 0, 0))),
            // Cancelled outside the tool (status 3 on re-check); its receipt is missing (waiting).
            transaction(
                7, amount: "7000.00", at: at(2026, 10, 31, 23, 0, 0),
                end: .waiting(step: .fetchReceipt, reason: "HTTP 404", nextAttemptAt: at(2026, 11, 1, 0, 0, 0)),
                rechecks: [(.cancelled, at(2026, 10, 31, 23, 30, 0))]),
            // Paid in September, refunded in October: only the refund is October's.
            transaction(
                8, amount: "9000.00", at: at(2026, 9, 30, 20, 0, 0),
                originals: [try receipt(.sale, 8, total: "9000.00", items: [("9000.00", ExactDecimal(12))], at: at(2026, 9, 30, 20, 1, 0))],
                operations: [operation(8, .refund(Fixture.uzs("1000.00")), at: at(2026, 10, 1, 0, 30, 0), status: .completed)]),
        ])
        return archive
    }

    @Test("on a mixed month the database's totals equal the hand-worked figures and the streamed register's sums")
    func totalsEqualRegister() async throws {
        let archive = try await Self.mixedArchive()
        await #expect(try archive.verify().problems.isEmpty)
        let totals = try await archive.monthlyTotals(in: Self.october)
        // By hand: payments 1, 3, 4, 5, 6, 7; p2p 2; refunds 1 (-30,000), 4 (-15,000 from its receipt), 5 (0), 8
        // (-1,000); cancellations 3 (-20,000), 7 (-7,000).
        #expect(totals.eventCount == 13)
        #expect(totals.total(of: .payment, in: .uzs).count == 6)
        #expect(totals.total(of: .payment, in: .uzs).amount == Fixture.uzs("182000.00"))
        #expect(totals.total(of: .p2p, in: .uzs).count == 1)
        #expect(totals.total(of: .p2p, in: .uzs).amount == Fixture.uzs("50000.00"))
        #expect(totals.total(of: .refund, in: .uzs).count == 4)
        #expect(totals.total(of: .refund, in: .uzs).amount == Fixture.uzs("-46000.00"))
        #expect(totals.total(of: .cancellation, in: .uzs).count == 2)
        #expect(totals.total(of: .cancellation, in: .uzs).amount == Fixture.uzs("-27000.00"))
        let notPaid = totals.groups.filter(\.notPaid)
        #expect(notPaid.map(\.count) == [1])
        #expect(notPaid.map(\.amount) == [Fixture.uzs("5000.00")])
        #expect(totals.groups.first { $0.event == .cancellation && $0.day == 31 }?.amount == Fixture.uzs("-7000.00"))

        // The same figures summed from the streamed register, group by group.
        var streamed: [String: (count: Int, amount: Int64)] = [:]
        try await archive.forEachRegisterEntry(in: Self.october) { entry in
            let day = Int((entry.occurredAt - Self.october.startEpochSeconds) / 86_400) + 1
            let notPaid = (entry.event == .payment || entry.event == .p2p) && (entry.status == .error || entry.status == .created)
            let key = "\(entry.event.rawValue) \(entry.amount.currency.rawValue) \(day) \(notPaid)"
            let sum = streamed[key] ?? (0, 0)
            streamed[key] = (sum.count + 1, sum.amount + entry.amount.minorUnits)
        }
        #expect(streamed.count == totals.groups.count)
        for group in totals.groups {
            let key = "\(group.event.rawValue) \(group.currency.rawValue) \(group.day) \(group.notPaid)"
            #expect(streamed[key]?.count == group.count, "\(key)")
            #expect(streamed[key]?.amount == group.amount.minorUnits, "\(key)")
        }
    }

    @Test("the summary of every format is the database's totals, equal to the CSV register's column sums")
    func summaryEqualsCSV() async throws {
        let archive = try await Self.mixedArchive()
        let snapshot = try await archive.registerSnapshot()
        let directory = try Fixture.temporaryDirectory()
        let generator = ReportGenerator()
        let csv = try await generator.writeCSV(month: Self.october, source: snapshot, asOf: Fixture.asOf, to: directory + "/m.csv")
        let html = try await generator.writeHTML(
            month: Self.october, source: snapshot, language: .en, asOf: Fixture.asOf, to: directory + "/m.html")
        let xlsx = try await generator.writeXLSX(
            month: Self.october, source: snapshot, language: .en, asOf: Fixture.asOf, to: directory + "/m.xlsx")
        #expect(html.summary == csv.summary)
        #expect(xlsx.summary == csv.summary)
        let uzs = try #require(csv.summary.totals(for: .uzs))
        #expect(uzs.registerTotal == Fixture.uzs("159000.00"))
        #expect(uzs.notPaid == .init(count: 1, amount: Fixture.uzs("5000.00")))
        #expect(uzs.net == Fixture.uzs("154000.00"))
        #expect(uzs.totals(for: .refund) == .init(count: 4, amount: Fixture.uzs("-46000.00")))

        // Σ of the CSV's amount column, read back from the file, to the tiyin.
        let (header, rows) = try CSVReader.read(directory + "/m.csv")
        let amount = try #require(header.firstIndex(of: "amount"))
        let sum = try rows.reduce(Int64(0)) { total, row in
            let text = row[amount]
            let negative = text.hasPrefix("-")
            let parts = text.drop { $0 == "-" }.split(separator: ".")
            let minor = try #require(Int64(parts[0])) * 100 + (parts.count > 1 ? try #require(Int64(parts[1])) : 0)
            return total + (negative ? -minor : minor)
        }
        #expect(rows.count == 13)
        #expect(sum == uzs.registerTotal.minorUnits)
    }

    /// A source whose totals are one tiyin off its register (a damaged index, a broken backend).
    struct SkewedSource: MonthlyTotalsReader {
        let inner: any RegisterReader

        func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) async throws {
            try await inner.forEachRegisterEntry(in: month, body)
        }
        func vatBreakdown(in month: YearMonth) async throws(ArchiveError) -> [VATLine] {
            try await inner.vatBreakdown(in: month)
        }
        func chainHead() async throws(ArchiveError) -> String { try await inner.chainHead() }
        func lastChangeAt() async throws(ArchiveError) -> Int64? { try await inner.lastChangeAt() }
        func monthlyTotals(in month: YearMonth) async throws(ArchiveError) -> MonthlyTotals {
            guard let database = inner as? any MonthlyTotalsReader else {
                throw ArchiveError(.invalid, "the snapshot does not total its month")
            }
            var totals = try await database.monthlyTotals(in: month)
            totals.groups[0].amount += Money(minorUnits: 1, currency: .uzs)
            return totals
        }
    }

    @Test("totals one tiyin off the register refuse the report, naming the figure, and leave no file", arguments: ["csv", "html", "xlsx"])
    func skewedTotalsRefused(format: String) async throws {
        let archive = try await Self.mixedArchive()
        let source = await SkewedSource(inner: try archive.registerSnapshot())
        let path = try Fixture.temporaryDirectory() + "/m.\(format)"
        let generator = ReportGenerator()
        do {
            switch format {
            case "csv": _ = try await generator.writeCSV(month: Self.october, source: source, asOf: Fixture.asOf, to: path)
            case "html": _ = try await generator.writeHTML(month: Self.october, source: source, language: .en, asOf: Fixture.asOf, to: path)
            default: _ = try await generator.writeXLSX(month: Self.october, source: source, language: .en, asOf: Fixture.asOf, to: path)
            }
            Issue.record("the report was written")
        } catch let error as ReportError {
            #expect(error.code == .totalsDiffer)
            #expect(error.message.contains("cancellation"))
            #expect(error.message.contains("in the totals"))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }

    @Test("a bulk import of an id already tracked writes nothing and names the id")
    func bulkConflict() async throws {
        let archive = try await Self.mixedArchive()
        let before = try await archive.chainHead()
        await #expect(throws: ArchiveError.self) {
            try await archive.importBulk([
                Self.transaction(100, amount: "1.00", at: Fixture.at(2026, 10, 2)),
                Self.transaction(3, amount: "1.00", at: Fixture.at(2026, 10, 2)),
            ])
        }
        do {
            try await archive.importBulk([Self.transaction(3, amount: "1.00", at: Fixture.at(2026, 10, 2))])
        } catch {
            #expect("\(error)".contains("3"))
        }
        await #expect(try archive.chainHead() == before)
        await #expect(try archive.transaction(TransactionID(100)) == nil)
    }
}

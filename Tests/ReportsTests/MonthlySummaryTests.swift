import Archive
import FiscalCore
import Foundation
import Reports
import Testing

@Suite("Monthly summary")
struct MonthlySummaryTests {
    @Test("The golden October: totals per event type and currency, never mixed; net; VAT by rate")
    func goldenTotals() async throws {
        let summary = try await ReportGenerator().summarize(month: Fixture.october, source: Fixture.goldenMonth, asOf: Fixture.asOf)
        #expect(summary.eventCount == 8)
        #expect(summary.currencies.map(\.currency) == [.uzs, .usd])
        let uzs = try #require(summary.totals(for: .uzs))
        #expect(uzs.totals(for: .payment) == .init(count: 3, amount: Fixture.uzs("173000.00")))
        #expect(uzs.totals(for: .p2p) == .init(count: 1, amount: Fixture.uzs("50000.00")))
        #expect(uzs.totals(for: .refund) == .init(count: 2, amount: Fixture.uzs("-60000.00")))
        #expect(uzs.totals(for: .cancellation) == .init(count: 1, amount: Fixture.uzs("-50000.00")))
        #expect(uzs.registerTotal == Fixture.uzs("113000.00"))
        #expect(uzs.net == Fixture.uzs("113000.00"))
        let usd = try #require(summary.totals(for: .usd))
        #expect(usd.totals(for: .payment) == .init(count: 1, amount: Fixture.money("1000.22", .usd)))
        #expect(usd.registerTotal == Fixture.money("1000.22", .usd))
        #expect(summary.vat.map(\.rate) == [ExactDecimal(12), ExactDecimal(0)])
        #expect(summary.chainHead == Fixture.goldenMonth.head)
        #expect(summary.asOf == Fixture.asOf)
        // Day by day: the 1st has the 00:00:30 payment, the 31st the 23:59 one.
        #expect(uzs.days.count == 31)
        #expect(uzs.days[0].inflow == .init(count: 1, amount: Fixture.uzs("150000.00")))
        #expect(uzs.days[30].inflow == .init(count: 1, amount: Fixture.uzs("20000.00")))
        #expect(uzs.days[11].outflow == .init(count: 1, amount: Fixture.uzs("-50000.00")))
        #expect(usd.days[9].inflow.amount == Fixture.money("1000.22", .usd))
    }

    @Test("Payments never paid (error, created) count in the register but not in the net")
    func notPaid() async throws {
        let source = InMemoryRegisterReader(entries: [
            Fixture.entry(1, .payment, id: 1, at: Fixture.at(2026, 10, 2), amount: Fixture.uzs("100.00"),
                          receipt: Fixture.receipt(total: Fixture.uzs("100.00"), vat: .zero(.uzs))),
            Fixture.entry(2, .payment, id: 2, at: Fixture.at(2026, 10, 2), amount: Fixture.uzs("40.00"),
                          status: .error, state: "failed", reason: "payment failed"),
            Fixture.entry(3, .p2p, id: 3, at: Fixture.at(2026, 10, 2), amount: Fixture.uzs("2.00"), status: .created),
        ])
        let summary = try await ReportGenerator().summarize(month: Fixture.october, source: source, asOf: Fixture.asOf)
        let uzs = try #require(summary.totals(for: .uzs))
        #expect(uzs.registerTotal == Fixture.uzs("142.00"))
        #expect(uzs.notPaid == .init(count: 2, amount: Fixture.uzs("42.00")))
        #expect(uzs.net == Fixture.uzs("100.00"))
        #expect(summary.exceptions.total == 0)  // no receipt is due for money never taken
    }

    @Test("Each kind of exception is detected, with why, the deadline and the mismatch")
    func exceptionKinds() async throws {
        let summary = try await ReportGenerator().summarize(month: Fixture.october, source: Fixture.goldenMonth, asOf: Fixture.asOf)
        let exceptions = summary.exceptions
        #expect(exceptions.count(of: .missingReceipt) == 2)
        #expect(exceptions.count(of: .receiptTotalMismatch) == 1)
        #expect(exceptions.count(of: .cancellationWithoutRefundReceipt) == 1)
        #expect(exceptions.count(of: .refundWithoutRefundReceipt) == 1)
        #expect(exceptions.count(of: .unknownStatus) == 1)
        #expect(exceptions.total == 6)
        #expect(!exceptions.isTruncated)

        let missing = exceptions.details.filter { $0.kind == .missingReceipt }
        #expect(missing.map(\.transactionID) == [11_424_158, 11_424_160])
        #expect(missing.map(\.missingReason) == [.waiting, .failed])
        #expect(missing.last?.pipelineReason == "receipt page not found")

        let mismatch = try #require(exceptions.details.first { $0.kind == .receiptTotalMismatch })
        #expect(mismatch.transactionID == 11_424_159)
        #expect(mismatch.receiptTotal == Fixture.uzs("19000.00"))
        #expect(mismatch.amount == Fixture.uzs("20000.00"))

        let refund = try #require(exceptions.details.first { $0.kind == .refundWithoutRefundReceipt })
        #expect(refund.transactionID == 11_424_100)
        #expect(refund.deadline == Tashkent.LocalDateTime(year: 2026, month: 11, day: 10))
        #expect(!refund.isOverdue)
        let cancellation = try #require(exceptions.details.first { $0.kind == .cancellationWithoutRefundReceipt })
        #expect(cancellation.transactionID == 11_424_157)

        let unknown = try #require(exceptions.details.first { $0.kind == .unknownStatus })
        #expect(unknown.status.rawValue == 7)
    }

    @Test("A refund receipt is overdue from the 11th of the next month on", arguments: [
        (Fixture.at(2026, 11, 10, 23, 59, 59), false),
        (Fixture.at(2026, 11, 11, 0, 0, 0), true),
    ])
    func overdue(asOf: Int64, expected: Bool) {
        let entry = Fixture.entry(1, .refund, id: 1, at: Fixture.at(2026, 10, 31, 23, 0), amount: Fixture.uzs("-1.00"),
                                  status: .refunded, related: Fixture.at(2026, 10, 1))
        let found = ReportException.detect(in: entry, month: Fixture.october, asOf: asOf)
        #expect(found.map(\.kind) == [.refundWithoutRefundReceipt])
        #expect(found.first?.isOverdue == expected)
    }

    @Test("Why a receipt is missing", arguments: [
        ("waiting", "not registered yet", ReportException.MissingReason.waiting),
        ("failed", "receipt page not found", .failed),
        ("waiting", "spa shell, no JSON fallback configured", .spaShell),
        ("failed", "SPA-shell", .spaShell),
        ("link_fetched", nil, .inProgress("link_fetched")),
    ] as [(String, String?, ReportException.MissingReason)])
    func missingReasons(state: String, reason: String?, expected: ReportException.MissingReason) {
        #expect(ReportException.missingReason(state: state, reason: reason) == expected)
    }

    @Test("Exception details are capped in memory; the counts stay exact")
    func cap() async throws {
        var entries: [RegisterEntry] = []
        for index in 0..<250 {
            entries.append(Fixture.entry(Int64(index), .payment, id: Int64(index + 1), at: Fixture.at(2026, 10, 5) + Int64(index),
                                         amount: Fixture.uzs("1.00"), state: "waiting"))
        }
        let generator = ReportGenerator(exceptionDetailLimit: 100)
        let summary = try await generator.summarize(month: Fixture.october, source: InMemoryRegisterReader(entries: entries),
                                              asOf: Fixture.asOf)
        #expect(summary.exceptions.total == 250)
        #expect(summary.exceptions.details.count == 100)
        #expect(summary.exceptions.isTruncated)
        #expect(summary.exceptions.details.first?.transactionID == 1)
    }

    @Test("A source that streams an event outside the month is refused")
    func outsideMonth() async throws {
        let source = UnfilteredRegisterReader(entries: [
            Fixture.entry(1, .payment, id: 1, at: Fixture.at(2026, 11, 1, 0, 0, 30), amount: Fixture.uzs("1.00")),
        ])
        await #expect(throws: ReportError.self) {
            _ = try await ReportGenerator().summarize(month: Fixture.october, source: source, asOf: Fixture.asOf)
        }
        let directory = try Fixture.temporaryDirectory()
        await #expect(throws: ReportError.self) {
            _ = try await ReportGenerator().writeCSV(month: Fixture.october, source: source, asOf: Fixture.asOf,
                                               to: directory + "/x.csv")
        }
        // Nothing is left behind: neither the file nor its partial.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test("Register and summary reconcile on random months, per event type and currency, to the tiyin",
          arguments: [1 as UInt64, 2, 3, 42])
    func reconciliation(seed: UInt64) async throws {
        let month = Fixture.october
        let source = RandomMonth.make(month: month, count: 3_000, seed: seed)
        let directory = try Fixture.temporaryDirectory()
        let csv = try await ReportGenerator().writeCSV(month: month, source: source, asOf: Fixture.asOf, to: directory + "/r.csv")
        let html = try await ReportGenerator().writeHTML(month: month, source: source, language: .en, asOf: Fixture.asOf,
                                                   to: directory + "/r.html")
        #expect(csv.summary == html.summary)

        // Independent calculation straight from the source's entries.
        var expected: [String: Int64] = [:]
        var expectedCounts: [String: Int] = [:]
        for entry in source.entries where month.contains(epochSeconds: entry.occurredAt) {
            let key = "\(entry.event.rawValue)/\(entry.amount.currency.alphaCode)"
            expected[key, default: 0] += entry.amount.minorUnits
            expectedCounts[key, default: 0] += 1
        }
        // Sums of the CSV register.
        var register: [String: Int64] = [:]
        var registerCounts: [String: Int] = [:]
        let rows = try CSVReader.read(csv.path).rows
        for row in rows {
            let currency = try #require(Currency(code: row[5]))
            let amount = try Money(parsing: row[4], currency: currency)
            let key = "\(row[0])/\(row[5])"
            register[key, default: 0] += amount.minorUnits
            registerCounts[key, default: 0] += 1
        }
        // The summary's figures.
        var summarised: [String: Int64] = [:]
        var summarisedCounts: [String: Int] = [:]
        for totals in csv.summary.currencies {
            for event in RegisterEntry.Event.allCases where totals.totals(for: event).count > 0 {
                let key = "\(event.rawValue)/\(totals.currency.alphaCode)"
                summarised[key] = totals.totals(for: event).amount.minorUnits
                summarisedCounts[key] = totals.totals(for: event).count
            }
            #expect(totals.registerTotal.minorUnits
                    == RegisterEntry.Event.allCases.reduce(0) { $0 + totals.totals(for: $1).amount.minorUnits })
            #expect(totals.days.reduce(0) { $0 + $1.net.minorUnits } == totals.registerTotal.minorUnits)
        }
        #expect(register == expected)
        #expect(registerCounts == expectedCounts)
        #expect(summarised == expected)
        #expect(summarisedCounts == expectedCounts)
        #expect(rows.count == csv.rowCount)
        #expect(html.rowCount == csv.rowCount)
        #expect(expected.keys.contains("refund/USD") || expected.keys.contains("refund/EUR"))
    }
}

import Archive
import FiscalCore
import Foundation
import Operations
import Reports
import Sandbox
import Testing

/// The whole way: sandbox → sync → refunds and cancels → CSV register, checked against an independent
/// calculation from the sandbox's own ledger.
@Suite("Monthly reports from a synced archive")
struct MonthlyReportIntegrationTests {
    /// Reads a register CSV the simple way (the test data has no quoted commas in amounts) and sums `amount` per
    /// event kind, in minor units.
    private func sums(csv path: String) throws -> (header: String, rows: Int, byEvent: [String: Int64], times: [String]) {
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        var byEvent: [String: Int64] = [:]
        var times: [String] = []
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let amount = try Money(parsing: cells[4], currency: .uzs).minorUnits
            byEvent[cells[0], default: 0] += amount
            times.append(cells[3])
        }
        return (lines.first ?? "", lines.count - 1, byEvent, times)
    }

    @Test("register sums per event type match the sandbox's ledger to the tiyin, across month boundaries")
    func reconcile() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 40, recentTransactionCount: 4)) { harness in
            let world = harness.sandbox.world
            // Either side of a Tashkent month end: 23:59:59 on 31 Oct 2025 and 00:00:30 on 1 Nov 2025
            // (18:59:59 and 19:00:30 UTC, the same UTC day).
            let lastMinute = Tashkent.LocalDateTime(year: 2025, month: 10, day: 31, hour: 23, minute: 59, second: 59).epochSeconds
            let firstMinute = Tashkent.LocalDateTime(year: 2025, month: 11, day: 1, hour: 0, minute: 0, second: 30).epochSeconds
            let before = await world.addTransaction(amount: Money(minorUnits: 12_345_600, currency: .uzs), date: lastMinute)
            let after = await world.addTransaction(type: .p2p, amount: Money(minorUnits: 7_700_000, currency: .uzs), date: firstMinute)
            let transactions = try await harness.trackAll()
            _ = try await harness.engine().run()

            // Operations today: partial refunds of old payments (including the October edge one), cancels of
            // recent ones, and one refused over-refund.
            let service = harness.operations()
            let paidOld = transactions.filter {
                $0.status == .completed && $0.type == .payment && Int64(Date().timeIntervalSince1970) - $0.date > 8 * 86_400
            }
            var refunded: Int64 = 0
            for transaction in [before] + paidOld.prefix(3) {
                let amount = Money(minorUnits: transaction.amount.minorUnits / 4 + 1, currency: .uzs)
                _ = try await service.execute(try await service.planRefund(transaction.id, amount: amount))
                refunded += amount.minorUnits
            }
            await #expect(throws: OperationRefusal.self) {
                _ = try await service.planRefund(before.id, amount: before.amount)
            }
            var cancelled: Int64 = 0
            let recent = transactions.filter {
                $0.status == .completed && Int64(Date().timeIntervalSince1970) - $0.date < 6 * 86_400
            }
            for transaction in recent.prefix(2) {
                _ = try await service.execute(try await service.planCancel(transaction.id))
                cancelled += transaction.amount.minorUnits
            }
            _ = try await harness.engine().run()

            // Expected, from the sandbox alone.
            var expected: [YearMonth: [String: Int64]] = [:]
            for transaction in transactions {
                let month = YearMonth(containingEpochSeconds: transaction.date)
                expected[month, default: [:]][transaction.type.rawValue, default: 0] += transaction.amount.minorUnits
            }
            let ledger = await world.ledger
            for entry in ledger {
                let month = YearMonth(containingEpochSeconds: entry.appliedAt)
                let kind = entry.kind == .cancel ? "cancellation" : "refund"
                expected[month, default: [:]][kind, default: 0] -= entry.amount.minorUnits
            }
            #expect(ledger.filter { $0.kind != .cancel }.reduce(0) { $0 + $1.amount.minorUnits } == refunded)
            #expect(ledger.filter { $0.kind == .cancel }.reduce(0) { $0 + $1.amount.minorUnits } == cancelled)

            let directory = Harness.temporaryPath("reports")
            for (month, sumsByEvent) in expected {
                let result = try MonthlyExport.write(month: month, archive: harness.archive, directory: directory, language: .en)
                let register = try sums(csv: result.csv.path)
                #expect(register.header == RegisterCSV.columns.joined(separator: ","))
                #expect(register.byEvent.filter { $0.value != 0 } == sumsByEvent.filter { $0.value != 0 }, "\(month)")
                #expect(register.times.allSatisfy { $0.hasSuffix("+05:00") && $0.hasPrefix(month.description) }, "\(month)")
                // the summary says the same as the register
                let summary = try #require(result.csv.summary.totals(for: .uzs))
                for (event, total) in sumsByEvent {
                    let kind = try #require(RegisterEntry.Event(rawValue: event))
                    #expect(summary.totals(for: kind).amount.minorUnits == total, "\(month) \(event)")
                }
                // reruns are byte-identical
                let again = try MonthlyExport.write(month: month, archive: harness.archive, directory: directory, language: .en)
                #expect(again.csv.sha256Hex == result.csv.sha256Hex)
                #expect(again.html.sha256Hex == result.html.sha256Hex)
            }
            // The edge transactions land on their own sides of the month end.
            #expect(expected[YearMonth(year: 2025, month: 10)]?["payment"] == before.amount.minorUnits)
            #expect(expected[YearMonth(year: 2025, month: 11)]?["p2p"] == after.amount.minorUnits)
        }
    }
}

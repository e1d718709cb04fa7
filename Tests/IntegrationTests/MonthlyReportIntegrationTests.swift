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
                let result = try await MonthlyExport.export(month: month, archive: harness.archive, directory: directory, language: .en)
                #expect(result.revision == 1 && result.isNew)
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
                // An unchanged month is not exported again.
                let again = try await MonthlyExport.export(month: month, archive: harness.archive, directory: directory, language: .en)
                #expect(!again.isNew && again.revision == 1)
                #expect(again.csv.sha256Hex == result.csv.sha256Hex)
                #expect(again.html.sha256Hex == result.html.sha256Hex)
                #expect(!FileManager.default.fileExists(atPath: directory + "/\(month).r2.csv"))

                // VAT by receipt date nets sales and refunds, and reconciles with the register: the register's
                // VAT of rows whose receipt is dated in the month, plus the VAT of this month's receipts whose
                // events lie in other months, is the VAT table's net.
                let vat = try await harness.archive.vatBreakdown(in: month)
                var registerVAT: Int64 = 0
                try await harness.archive.forEachRegisterEntry(in: month) { entry in
                    guard let receipt = entry.receipt, let issued = receipt.issuedAt,
                        YearMonth(containingEpochSeconds: issued) == month
                    else { return }
                    // Refund and cancellation rows carry refund receipts, printed with positive VAT.
                    let vatAmount = receipt.vatAmount.minorUnits
                    registerVAT += entry.event == .payment || entry.event == .p2p ? vatAmount : -abs(vatAmount)
                }
                let net = vat.reduce(Int64(0)) { $0 + $1.netVAT.minorUnits }
                let other = vat.reduce(Int64(0)) { $0 + $1.otherMonthVAT.minorUnits }
                #expect(net - other == registerVAT, "\(month): \(vat)")
                if sumsByEvent["refund", default: 0] != 0 {
                    #expect(vat.contains { $0.refundVAT.minorUnits < 0 }, "\(month): refund receipts must net VAT")
                }
            }
            // The October edge payment is at 23:59:59; its receipt is dated 23:59 too: same month, no exception.
            // The edge transactions land on their own sides of the month end.
            #expect(expected[YearMonth(year: 2025, month: 10)]?["payment"] == before.amount.minorUnits)
            #expect(expected[YearMonth(year: 2025, month: 11)]?["p2p"] == after.amount.minorUnits)
        }
    }

    @Test("an export is never overwritten: a late transaction makes revision 2, which names the change")
    func revisions() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 12, recentTransactionCount: 0)) { harness in
            let world = harness.sandbox.world
            let month = harness.sandbox.configuration.month
            _ = try await harness.trackAll()
            _ = try await harness.engine().run()
            let directory = Harness.temporaryPath("exports")
            let first = try await MonthlyExport.export(month: month, archive: harness.archive, directory: directory, language: .en)
            #expect(first.revision == 1 && first.isNew)
            let files = ["\(month).csv", "\(month).csv.sha256", "\(month).html", "\(month).html.sha256"]
            let before = try files.map { try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0)) }

            // A payment of that month is tracked and archived late.
            let late = await world.addTransaction(
                amount: Money(minorUnits: 4_321_000, currency: .uzs), date: month.startEpochSeconds + 86_400 * 3)
            _ = try await harness.archive.track([TrackRequest(id: late.id, type: .payment)], now: Int64(Date().timeIntervalSince1970))
            _ = try await harness.engine().run()

            // Exporting the next month first re-exports the changed month and lists the correction.
            let next = try await MonthlyExport.export(month: month.next, archive: harness.archive, directory: directory, language: .en)
            #expect(next.corrections.map(\.month) == [month])
            #expect(next.corrections.first?.revision == 2)
            let nextHTML = try String(contentsOfFile: next.html.path, encoding: .utf8)
            #expect(nextHTML.contains("Corrections to earlier months"))
            #expect(nextHTML.contains("\(month).r2.html"))
            #expect(nextHTML.contains("\(late.id)"))

            let second = try await MonthlyExport.export(month: month, archive: harness.archive, directory: directory, language: .en)
            #expect(second.revision == 2 && !second.isNew)
            #expect(second.csv.path.hasSuffix("/\(month).r2.csv"))
            #expect(second.html.path.hasSuffix("/\(month).r2.html"))
            let changes = try #require(next.corrections.first?.changes)
            #expect(changes.count(of: .added) == 1)
            #expect(changes.count(of: .removed) == 0)
            #expect(changes.count(of: .changed) == 0)
            #expect(changes.details.first?.transactionID == "\(late.id)")
            let listed = try String(contentsOfFile: directory + "/\(month).r2.changes.csv", encoding: .utf8)
            #expect(listed.contains("added,payment,\(late.id),"))
            let html = try String(contentsOfFile: second.html.path, encoding: .utf8)
            #expect(html.contains("Changes since revision 1"))
            // Revision 1 is untouched, byte for byte.
            let after = try files.map { try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0)) }
            #expect(after == before)
            // Nothing changed since: no revision 3, and the next month's export lists no correction again.
            #expect(!FileManager.default.fileExists(atPath: directory + "/\(month).r3.csv"))
            await #expect(try MonthlyExport.export(month: month.next, archive: harness.archive, directory: directory, language: .en).corrections.isEmpty)
        }
    }
}

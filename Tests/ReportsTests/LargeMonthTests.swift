import Archive
import FiscalCore
import Foundation
import Reports
import Testing

/// A month too large for one web page keeps its whole summary but shows a bounded register and bounded exceptions,
/// and says where the rest is.
@Suite("HTML report of a large month")
struct LargeMonthTests {
    /// `count` payments on 5 October, the even ones without a receipt (each one exception), the odd ones with a
    /// receipt dated the next month (another kind).
    private func month(_ count: Int) -> InMemoryRegisterReader {
        var entries: [RegisterEntry] = []
        for index in 0..<count {
            let receipt = index % 2 == 1
                ? RegisterEntry.ReceiptSummary(
                    fiscalSign: "1", terminalID: "T", receiptNumber: "\(index)", total: Fixture.uzs("1.00"),
                    vatAmount: Fixture.uzs("0.00"), commissionerTIN: nil, kind: .sale,
                    issuedAt: Fixture.at(2026, 11, 1, 0, 5))
                : nil
            entries.append(Fixture.entry(
                Int64(index), .payment, id: Int64(1000 + index), at: Fixture.at(2026, 10, 5) + Int64(index),
                amount: Fixture.uzs("1.00"), receipt: receipt, state: receipt == nil ? "waiting" : "archived"))
        }
        return InMemoryRegisterReader(entries: entries)
    }

    private func html(_ source: InMemoryRegisterReader, rows: Int, exceptions: Int, fullRegister: [WrittenReport] = [])
        async throws -> (WrittenReport, String)
    {
        let path = try Fixture.temporaryDirectory() + "/2026-10.html"
        let generator = ReportGenerator(exceptionDetailLimit: exceptions, htmlRegisterRowLimit: rows)
        let written = try await generator.writeHTML(
            month: Fixture.october, source: source, language: .en, asOf: Fixture.asOf, to: path, fullRegister: fullRegister)
        return (written, try String(contentsOfFile: path, encoding: .utf8))
    }

    private func registerRows(_ html: String) -> Int {
        guard let start = html.range(of: "<table class=\"register\">") else { return 0 }
        return html[start.upperBound...].components(separatedBy: "<td class=\"num muted\">").count - 1
    }

    @Test("the register stops at the row limit and names the full register with its checksum")
    func registerCut() async throws {
        let source = month(40)
        let csvPath = try Fixture.temporaryDirectory() + "/2026-10.csv"
        let csv = try await ReportGenerator().writeCSV(month: Fixture.october, source: source, asOf: Fixture.asOf, to: csvPath)
        let (written, text) = try await html(source, rows: 7, exceptions: 100, fullRegister: [csv])
        #expect(registerRows(text) == 7)
        #expect(written.rowCount == 40)
        #expect(text.contains("The first 7 of 40 rows are shown here."))
        #expect(text.contains("The full register is in 2026-10.csv beside this file (SHA-256 \(csv.sha256Hex))."))
        // The summary still covers the whole month.
        #expect(written.summary.eventCount == 40)
        #expect(text.contains("40.00"))
    }

    @Test("without files beside it, the cut register names the command that writes it")
    func registerCutWithoutFiles() async throws {
        let (_, text) = try await html(month(12), rows: 5, exceptions: 100)
        #expect(registerRows(text) == 5)
        #expect(text.contains("fiscal-archive report --month 2026-10 --format csv"))
    }

    @Test("a month under the limit is whole and says nothing about cutting")
    func smallMonth() async throws {
        let (_, text) = try await html(month(12), rows: 12, exceptions: 100)
        #expect(registerRows(text) == 12)
        #expect(!text.contains("rows are shown here"))
    }

    @Test("exceptions: exact counts per kind, the first N of each listed")
    func exceptionsPerKind() async throws {
        let (written, text) = try await html(month(30), rows: 100, exceptions: 4)
        let exceptions = written.summary.exceptions
        #expect(exceptions.count(of: .missingReceipt) == 15)
        #expect(exceptions.count(of: .receiptInAnotherMonth) == 15)
        #expect(exceptions.details.filter { $0.kind == .missingReceipt }.count == 4)
        #expect(exceptions.details.filter { $0.kind == .receiptInAnotherMonth }.count == 4)
        // The first of each kind, in register order.
        #expect(exceptions.details.filter { $0.kind == .missingReceipt }.map(\.transactionID.rawValue) == [1000, 1002, 1004, 1006])
        #expect(text.contains("Showing the first 4 of each kind, 30 in all."))
        #expect(text.contains("the receipt is dated 2026-11-01"))
    }
}

import Archive
import FiscalCore
import Foundation
import Reports
import Spreadsheet
import Testing

/// `report --format xlsx`: the workbook's register must say what the CSV register says, cell for cell.
@Suite("XLSX report")
struct XLSXReportTests {
    static let dateColumns: Set<String> = ["occurred_at", "related_transaction_date"]
    static let amountColumns: Set<String> = ["amount", "receipt_total", "vat_amount"]

    /// A spreadsheet serial (days since 1899-12-30, fraction of a day) as ISO 8601 Tashkent time, computed on the
    /// decimal digits: the inverse of what the writer does, written independently.
    static func iso8601(serial: String) throws -> String {
        let parts = serial.split(separator: ".", maxSplits: 1)
        let days = try #require(Int64(parts[0])) - 25_569
        var seconds: Int64 = 0
        if parts.count == 2 {
            let digits = String(parts[1].prefix(10)).padding(toLength: 10, withPad: "0", startingAt: 0)
            let fraction = try #require(Int64(digits))
            seconds = (fraction * 86_400 + 5_000_000_000) / 10_000_000_000
        }
        let local = days * 86_400 + seconds
        return Tashkent.iso8601(epochSeconds: local - Tashkent.offsetSeconds)
    }

    func write(_ source: InMemoryRegisterReader, month: YearMonth, language: ReportLanguage = .en) async throws
        -> (xlsx: [UInt8], csv: (header: [String], rows: [[String]]))
    {
        let directory = try Fixture.temporaryDirectory()
        let generator = ReportGenerator()
        let written = try await generator.writeXLSX(
            month: month, source: source, language: language, asOf: Fixture.asOf, to: directory + "/m.xlsx")
        _ = try await generator.writeCSV(month: month, source: source, asOf: Fixture.asOf, to: directory + "/m.csv")
        let sha = try String(contentsOfFile: directory + "/m.xlsx.sha256", encoding: .utf8)
        #expect(sha == "\(written.sha256Hex)  m.xlsx\n")
        return (try readBytes(directory + "/m.xlsx"), try CSVReader.read(directory + "/m.csv"))
    }

    func expectRegistersAgree(xlsx: [UInt8], csv: (header: [String], rows: [[String]])) throws {
        let register = try XLSXReader.read(xlsx, sheet: "Register")
        #expect(register.rows.count == csv.rows.count + 1)
        for (row, csvRow) in zip(register.rows.dropFirst(), csv.rows) {
            for (index, column) in csv.header.enumerated() {
                let cell = index < row.cells.count ? row.cells[index] : ""
                var expected = csvRow[index]
                if Self.dateColumns.contains(column), !cell.isEmpty {
                    #expect(try Self.iso8601(serial: cell) == expected, "row \(row.number) \(column)")
                    continue
                }
                if Self.amountColumns.contains(column) { expected = NumericText.exact(expected) }
                // The CSV guards formula-like text with a leading '; workbook text cells need no guard.
                if expected.hasPrefix("'"), let first = expected.dropFirst().first, "=+-@\t\r".contains(first) {
                    expected.removeFirst()
                }
                #expect(cell == expected, "row \(row.number) \(column)")
            }
        }
    }

    @Test("the hand-built October: register equal to the CSV, all four sheets, labels in Russian")
    func golden() async throws {
        let (xlsx, csv) = try await write(Fixture.goldenMonth, month: Fixture.october, language: .ru)
        try expectRegistersAgree(xlsx: xlsx, csv: csv)
        let summary = try XLSXReader.read(xlsx)
        #expect(summary.sheetNames == ["Summary", "VAT", "Register", "Exceptions"])
        #expect(summary.rows[0].cells == ["Сводка", "Валюта", "Кол-во", "Сумма"])
        #expect(summary.rows[1].cells == ["Период", "2026-10"])
        #expect(summary.rows[4].cells == ["Событий", "8"])
        let register = try XLSXReader.read(xlsx, sheet: "Register")
        #expect(register.rows[0].cells.prefix(3) == ["Событие", "Транзакция", "Тип"])
    }

    @Test("the VAT sheet nets sale and refund VAT to the tiyin, as the summary does")
    func vatNets() async throws {
        var source = Fixture.goldenMonth
        source.vat = [
            VATLine(rate: ExactDecimal(12), gross: Fixture.uzs("169000.00"), vat: Fixture.uzs("18107.14"), itemCount: 3,
                    refundGross: Fixture.uzs("-50000.00"), refundVAT: Fixture.uzs("-5357.14"), refundItemCount: 1,
                    otherMonthVAT: Fixture.uzs("0.00")),
            VATLine(rate: ExactDecimal(0), gross: Fixture.uzs("50000.00"), vat: Fixture.uzs("0.00"), itemCount: 1),
        ]
        let (xlsx, _) = try await write(source, month: Fixture.october)
        let vat = try XLSXReader.read(xlsx, sheet: "VAT")
        #expect(vat.rows[0].cells.count == 10)
        // 12 %: sales 18107.14, refunds -5357.14, net 12750.00 (typed by hand, not computed by the writer).
        #expect(vat.rows[1].cells == ["12", "UZS", "3", "169000", "18107.14", "1", "-50000", "-5357.14", "12750", "0"])
        #expect(vat.rows[2].cells == ["0", "UZS", "1", "50000", "0", "0", "0", "0", "0", "0"])
        #expect(vat.rows[3].cells == ["Net VAT", "UZS", "4", "219000", "18107.14", "1", "-50000", "-5357.14", "12750", "0"])
    }

    @Test("a random month in four currencies: register equal to the CSV cell for cell", arguments: [UInt64(7), 2026])
    func random(seed: UInt64) async throws {
        let month = YearMonth(year: 2026, month: 11)
        let (xlsx, csv) = try await write(RandomMonth.make(month: month, count: 400, seed: seed), month: month)
        #expect(csv.rows.count > 100)
        try expectRegistersAgree(xlsx: xlsx, csv: csv)
    }

    @Test("the same archive gives the same bytes")
    func deterministic() async throws {
        let month = YearMonth(year: 2026, month: 11)
        let source = RandomMonth.make(month: month, count: 200, seed: 11)
        let first = try await write(source, month: month).xlsx
        let second = try await write(source, month: month).xlsx
        #expect(first == second)
    }
}

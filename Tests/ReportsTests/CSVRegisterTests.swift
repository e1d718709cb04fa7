import Archive
import FiscalCore
import Foundation
import Reports
import Testing

@Suite("CSV register")
struct CSVRegisterTests {
    @Test("The hand-built October matches its hand-written golden file byte for byte")
    func golden() async throws {
        let directory = try Fixture.temporaryDirectory()
        let path = directory + "/2026-10.csv"
        let written = try await ReportGenerator().writeCSV(
            month: Fixture.october, source: Fixture.goldenMonth, language: .en, asOf: Fixture.asOf, to: path)
        let expected = try readBytes(Fixture.goldenDirectory + "/2026-10.csv")
        let actual = try readBytes(path)
        if actual != expected {
            Issue.record("CSV differs from the golden file:\n\(actual.text)")
        }
        #expect(written.rowCount == 8)
        #expect(written.summary.eventCount == 8)
    }

    @Test("Starts with a BOM and the fixed header, lines end with CRLF, the file ends with one")
    func framing() async throws {
        let directory = try Fixture.temporaryDirectory()
        let path = directory + "/r.csv"
        _ = try await ReportGenerator().writeCSV(
            month: Fixture.october, source: Fixture.goldenMonth, asOf: Fixture.asOf, to: path)
        let bytes = try readBytes(path)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let header = "event,transaction_id,type,occurred_at,amount,currency,status,vendor_order_id,fiscal_sign,"
            + "terminal_id,receipt_number,receipt_total,vat_amount,commissioner_tin,receipt_url,"
            + "related_transaction_date,source,note\r\n"
        #expect(Array(bytes.dropFirst(3).prefix(header.utf8.count)).text == header)
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        // Every LF is preceded by CR.
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            #expect(index > 0 && bytes[index - 1] == 0x0D)
        }
    }

    @Test("Events at 23:59 on the last day and 00:00:30 on the 1st land in their own Tashkent months")
    func monthBoundaries() async throws {
        let lastMinute = Fixture.at(2026, 10, 31, 23, 59)
        let firstSeconds = Fixture.at(2026, 11, 1, 0, 0, 30)
        // Different UTC days: 18:59 and 19:00:30 UTC on 31 October.
        #expect(lastMinute / 86_400 == firstSeconds / 86_400)
        #expect(Tashkent.local(epochSeconds: lastMinute).day != Tashkent.local(epochSeconds: firstSeconds).day)
        let source = InMemoryRegisterReader(entries: [
            Fixture.entry(1, .payment, id: 1, at: lastMinute, amount: Fixture.uzs("100.00")),
            Fixture.entry(2, .payment, id: 2, at: firstSeconds, amount: Fixture.uzs("200.00")),
            Fixture.entry(3, .payment, id: 3, at: Fixture.at(2026, 10, 1, 0, 0, 0), amount: Fixture.uzs("300.00")),
            Fixture.entry(4, .payment, id: 4, at: Fixture.at(2026, 9, 30, 23, 59, 59), amount: Fixture.uzs("400.00")),
        ])
        let directory = try Fixture.temporaryDirectory()
        let october = try await ReportGenerator().writeCSV(
            month: Fixture.october, source: source, asOf: Fixture.asOf, to: directory + "/10.csv")
        let november = try await ReportGenerator().writeCSV(
            month: Fixture.october.next, source: source, asOf: Fixture.asOf, to: directory + "/11.csv")
        let octoberRows = try CSVReader.read(october.path).rows
        let novemberRows = try CSVReader.read(november.path).rows
        #expect(octoberRows.map { $0[1] } == ["3", "1"])
        #expect(octoberRows.map { $0[3] } == ["2026-10-01T00:00:00+05:00", "2026-10-31T23:59:00+05:00"])
        #expect(novemberRows.map { $0[1] } == ["2"])
        #expect(novemberRows.map { $0[3] } == ["2026-11-01T00:00:30+05:00"])
        #expect(october.summary.totals(for: .uzs)?.totals(for: .payment).amount == Fixture.uzs("400.00"))
        #expect(october.summary.totals(for: .uzs)?.days[30].inflow.amount == Fixture.uzs("100.00"))
        #expect(october.summary.totals(for: .uzs)?.days[0].inflow.amount == Fixture.uzs("300.00"))
    }

    @Test("A November refund of an October payment is in November, pointing at the October date")
    func refundAcrossMonths() async throws {
        let paid = Fixture.at(2026, 10, 30, 22, 10)
        let refunded = Fixture.at(2026, 11, 3, 9, 0)
        let source = InMemoryRegisterReader(entries: [
            Fixture.entry(1, .payment, id: 77, at: paid, amount: Fixture.uzs("5000.00"), status: .refunded),
            Fixture.entry(2, .refund, id: 77, at: refunded, amount: Fixture.uzs("-1500.50"), status: .refunded,
                          related: paid, source: .operation),
        ])
        let directory = try Fixture.temporaryDirectory()
        let november = try await ReportGenerator().writeCSV(
            month: YearMonth(year: 2026, month: 11), source: source, asOf: Fixture.asOf, to: directory + "/11.csv")
        let rows = try CSVReader.read(november.path).rows
        #expect(rows.count == 1)
        #expect(rows[0][0] == "refund")
        #expect(rows[0][4] == "-1500.50")
        #expect(rows[0][15] == "2026-10-30T22:10:00+05:00")
        let october = try await ReportGenerator().writeCSV(
            month: Fixture.october, source: source, asOf: Fixture.asOf, to: directory + "/10.csv")
        #expect(try CSVReader.read(october.path).rows.map { $0[0] } == ["payment"])
    }

    @Test("Quoting follows RFC 4180", arguments: [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("line1\nline2", "\"line1\nline2\""),
        ("cr\rhere", "\"cr\rhere\""),
        ("", ""),
        ("Oʻzbekiston", "Oʻzbekiston"),
    ])
    func quoting(input: String, expected: String) {
        #expect(RegisterCSV.quoted(input) == expected)
    }

    @Test("Text cells a spreadsheet would run are neutralised", arguments: [
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
        ("+998901234567", "'+998901234567"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "\"'\rcmd\""),
        ("ORD-1", "ORD-1"),
        ("1=1", "1=1"),
    ])
    func neutralisation(input: String, expected: String) {
        #expect(RegisterCSV.textCell(input) == expected)
    }

    @Test("Hostile text is neutralised in the register while amounts stay numbers")
    func hostileText() async throws {
        let source = InMemoryRegisterReader(entries: [
            Fixture.entry(1, .refund, id: 5, at: Fixture.at(2026, 10, 2), amount: Fixture.uzs("-12.00"),
                          vendor: "=HYPERLINK(\"http://x\")", related: Fixture.at(2026, 10, 1),
                          note: "-2+3"),
        ])
        let directory = try Fixture.temporaryDirectory()
        let written = try await ReportGenerator().writeCSV(
            month: Fixture.october, source: source, asOf: Fixture.asOf, to: directory + "/h.csv")
        let row = try #require(try CSVReader.read(written.path).rows.first)
        #expect(row[4] == "-12.00")
        #expect(row[7] == "'=HYPERLINK(\"http://x\")")
        #expect(row[17] == "'-2+3")
    }

    @Test("Partial refunds: each refund is its own negative row; receipts signed like the amount")
    func partialRefunds() async throws {
        let paid = Fixture.at(2026, 10, 3)
        let source = InMemoryRegisterReader(entries: [
            Fixture.entry(1, .payment, id: 9, at: paid, amount: Fixture.uzs("1000.00"), status: .refunded,
                          receipt: Fixture.receipt(total: Fixture.uzs("1000.00"), vat: Fixture.uzs("107.14"))),
            Fixture.entry(2, .refund, id: 9, at: Fixture.at(2026, 10, 4), amount: Fixture.uzs("-300.00"),
                          status: .refunded,
                          receipt: Fixture.receipt(total: Fixture.uzs("300.00"), vat: Fixture.uzs("32.14"), kind: .refund),
                          related: paid, source: .operation),
            Fixture.entry(3, .refund, id: 9, at: Fixture.at(2026, 10, 6), amount: Fixture.uzs("-200.00"),
                          status: .refunded,
                          receipt: Fixture.receipt(total: Fixture.uzs("200.00"), vat: Fixture.uzs("21.43"), kind: .refund),
                          related: paid, source: .operation),
        ])
        let directory = try Fixture.temporaryDirectory()
        let written = try await ReportGenerator().writeCSV(
            month: Fixture.october, source: source, asOf: Fixture.asOf, to: directory + "/p.csv")
        let rows = try CSVReader.read(written.path).rows
        #expect(rows.map { $0[4] } == ["1000.00", "-300.00", "-200.00"])
        #expect(rows.map { $0[11] } == ["1000.00", "-300.00", "-200.00"])
        #expect(rows.map { $0[12] } == ["107.14", "-32.14", "-21.43"])
        let uzs = try #require(written.summary.totals(for: .uzs))
        #expect(uzs.totals(for: .refund) == .init(count: 2, amount: Fixture.uzs("-500.00")))
        #expect(uzs.net == Fixture.uzs("500.00"))
        #expect(written.summary.exceptions.total == 0)
    }

    @Test("An empty month gives a valid file: BOM and header only")
    func emptyMonth() async throws {
        let directory = try Fixture.temporaryDirectory()
        let written = try await ReportGenerator().writeCSV(
            month: Fixture.october, source: InMemoryRegisterReader(entries: []), asOf: Fixture.asOf,
            to: directory + "/e.csv")
        let bytes = try readBytes(written.path)
        #expect(bytes == RegisterCSV.byteOrderMark + Array(RegisterCSV.headerLine.utf8))
        #expect(written.rowCount == 0)
        let uzs = try #require(written.summary.totals(for: .uzs))
        #expect(uzs.registerTotal == .zero(.uzs))
        #expect(written.summary.currencies.count == 1)
    }

    @Test("Times are written exactly as Tashkent.iso8601 writes them")
    func timeFormat() throws {
        var random = SplitMix64(seed: 11)
        let times: [Int64] = [0, Fixture.at(2026, 10, 31, 23, 59, 59), Fixture.at(2024, 2, 29, 0, 0, 0), 4_102_444_799]
            + (0..<2_000).map { _ in Int64.random(in: 0..<4_102_444_800, using: &random) }
        for time in times {
            let entry = Fixture.entry(1, .refund, id: 1, at: time, amount: Fixture.uzs("-1.00"), related: time - 86_399)
            let cells = CSVReader.rows(RegisterCSV.line(for: entry))[0]
            #expect(cells[3] == Tashkent.iso8601(epochSeconds: time))
            #expect(cells[15] == Tashkent.iso8601(epochSeconds: time - 86_399))
        }
    }
}

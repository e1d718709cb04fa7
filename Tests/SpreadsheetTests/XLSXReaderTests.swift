import Spreadsheet
import Testing

@Suite("Reading workbooks")
struct XLSXReaderTests {
    @Test("a LibreOffice workbook: shared strings, numeric ids exactly, Cyrillic text")
    func libreOffice() throws {
        let sheet = try XLSXReader.read(Fixture.bytes("ids-libreoffice.xlsx"))
        #expect(sheet.name == "ids-libreoffice")
        #expect(sheet.rows.map(\.number) == [1, 2, 3, 4, 5, 6, 7])
        #expect(sheet.rows[0].cells == ["ID транзакции", "Тип", "Номер заказа"])
        #expect(sheet.rows[1].cells == ["11424156", "Платёж", "A-1"])
        #expect(sheet.rows[2].cells == ["11424157", "Перевод"])
        #expect(sheet.rows[3].cells == ["11424158", "Платёж", "B;2, b"])
        #expect(sheet.rows[4].cells == ["987654321012", "Платёж", "ORD-0012"])
        #expect(sheet.rows[5].cells == ["11424160", "Перевод", "Заказ №5"])
    }

    @Test("an openpyxl workbook: inline strings, the first sheet by default, another by name (any case)")
    func openpyxl() throws {
        let bytes = try Fixture.bytes("ids-openpyxl.xlsx")
        let first = try XLSXReader.read(bytes)
        #expect(first.name == "Сводка")
        #expect(first.sheetNames == ["Сводка", "Tranzaksiyalar"])
        #expect(first.rows.map(\.cells) == [["Hisobot", "2026-11"]])
        let second = try XLSXReader.read(bytes, sheet: "tranzaksiyalar")
        #expect(second.name == "Tranzaksiyalar")
        #expect(second.rows.map(\.number) == [1, 3, 4, 5, 6, 7, 8, 9])
        #expect(second.rows[1].cells == ["Tranzaksiya ID", "Summa", "Turi", "Buyurtma raqami"])
        #expect(second.rows[2].cells == ["11424156", "1000.5", "to‘lov", "A-1"])
        #expect(second.rows[3].cells == ["11424157", "2001", "o‘tkazma"])
        #expect(second.rows[5].cells == ["987654321012", "4002", "to‘lov", "ORD-0012"])
    }

    @Test("hand-written XML: exponent numbers, rich text without phonetic runs, cells and rows without references")
    func handwritten() throws {
        let sheet = try XLSXReader.read(Fixture.bytes("handwritten.xlsx"))
        #expect(sheet.rows.map(\.number) == [1, 2, 3, 5, 6, 7, 8])
        #expect(sheet.rows.map(\.cells) == [
            ["transaction_id", "type", "vendor_order_id"],
            ["11424156", "payment", "A-1"],
            ["11424157", "p2p"],
            ["11424158", "payment", "B;2, b"],
            ["987654321012", "payment", "ORD-0012"],
            ["11424160", "p2p", "Заказ №5"],
            ["11424161", "payment"],
        ])
    }

    @Test("a sheet that is not there is named, with the sheets that are")
    func missingSheet() throws {
        let error = try #require(throws: SpreadsheetError.self) {
            try XLSXReader.read(Fixture.bytes("ids-openpyxl.xlsx"), sheet: "Payments")
        }
        #expect(error.kind == .noSuchSheet)
        #expect(error.description.contains("\"Payments\""))
        #expect(error.description.contains("\"Сводка\", \"Tranzaksiyalar\""))
    }

    @Test("numbers come back as their exact decimal digits", arguments: [
        ("1.1424156E7", "11424156"), ("11424156.0", "11424156"), ("1.1424161E+7", "11424161"),
        ("987654321012", "987654321012"), ("-0.50", "-0.5"), ("1E-3", "0.001"), ("0", "0"), ("-0", "0"),
        ("1.5e1", "15"), ("0012", "12"), ("12.340", "12.34"), ("9.87654321012E11", "987654321012"),
        ("abc", "abc"), ("1e999999", "1e999999"), ("", ""), (".5", "0.5"), ("1.2.3", "1.2.3"),
    ])
    func numericText(stored: String, expected: String) {
        #expect(NumericText.exact(stored) == expected)
    }
}

import Archive
import Foundation
import Spreadsheet
import Sync
import Testing

/// The same six transactions as saved by the tools accountants use; every one of them must track exactly what the
/// plain comma CSV tracks. The fixtures are made by scripts/make-xlsx-fixtures.py.
@Suite("track imports from Excel, LibreOffice and openpyxl")
struct TransactionImportTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SpreadsheetTests/Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    /// Written out by hand from the fixture script's list, so a reader that drops or mangles a row fails.
    static let expected: [TrackRequest] = [
        TrackRequest(id: 11_424_156, type: .payment, vendorOrderID: "A-1"),
        TrackRequest(id: 11_424_157, type: .p2p, vendorOrderID: nil),
        TrackRequest(id: 11_424_158, type: .payment, vendorOrderID: "B;2, b"),
        TrackRequest(id: 987_654_321_012, type: .payment, vendorOrderID: "ORD-0012"),
        TrackRequest(id: 11_424_160, type: .p2p, vendorOrderID: "Заказ №5"),
        TrackRequest(id: 11_424_161, type: .payment, vendorOrderID: nil),
    ]

    @Test("the comma CSV")
    func comma() throws {
        let imported = try TransactionCSV.read(Self.bytes("ids-comma.csv"), file: "ids-comma.csv")
        #expect(imported.requests == Self.expected)
        #expect(imported.notes.isEmpty)
    }

    @Test("ru-locale Excel's CSV: semicolons, Windows-1251, Russian headers and types, with a note on the guess")
    func ruExcel() throws {
        let imported = try TransactionCSV.read(Self.bytes("ids-ru-excel.csv"), file: "ids-ru-excel.csv")
        #expect(imported.requests == Self.expected)
        #expect(imported.notes.contains { $0.contains("Windows-1251") && $0.hasPrefix("ids-ru-excel.csv") })
        #expect(imported.notes.contains { $0.contains("semicolons") })
    }

    @Test("CSV UTF-8 with a BOM and semicolons, and UTF-16 tab-separated text")
    func otherCSVs() throws {
        #expect(try TransactionCSV.read(Self.bytes("ids-semicolon-bom.csv"), file: "a.csv").requests == Self.expected)
        let tabs = try TransactionCSV.read(Self.bytes("ids-tab-utf16.txt"), file: "b.txt")
        #expect(tabs.requests == Self.expected)
        #expect(tabs.notes == ["b.txt: fields are separated by tabs (found in the header row)"])
    }

    @Test("--delimiter overrides detection: the wrong one reads one column and says so")
    func delimiterOverride() throws {
        let bytes = try Self.bytes("ids-semicolon-bom.csv")
        #expect(try TransactionCSV.read(bytes, file: "a.csv", delimiter: ";").requests == Self.expected)
        let quoted = try #require(throws: TransactionImportError.self) {
            try TransactionCSV.read(bytes, file: "a.csv", delimiter: ",")
        }
        #expect(quoted.description.hasPrefix("a.csv:4: a quote inside an unquoted field"))
        let error = try #require(throws: TransactionImportError.self) {
            try TransactionCSV.read(Array("transaction_id;type\n1;payment\n".utf8), file: "a.csv", delimiter: "\t")
        }
        #expect(error.line == 1)
        #expect(error.description.contains("read as one column"), "\(error)")
        #expect(error.description.contains("see --delimiter"), "\(error)")
    }

    @Test("the LibreOffice workbook (numeric ids, shared strings, Russian headers)")
    func libreOffice() throws {
        let imported = try TransactionXLSX.read(Self.bytes("ids-libreoffice.xlsx"), file: "ids.xlsx")
        #expect(imported.requests == Self.expected)
    }

    @Test("the openpyxl workbook: second sheet by name, header under title rows, Uzbek headers and types")
    func openpyxl() throws {
        let imported = try TransactionXLSX.read(Self.bytes("ids-openpyxl.xlsx"), file: "ids.xlsx", sheet: "Tranzaksiyalar")
        #expect(imported.requests == Self.expected)
        #expect(imported.notes == [
            "ids.xlsx: the header is on row 3 of sheet \"Tranzaksiyalar\"; the rows above it were skipped",
        ])
        let first = try #require(throws: TransactionImportError.self) {
            try TransactionXLSX.read(Self.bytes("ids-openpyxl.xlsx"), file: "ids.xlsx")
        }
        #expect(first.sheet == "Сводка")
        #expect(first.description.hasPrefix("ids.xlsx, sheet \"Сводка\", row 1: the header has no transaction_id column"))
    }

    @Test("the hand-written workbook (ids stored as 1.1424156E7 and 11424157.0)")
    func handwritten() throws {
        #expect(try TransactionXLSX.read(Self.bytes("handwritten.xlsx"), file: "h.xlsx").requests == Self.expected)
    }

    @Test("hostile workbooks are refused with the reader's reason, naming the file", arguments: [
        ("bomb.xlsx", "times its compressed size"), ("wide.xlsx", "cells"), ("entities.xlsx", "document type"),
        ("external-link.xlsx", "external reference"), ("malformed.xlsx", "not well-formed"),
        ("ids-comma.csv", "not a ZIP archive"),
    ])
    func hostile(fixture: String, mention: String) throws {
        let error = try #require(throws: TransactionImportError.self) {
            try TransactionXLSX.read(Self.bytes(fixture), file: fixture)
        }
        #expect(error.description.hasPrefix("\(fixture): cannot be imported: "))
        #expect(error.description.contains(mention), "\(error)")
        #expect(error.description.hasSuffix("nothing from the file was tracked"))
    }

    @Test("a bad line of a semicolon CSV names the line")
    func badLine() throws {
        let text = "transaction_id;type\n1;payment\n2;refund\n"
        let csvError = try #require(throws: TransactionImportError.self) {
            try TransactionCSV.read(Array(text.utf8), file: "x.csv")
        }
        #expect(csvError.description.hasPrefix("x.csv:3: type \"refund\" is not payment or p2p"))
    }

    @Test("ids as spreadsheets format them", arguments: [
        ("11 424 156", 11_424_156), ("11\u{A0}424\u{A0}156", 11_424_156), ("11424156,00", 11_424_156),
        ("11424156.0", 11_424_156),
    ])
    func formattedIDs(text: String, id: Int64) throws {
        let imported = try TransactionCSV.read(Array("transaction_id;type\n\"\(text)\";payment\n".utf8), file: "f.csv")
        #expect(imported.requests.map(\.id.rawValue) == [id])
    }

    @Test("ids the spreadsheet shortened, or with a fraction, are refused with advice", arguments: [
        ("1,14242E+11", "format the column as Text"), ("11424156,5", "not a positive whole number"),
    ])
    func shortenedIDs(text: String, mention: String) throws {
        let error = try #require(throws: TransactionImportError.self) {
            try TransactionCSV.read(Array("transaction_id;type\n\"\(text)\";payment\n".utf8), file: "f.csv")
        }
        #expect(error.line == 2)
        #expect(error.description.contains(mention), "\(error)")
    }

    @Test("two columns with the same meaning are refused")
    func duplicateColumns() throws {
        let error = try #require(throws: TransactionImportError.self) {
            try TransactionCSV.read(Array("ID транзакции,transaction_id,type\n1,1,payment\n".utf8), file: "d.csv")
        }
        #expect(error.description.contains("two transaction_id columns (1 and 2)"), "\(error)")
    }

    @Test("bytes that are neither UTF-8 nor Windows-1251 are refused")
    func undecodable() throws {
        let error = try #require(throws: TransactionImportError.self) {
            try TransactionCSV.read(Array("transaction_id,type\n1,payment\n".utf8) + [0x98], file: "u.csv")
        }
        #expect(error.description.contains("neither UTF-8 nor Windows-1251"))
    }
}

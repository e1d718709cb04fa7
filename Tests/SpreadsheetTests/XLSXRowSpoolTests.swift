import Foundation
import Spreadsheet
import Testing

/// A sheet's rows spooled to a file give the very bytes of the same rows held in memory, however many.
@Suite("Spooled worksheets")
struct XLSXRowSpoolTests {
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/xlsx-spool-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Row `index`: every kind of cell, text to escape and to drop, a wide row past column BL now and then.
    static func row(_ index: Int) -> [XLSXWriter.Cell] {
        var cells: [XLSXWriter.Cell] = [
            .integer(String(index)), .money(index % 3 == 0 ? "-\(index).50" : "\(index).05"),
            .dateTime(localSeconds: 1_790_000_000 + Int64(index) * 37), .number("12"),
            .text(index % 7 == 0 ? "<b>&\"x\" \u{1}\u{FFFE}q" : "Заказ №\(index) — ok"), .empty,
            .text(String(repeating: "w", count: index % 90)),
        ]
        if index % 500 == 0 { cells += Array(repeating: .empty, count: 70) + [.text("far \(index)")] }
        return cells
    }

    static func sheets(rows: [[XLSXWriter.Cell]]) -> [XLSXWriter.Sheet] {
        [
            XLSXWriter.Sheet(name: "Summary", header: ["a", "b"], rows: [[.text("x"), .integer("1")]]),
            XLSXWriter.Sheet(name: "Register", header: ["id", "amount", "at", "rate", "text", "gap", "wide"], rows: rows,
                landscape: true, fitToPageWidth: false),
            XLSXWriter.Sheet(name: "Headless", header: [], rows: [[.number("1.5")]], freezeHeader: false),
        ]
    }

    @Test("20,000 spooled rows (past the 1 MB buffer) give the bytes of the in-memory workbook", arguments: [0, 1, 20_000])
    func sameBytes(count: Int) throws {
        let rows = (0..<count).map(Self.row)
        let expected = try XLSXWriter(sheets: Self.sheets(rows: rows)).bytes()
        let directory = try Self.directory()
        let spool = try XLSXRowSpool(header: ["id", "amount", "at", "rate", "text", "gap", "wide"], directory: directory)
        for row in rows { try spool.append(row) }
        #expect(spool.rowCount == count)
        let path = directory + "/book.xlsx"
        try XLSXWriter(sheets: Self.sheets(rows: [])).write(to: path, spools: ["Register": spool])
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == expected)
        let register = try XLSXReader.read(written, sheet: "Register")
        #expect(register.rows.count == count + 1)
        if count > 8 { #expect(register.rows[8].cells[4] == "<b>&\"x\" q") }
    }

    @Test("a spool for a sheet that has rows of its own, or for no sheet, is refused by name")
    func refused() throws {
        let directory = try Self.directory()
        let spool = try XLSXRowSpool(header: ["id"], directory: directory)
        try spool.append([.integer("1")])
        let withRows = XLSXWriter(sheets: Self.sheets(rows: [[.integer("2")]]))
        #expect(throws: SpreadsheetError.self) {
            try withRows.write(to: directory + "/a.xlsx", spools: ["Register": spool])
        }
        do {
            try XLSXWriter(sheets: Self.sheets(rows: [])).write(to: directory + "/b.xlsx", spools: ["Registr": spool])
            Issue.record("a spool for a missing sheet was accepted")
        } catch let error as SpreadsheetError {
            #expect(error.message.contains("Registr"))
        }
    }

    @Test("the spool's temporary file is removed with the spool")
    func temporaryRemoved() throws {
        let directory = try Self.directory()
        var path = ""
        do {
            let spool = try XLSXRowSpool(header: ["id"], directory: directory)
            try spool.append([.integer("1")])
            path = spool.path
            withExtendedLifetime(spool) { #expect(FileManager.default.fileExists(atPath: path)) }
        }
        #expect(!path.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

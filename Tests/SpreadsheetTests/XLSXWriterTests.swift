import Spreadsheet
import Testing

@Suite("Writing workbooks")
struct XLSXWriterTests {
    @Test("typed cells come back as written; text is escaped, never markup; empty cells leave gaps")
    func roundTrip() throws {
        let hostile = "<b>&amp; \"quoted\" =SUM(A1)\u{1}"
        let wide = Array(repeating: XLSXWriter.Cell.empty, count: 27) + [.text("AB")]
        let writer = XLSXWriter(sheets: [
            XLSXWriter.Sheet(name: "Register & <more>", header: ["id", "amount", "at", "text"], rows: [
                [.integer("11424156"), .money("-1234.50"), .dateTime(localSeconds: 1_793_491_200), .text(hostile)],
                [.integer("2"), .empty, .empty, .text("Заказ №5")],
                wide,
            ]),
            XLSXWriter.Sheet(name: "Second", header: [], rows: [[.number("12.5")]], freezeHeader: false),
        ])
        let bytes = try writer.bytes()
        let sheet = try XLSXReader.read(bytes)
        #expect(sheet.sheetNames == ["Register & <more>", "Second"])
        #expect(sheet.rows.map(\.cells) == [
            ["id", "amount", "at", "text"],
            ["11424156", "-1234.5", "46327", "<b>&amp; \"quoted\" =SUM(A1)"],
            ["2", "", "", "Заказ №5"],
            Array(repeating: "", count: 27) + ["AB"],
        ])
        #expect(try XLSXReader.read(bytes, sheet: "Second").rows.map(\.cells) == [["12.5"]])
        #expect(try writer.bytes() == bytes)
    }

    @Test("date-time serials are days since 1899-12-30 with the time as a fraction", arguments: [
        (Int64(0), "25569"), (Int64(43_200), "25569.5"), (Int64(1), "25569.0000115741"),
        (Int64(86_399), "25569.9999884259"), (Int64(-86_400), "25568"), (Int64(-1), "25568.9999884259"),
    ])
    func serials(localSeconds: Int64, expected: String) {
        #expect(XLSXWriter.serial(localSeconds: localSeconds) == expected)
    }
}

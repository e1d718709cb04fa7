import Archive
import FiscalCore
import Sync
import Testing

@Suite("track --csv files")
struct TransactionCSVTests {
    private func parse(_ text: String) throws(CSVImportError) -> [TrackRequest] {
        try TransactionCSV.parse(Array(text.utf8), file: "ids.csv")
    }

    @Test("columns by name, in any order, extra columns ignored, BOM and CRLF accepted")
    func reads() throws {
        let text = "\u{FEFF}note,Type,transaction_id,vendor_order_id\r\n"
            + "\"a, quoted \"\"note\"\"\",payment,11424156,A-1\r\n"
            + "x,P2P,11424157,\r\n"
            + ",,,\r\n"
            + "\"multi\nline\",payment,11424158,\"B,2\"\r\n"
        let requests = try parse(text)
        #expect(requests == [
            TrackRequest(id: 11_424_156, type: .payment, vendorOrderID: "A-1"),
            TrackRequest(id: 11_424_157, type: .p2p, vendorOrderID: nil),
            TrackRequest(id: 11_424_158, type: .payment, vendorOrderID: "B,2"),
        ])
    }

    @Test("a repeated id with the same type is kept once")
    func duplicates() throws {
        #expect(try parse("transaction_id,type\n5,payment\n5,payment\n6,p2p").map(\.id) == [5, 6])
    }

    @Test("a bad line names its line number and the reason", arguments: [
        ("transaction_id,type\n1,payment\nabc,payment\n", 3, "abc"),
        ("transaction_id,type\n1,payment\n2,refund\n", 3, "refund"),
        ("transaction_id,type\n1,payment\n\n4\n", 4, "columns"),
        ("transaction_id,type\n1,payment\n1,p2p\n", 3, "line 2"),
        ("transaction_id,type\n\"1,payment\n", 2, "not closed"),
        ("transaction_id,type\n1\"x\",payment\n", 2, "quote"),
        ("transaction_id,type\n-7,payment\n", 2, "-7"),
        ("id,type\n1,payment\n", 1, "transaction_id"),
        ("transaction_id,kind\n1,payment\n", 1, "type"),
    ])
    func badLines(text: String, line: Int, mention: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line)
            #expect(error.description.contains(mention), "\(error)")
            #expect(error.description.hasPrefix("ids.csv:\(line): "))
            #expect(error.description.contains("nothing from the file was tracked"))
        }
    }

    @Test("empty files and invalid UTF-8 are refused")
    func unreadable() {
        #expect(throws: CSVImportError.self) { try TransactionCSV.parse([], file: "e.csv") }
        #expect(throws: CSVImportError.self) { try TransactionCSV.parse([0x74, 0xFF, 0xFE, 0x0A], file: "b.csv") }
    }
}

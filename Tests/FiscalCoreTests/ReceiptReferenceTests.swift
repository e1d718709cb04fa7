import FiscalCore
import Testing

@Suite("OFD receipt links")
struct ReceiptReferenceTests {
    @Test("an /epi link from PaySys keeps the fiscal sign's leading zero")
    func epiLink() throws {
        let link = "https://ofd.soliq.uz/epi?t=EP000000000058&r=1020387&c=20230504110437&s=088681055845"
        let reference = try ReceiptReference(url: link)
        #expect(reference.pageKind == .epi)
        #expect(reference.terminalID == "EP000000000058")
        #expect(reference.receiptNumber == "1020387")
        #expect(reference.fiscalSign == "088681055845")
        #expect(reference.localDateTime?.iso8601 == "2023-05-04T11:04:37+05:00")
        #expect(reference.url() == link)
    }

    @Test("every page form parses and is produced again", arguments: [
        ("https://ofd.soliq.uz/check?t=LG420230644664&r=84229&c=20260329185812&s=259200054220", ReceiptReference.PageKind.check),
        ("https://ofd.soliq.uz/epi/avans?t=EP000000000510&r=1&c=20260101000000&s=000000000001", .advance),
        ("https://ofd.soliq.uz/epi/kredit?t=EP000000000510&r=2&c=20260101000000&s=1", .credit),
        ("https://ofd.soliq.uz/?t=EZ000000000001&r=3&c=20261231235959&s=123", .root),
    ])
    func pageForms(link: String, kind: ReceiptReference.PageKind) throws {
        let reference = try ReceiptReference(url: link)
        #expect(reference.pageKind == kind)
        #expect(reference.url() == link)
    }

    @Test("parameter order, other hosts and http are accepted; the host can be replaced")
    func liberalReading() throws {
        let reference = try ReceiptReference(url: "http://127.0.0.1:9000/epi?s=012&c=20261101000030&r=7&t=EP000000000001")
        #expect(reference.fiscalSign == "012")
        #expect(reference.url(host: "127.0.0.1:9000", scheme: "http")
            == "http://127.0.0.1:9000/epi?t=EP000000000001&r=7&c=20261101000030&s=012")
    }

    @Test("broken links name what is wrong", arguments: [
        "ofd.soliq.uz/epi?t=EP1&r=1&c=20230504110437&s=1",
        "ftp://ofd.soliq.uz/epi?t=EP1&r=1&c=20230504110437&s=1",
        "https://ofd.soliq.uz/receipt?t=EP1&r=1&c=20230504110437&s=1",
        "https://ofd.soliq.uz/epi?r=1&c=20230504110437&s=1",
        "https://ofd.soliq.uz/epi?t=EP1&r=1&c=20230504110437",
        "https://ofd.soliq.uz/epi?t=EP1&r=1&c=2023050411043&s=1",
        "https://ofd.soliq.uz/epi?t=EP1&r=1&c=20231304110437&s=1",
        "https://ofd.soliq.uz/epi?t=EP1&r=x1&c=20230504110437&s=1",
        "https://ofd.soliq.uz/epi?t=EP1&r=1&c=20230504110437&s=1e5",
        "https://ofd.soliq.uz/epi?t=E%3CP&r=1&c=20230504110437&s=1",
        "",
    ])
    func rejects(link: String) {
        #expect(throws: ReceiptReferenceError.self) { try ReceiptReference(url: link) }
    }
}

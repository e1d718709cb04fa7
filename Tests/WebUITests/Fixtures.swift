import Archive
import ArchiveTestSupport
import SQLiteArchive
import FiscalCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import WebUI

/// A real temporary archive populated through the archive's public API, with hostile receipt text.
enum Fixture {
    static let paymentID: TransactionID = 11_424_156
    static let p2pID: TransactionID = 11_424_157
    static let trackedOnlyID: TransactionID = 11_424_158
    static let failedID: TransactionID = 11_424_159
    static let fiscalSign = "088681055845"
    static let terminal = "EP000000000510"
    static let receiptNumber = "104636849"
    static let sellerTIN = "307578794"
    static let commissionerTIN = "310995649"
    static let p2pFiscalSign = "000123456789"
    static let pinfl = "12345678901234"
    static let hostileSeller = "<script>alert(1)</script>"
    static let hostileItem = "<img src=x onerror=alert(1)>"
    static let token = "correct-horse-battery-staple-42"
    /// 2026-03-29 18:58 Tashkent.
    static let paidAt = Tashkent.LocalDateTime(year: 2026, month: 3, day: 29, hour: 18, minute: 58).epochSeconds
    static let now = paidAt + 3600

    /// The original page: hostile markup that would run and phone home if it were rendered unprotected.
    static let originalHTML = """
        <!DOCTYPE html><html><head><title>OFD</title><script>document.title='pwned'</script>
        <link rel="stylesheet" href="http://127.0.0.1:1/evil.css"></head>
        <body><h1>Savdo cheki</h1><img src="http://127.0.0.1:1/beacon.png">
        <form action="http://127.0.0.1:1/steal"><input name=x></form>
        <p>\(hostileSeller)</p><p>Jami to`lov: 853,374.00</p></body></html>
        """

    static func money(_ text: String) -> Money {
        (try? Money(parsing: text, currency: .uzs)) ?? .zero(.uzs)
    }

    static func saleReceipt() -> FiscalReceipt {
        FiscalReceipt(
            kind: .sale, source: .html, terminalID: terminal, receiptNumber: receiptNumber, fiscalSign: fiscalSign,
            issuedAt: Date(timeIntervalSince1970: TimeInterval(paidAt)),
            seller: .init(name: hostileSeller, tin: sellerTIN, address: "Toshkent sh., \"Amir Temur\" 1 & 2"),
            marketplace: "MULTICARD", cashRegister: nil,
            items: [
                ReceiptItem(
                    name: hostileItem, quantity: ExactDecimal(2), lineTotal: money("76000.00"), discount: .zero(.uzs),
                    other: .zero(.uzs), vatRate: ExactDecimal(12), vatAmount: money("8142.85"),
                    mxikCode: "10202001010000003", mxikName: "Non", unit: "dona", commissionerTIN: commissionerTIN),
                ReceiptItem(
                    name: "Non mahsulotlari", quantity: ExactDecimal(1), lineTotal: money("777374.00"),
                    discount: .zero(.uzs), other: .zero(.uzs), vatRate: ExactDecimal(12), vatAmount: money("81685.69"),
                    commissionerTIN: commissionerTIN),
            ],
            payment: .init(cash: .zero(.uzs), card: money("853374.00"), cardType: "Shaxsiy"),
            total: money("853374.00"), vatTotal: money("89828.54"))
    }

    static func p2pReceipt() -> FiscalReceipt {
        FiscalReceipt(
            kind: .sale, source: .json, terminalID: "EP000000000777", receiptNumber: "555", fiscalSign: p2pFiscalSign,
            issuedAt: Date(timeIntervalSince1970: TimeInterval(paidAt + 600)),
            seller: .init(name: "ООО «Ромашка»", tin: pinfl, address: "Самарканд"), marketplace: nil,
            cashRegister: .init(name: "POS2k", serial: "AFK-1"),
            items: [
                ReceiptItem(
                    name: "Хлеб белый", quantity: try! ExactDecimal(parsing: "1.268"), lineTotal: money("12500.00"),
                    discount: .zero(.uzs), other: .zero(.uzs), vatRate: ExactDecimal(0), vatAmount: .zero(.uzs))
            ],
            payment: .init(cash: money("12500.00"), card: .zero(.uzs)),
            total: money("12500.00"), vatTotal: .zero(.uzs))
    }

    /// A fresh archive with: an archived payment (hostile names), an archived p2p transfer (Cyrillic, PINFL),
    /// a tracked-only transaction and a failed one.
    static func archive() async throws -> SQLiteArchiveStore {
        let archive = try SQLiteArchiveStore.temporary()
        _ = try await archive.track(
            [
                TrackRequest(id: paymentID, type: .payment, vendorOrderID: "ORDER-<b>1</b>"),
                TrackRequest(id: p2pID, type: .p2p),
                TrackRequest(id: trackedOnlyID, type: .payment),
                TrackRequest(id: failedID, type: .payment),
            ], now: paidAt)
        try await archiveOne(
            archive, id: paymentID, amount: "853374.00", receipt: saleReceipt(),
            url: "https://ofd.soliq.uz/epi?t=\(terminal)&r=\(receiptNumber)&c=20260329185800&s=\(fiscalSign)")
        try await archiveOne(
            archive, id: p2pID, type: .p2p, amount: "12500.00", receipt: p2pReceipt(),
            url: "https://ofd.soliq.uz/epi?t=EP000000000777&r=555&c=20260329190800&s=\(p2pFiscalSign)")
        try await TripFixture.fail(
            archive, failedID, step: .receiptLink, reason: "get_fiscal_cheque: <b>receipt not found</b>", now: now)
        return archive
    }

    private static func archiveOne(
        _ archive: any ArchiveStore, id: TransactionID, type: TransactionType = .payment, amount: String,
        receipt: FiscalReceipt, url: String
    ) async throws {
        let original = OriginalDocument(
            bytes: Array(originalHTML.utf8), url: url, httpStatus: 200, contentType: "text/html; charset=utf-8",
            fetchedAt: now, format: .html)
        try await TripFixture.archive(
            archive, id, type: type, payment: PaymentSnapshot(amount: money(amount), status: .completed, date: paidAt, mxID: "MX-\(id)"),
            url: url, original: original, receipt: receipt, now: now)
    }

    /// A configuration for tests: ephemeral port, injected clock, a report renderer that returns small documents.
    static func configuration(token: String? = nil, maxBodyBytes: Int = 64 * 1024) -> WebConfiguration {
        WebConfiguration(
            host: "127.0.0.1", port: 0, token: token, maxBodyBytes: maxBodyBytes, pageSize: 50,
            reportRenderer: { month, format in
                let text = format == .csv ? "event,transaction_id\npayment,\(paymentID)\n" : "<h1>Report \(month)</h1>"
                return Array(text.utf8)
            },
            now: { now })
    }

    static let logger = Logger(label: "webui-tests")

    /// An application over the router, for `test(.router)` and `test(.live)`.
    static func application(_ archive: SQLiteArchiveStore, _ configuration: WebConfiguration) -> some ApplicationProtocol {
        Application(
            router: buildWebRouter(archive: archive, configuration: configuration, logger: logger),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }
}

/// Headers every response must carry.
func expectSecurityHeaders(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
    let csp = response.headers[.contentSecurityPolicy] ?? ""
    #expect(csp.contains("default-src 'none'"), "CSP: \(csp)", sourceLocation: sourceLocation)
    #expect(!csp.contains("script-src"), "CSP must not allow scripts: \(csp)", sourceLocation: sourceLocation)
    #expect(response.headers[.xContentTypeOptions] == "nosniff", sourceLocation: sourceLocation)
    let frame = response.headers[HTTPField.Name("X-Frame-Options")!]
    #expect(frame == "DENY" || frame == "SAMEORIGIN", sourceLocation: sourceLocation)
    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", sourceLocation: sourceLocation)
}

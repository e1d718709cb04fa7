import Archive
import FiscalCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import WebUI

@Suite("Pages")
struct PageTests {
    static let searches: [(String, TransactionID)] = [
        ("/search?q=11424156", Fixture.paymentID),
        ("/search?q=088681055845", Fixture.paymentID),
        ("/search?q=EP000000000510%2F104636849", Fixture.paymentID),
        ("/search?q=EP000000000510+104636849", Fixture.paymentID),
        ("/search?terminal=EP000000000510&receipt=104636849", Fixture.paymentID),
        ("/search?q=307578794", Fixture.paymentID),
        ("/search?q=310995649", Fixture.paymentID),
        ("/search?q=\(FormFields.encode("https://ofd.soliq.uz/epi?t=EP000000000510&r=104636849&c=20260329185800&s=088681055845"))", Fixture.paymentID),
        ("/search?q=11424157", Fixture.p2pID),
        ("/search?q=000123456789", Fixture.p2pID),
        ("/search?q=12345678901234", Fixture.p2pID),
        ("/search?q=\(FormFields.encode("Хлеб"))", Fixture.p2pID),
        ("/search?q=%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0", Fixture.p2pID),
        ("/search?q=Non+mahsulotlari", Fixture.paymentID),
    ]

    @Test("Searching by each identifier finds the receipt", arguments: searches)
    func searchFinds(uri: String, expected: TransactionID) async throws {
        let archive = try await Fixture.archive()
        try await Fixture.application(archive, Fixture.configuration()).test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("href=\"/receipts/\(expected.rawValue)\""), "\(uri)")
                expectSecurityHeaders(response)
            }
            let api = uri.replacingOccurrences(of: "/search?", with: "/api/search?")
            try await client.execute(uri: api, method: .get) { response in
                #expect(response.status == .ok)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                let hits = try #require(object["hits"] as? [[String: Any]])
                #expect(hits.contains { ($0["transactionId"] as? Int) == Int(expected.rawValue) }, "\(api)")
            }
        }
    }

    @Test("Filters narrow a search; bad filters are explained with 400")
    func filters() async throws {
        let archive = try await Fixture.archive()
        try await Fixture.application(archive, Fixture.configuration()).test(.router) { client in
            try await client.execute(uri: "/search?from=2026-03-29&to=2026-03-29&min=853374&max=853374.00", method: .get) {
                #expect($0.status == .ok)
                #expect($0.text.contains("href=\"/receipts/11424156\""))
                #expect(!$0.text.contains("href=\"/receipts/11424157\""))
            }
            try await client.execute(uri: "/search?from=2026-03-30", method: .get) {
                #expect(!$0.text.contains("href=\"/receipts/11424156\""))
            }
            for bad in ["from=2026-13-01", "from=yesterday", "min=abc", "min=10&max=5", "page=0", "terminal=EP1"] {
                try await client.execute(uri: "/search?\(bad)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    #expect(response.text.contains("class=\"alert bad\""))
                    expectSecurityHeaders(response)
                }
            }
        }
    }

    @Test("Hostile seller and item names are shown as text, never as markup")
    func hostileNamesEscaped() async throws {
        let archive = try await Fixture.archive()
        try await Fixture.application(archive, Fixture.configuration()).test(.router) { client in
            for uri in ["/receipts/11424156", "/search?q=307578794", "/search?q=11424156", "/status"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let html = response.text
                    #expect(response.status == .ok, "\(uri)")
                    #expect(!html.contains("<script"), "raw <script in \(uri)")
                    #expect(!html.contains("<img"), "raw <img in \(uri)")
                    #expect(!html.contains("<b>"), "raw <b> in \(uri)")
                    expectSecurityHeaders(response)
                }
            }
            try await client.execute(uri: "/receipts/11424156", method: .get) { response in
                let html = response.text
                #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
                #expect(html.contains("ORDER-&lt;b&gt;1&lt;/b&gt;"))
                #expect(html.contains("&quot;Amir Temur&quot; 1 &amp; 2"))
            }
        }
    }

    @Test("The receipt page shows the receipt, the transaction and the original's integrity")
    func receiptPage() async throws {
        let archive = try await Fixture.archive()
        try await Fixture.application(archive, Fixture.configuration()).test(.router) { client in
            try await client.execute(uri: "/receipts/11424156", method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("Transaction 11424156"))
                #expect(html.contains("853,374.00"))
                #expect(html.contains(Fixture.fiscalSign))
                #expect(html.contains(Fixture.terminal))
                #expect(html.contains("Original intact"))
                #expect(!html.contains("ALTERED"))
                #expect(html.contains("<iframe class=\"original-frame\" sandbox src=\"/receipts/11424156/original\""))
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            }
            try await client.execute(uri: "/receipts/11424158", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("No receipt yet"))
                #expect(response.text.contains("No original has been downloaded"))
            }
            for missing in ["/receipts/999", "/receipts/abc", "/receipts/-1", "/receipts/99999999999999999999999"] {
                try await client.execute(uri: missing, method: .get) { response in
                    #expect(response.status == .notFound, "\(missing)")
                    expectSecurityHeaders(response)
                }
            }
        }
    }

    @Test("The original is served byte-exact inside a sandbox, as text, or as a download")
    func original() async throws {
        let archive = try await Fixture.archive()
        let stored = try await archive.original(for: Fixture.paymentID)
        try await Fixture.application(archive, Fixture.configuration()).test(.router) { client in
            try await client.execute(uri: "/receipts/11424156/original", method: .get) { response in
                #expect(response.status == .ok)
                let csp = response.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.hasPrefix("sandbox;"))
                #expect(csp.contains("default-src 'none'"))
                #expect(!csp.contains("allow-scripts"))
                #expect(!csp.contains("script-src"))
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(Array(response.body.readableBytesView) == Array(Fixture.originalHTML.utf8))
                if let stored {
                    #expect(response.headers[HTTPField.Name("X-Original-SHA256")!] == stored.sha256)
                }
                #expect(response.headers[HTTPField.Name("X-Original-Intact")!] == "true")
            }
            try await client.execute(uri: "/receipts/11424156/original?as=text", method: .get) { response in
                #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(Array(response.body.readableBytesView) == Array(Fixture.originalHTML.utf8))
            }
            try await client.execute(uri: "/receipts/11424156/original?download=1", method: .get) { response in
                #expect(response.headers[.contentType] == "application/octet-stream")
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
                #expect(Array(response.body.readableBytesView) == Array(Fixture.originalHTML.utf8))
            }
            try await client.execute(uri: "/receipts/11424158/original", method: .get) { response in
                #expect(response.status == .notFound)
                expectSecurityHeaders(response)
            }
        }
    }

    @Test("Months list their reports, generated on demand")
    func months() async throws {
        let archive = try await Fixture.archive()
        try await Fixture.application(archive, Fixture.configuration()).test(.router) { client in
            try await client.execute(uri: "/months", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("March 2026"))
                #expect(response.text.contains("href=\"/months/2026-03.csv\""))
            }
            try await client.execute(uri: "/months/2026-03.csv", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"2026-03.csv\"")
                #expect(response.text.contains("payment,11424156"))
            }
            try await client.execute(uri: "/months/2026-03.html", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("Report 2026-03"))
                expectSecurityHeaders(response)
            }
            for bad in ["/months/2026-04.csv", "/months/2026-13.csv", "/months/2026-03.exe", "/months/..%2F..%2Fetc.csv"] {
                try await client.execute(uri: bad, method: .get) { #expect($0.status == .notFound, "\(bad)") }
            }
        }
    }

    @Test("A failing report writer shows no path or trace")
    func reportFailure() async throws {
        let archive = try await Fixture.archive()
        var configuration = Fixture.configuration()
        configuration.reportRenderer = { _, _ in
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: "/secret/reports/2026-03.csv"])
        }
        try await Fixture.application(archive, configuration).test(.router) { client in
            try await client.execute(uri: "/months/2026-03.csv", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(!response.text.contains("/secret"))
                #expect(!response.text.contains("CocoaError"))
                expectSecurityHeaders(response)
            }
        }
    }

    @Test("The status page shows counts and failures with reasons")
    func status() async throws {
        let archive = try await Fixture.archive()
        try await Fixture.application(archive, Fixture.configuration()).test(.router) { client in
            try await client.execute(uri: "/status", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("href=\"/receipts/11424159\""))
                #expect(response.text.contains("get_fiscal_cheque: &lt;b&gt;receipt not found&lt;/b&gt;"))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("action=\"/search\""))
                expectSecurityHeaders(response)
            }
        }
    }
}

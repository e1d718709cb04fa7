import AsyncHTTPClient
import FiscalCore
import Foundation
import Hummingbird
import Logging
import PaySysClient
import Synchronization
import Testing

/// A tiny gateway written from docs/PAYSYS.md and the vendor document alone — not the sandbox — answering with
/// the document's own example bodies: numeric currency 860, `mx_id` at top level, no `jsonrpc`, error objects with
/// and without `data`, ids and amounts as numeric strings where a liberal gateway might send them.
@Suite("PaySysClient against a hand-written gateway that follows the document to the letter")
struct InteropTests {
    /// The last request seen, for assertions on what the client sends.
    final class Seen: Sendable {
        let requests = Mutex<[(auth: String, body: ExactJSON)]>([])
    }

    static func answer(for request: ExactJSON, id: ExactJSON) -> String {
        let method = request["method"]?.stringValue ?? ""
        let transaction = request["params"]?["transaction_id"]?.int64Value ?? 0
        switch (method, transaction) {
        case ("paysys.payment_info", 11424156):
            return """
                {"id": \(id), "error": null, "result": {"transaction_id": 11424156, "vendor_user_id": "1683530160817",
                "bank_transaction_id": 137664440, "amount": 1000, "currency": 860, "status": 2, "date": 1683530177},
                "mx_id": "588ffd16badd82e896f364935350f413"}
                """
        case ("paysys.payment_info", 5):
            // liberal forms: numbers as strings, lowercase currency, mx_id inside result
            return """
                {"id": \(id), "error": null, "result": {"transaction_id": "5", "vendor_user_id": 42,
                "bank_transaction_id": "137664441", "amount": "250050", "currency": "uzs", "status": "6",
                "date": "1683530177", "mx_id": "inside-result"}}
                """
        case ("paysys.payment_info", 6):
            return """
                {"id": \(id), "error": null, "result": {"transaction_id": 6, "amount": 100, "currency": "840", "status": 7,
                "date": 1683530177}, "mx_id": "m6"}
                """
        case ("paysys.payment_cancel", _):
            return """
                {"id": \(id), "error": {"code": -32313, "message": "Transaction already cancelled"}, "result": null,
                "mx_id": "588ffd16badd82e896f364935350f413"}
                """
        case ("paysys.payment_adjustments", _):
            return """
                {"id": \(id), "error": {"code": -32312, "message": "Not allowed", "data": {"remaining": 100}}, "mx_id": "adj"}
                """
        case ("paysys.get_fiscal_cheque", _):
            return """
                {"id": \(id), "error": null, "result": {"transaction_id": 11347050,
                "cheque": "https://ofd.soliq.uz/epi?t=EP000000000058&r=1020387&c=20230504110437&s=088681055845"},
                "mx_id": "588ffd16badd82e896f364935350f413"}
                """
        case ("paysys.invoice_create", _):
            return """
                {"id": \(id), "error": null, "result": {"id": 2693603, "vendor_id": 104466, "payment_id": -1,
                "order_id": "21258855-d57e-4c7c-9b7b-2215f9d1c992", "amount": "1000.22", "currency": "UZS", "status": 0,
                "order_note": "Payment for tickets", "payment_url": "https://paysys.uz/payform?hash=22c1c9ac0f85522db3a07b089be13e7f",
                "hash": "22c1c9ac0f85522db3a07b089be13e7f", "date": 1690547824}, "mx_id": "20f479b1539b8bcb841561524c954ab3"}
                """
        default:
            return #"{"id": \#(id), "error": {"code": -32314, "message": "Transaction not found", "data": null}}"#
        }
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "interop-server")
        logger.logLevel = .critical
        return logger
    }()

    static func withGateway(_ body: (String, Seen) async throws -> Void) async throws {
        let seen = Seen()
        let router = Router()
        router.post("gateway") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let json = try ExactJSON(parsing: Array(bytes.readableBytesView))
            let auth = request.headers.first(where: { $0.name.canonicalName == "auth" })?.value ?? ""
            seen.requests.withLock { $0.append((auth, json)) }
            let text = answer(for: json, id: json["id"] ?? .null)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: quietLogger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = stream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        do {
            try await body("http://127.0.0.1:\(port)/gateway", seen)
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
        task.cancel()
        _ = await task.result
    }

    static func client(_ url: String) -> PaySysClient {
        PaySysClient(
            configuration: .init(endpoint: url, credentials: PaySysCredentials(serviceID: "05e3bab097f42yu0a62ced0b", secretKey: "secret")),
            httpClient: HTTPClient.shared, logger: Logger(label: "interop"),
            now: { Date(timeIntervalSince1970: 1_399_114_284.0395) })
    }

    @Test func documentExamplesParse() async throws {
        try await Self.withGateway { url, seen in
            let client = Self.client(url)
            let info = try await client.paymentInfo(11424156)
            #expect(info.amount == Money(minorUnits: 1000, currency: .uzs))
            #expect(info.status == .completed)
            #expect(info.date == 1_683_530_177)
            #expect(info.vendorUserID == "1683530160817")
            #expect(info.bankTransactionID == 137_664_440)
            #expect(info.mxID == "588ffd16badd82e896f364935350f413")

            let liberal = try await client.paymentInfo(5)
            #expect(liberal.transactionID == 5)
            #expect(liberal.amount == Money(minorUnits: 250_050, currency: .uzs))
            #expect(liberal.status == .refunded)
            #expect(liberal.vendorUserID == "42")
            #expect(liberal.bankTransactionID == 137_664_441)
            #expect(liberal.mxID == "inside-result")

            let dollars = try await client.paymentInfo(6)
            #expect(dollars.amount == Money(minorUnits: 100, currency: .usd))
            #expect(dollars.status.rawValue == 7)
            #expect(!dollars.status.isKnown)

            let cheque = try await client.fiscalCheque(11347050, type: .payment)
            #expect(try ReceiptReference(url: cheque.url).fiscalSign == "088681055845")

            let invoice = try await client.createInvoice(InvoiceRequest(
                orderID: "21258855-d57e-4c7c-9b7b-2215f9d1c992", vendorID: 104466,
                amount: try Money(parsing: "1000.22", currency: .uzs), orderNote: "Payment for tickets"))
            #expect(invoice.amount.minorUnits == 100_022)
            #expect(invoice.id == 2_693_603)
            #expect(invoice.hash == "22c1c9ac0f85522db3a07b089be13e7f")
            #expect(invoice.mxID == "20f479b1539b8bcb841561524c954ab3")

            // What went over the wire.
            let requests = seen.requests.withLock { $0 }
            let first = try #require(requests.first)
            #expect(first.body["method"] == .string("paysys.payment_info"))
            #expect(first.body["params"]?["transaction_id"] == .number("11424156"))
            #expect(first.body["jsonrpc"] == nil)
            #expect(first.body["id"]?.stringValue.flatMap(UUID.init(uuidString:)) != nil)
            #expect(first.auth == "05e3bab097f42yu0a62ced0b-b4c60339801620875cb8e4bb1eb15a7fbbcfd3ba-1399114284039")
            let invoiceParams = try #require(requests.last?.body["params"])
            #expect(invoiceParams["amount"] == .number("1000.22"))
            #expect(invoiceParams["payment_id"] == .number("-1"))
            #expect(invoiceParams["currency"] == .string("UZS"))
            // each request has its own id
            #expect(Set(requests.compactMap { $0.body["id"]?.stringValue }).count == requests.count)
        }
    }

    @Test func errorObjectsWithAndWithoutData() async throws {
        try await Self.withGateway { url, seen in
            let client = Self.client(url)
            let cancel = try await expectPaySysError { try await client.cancelPayment(11424156) }
            #expect(cancel.kind == .gateway(code: .alreadyCancelled, message: "Transaction already cancelled", data: nil))
            #expect(cancel.mxID == "588ffd16badd82e896f364935350f413")
            #expect(!cancel.isOutcomeUnknown)

            let refund = try await expectPaySysError {
                try await client.adjustPayment(11424156, amount: Money(minorUnits: 100_000, currency: .uzs))
            }
            #expect(refund.kind == .gateway(code: .alreadyCompleted, message: "Not allowed", data: .object(["remaining": .number("100")])))
            #expect(refund.description.contains("-32312"))
            let params = try #require(seen.requests.withLock { $0.last?.body["params"] })
            #expect(params["amount"] == .number("100000"))
            #expect(params["currency"] == .string("UZS"))

            let missing = try await expectPaySysError { try await client.paymentInfo(1) }
            #expect(missing.gatewayCode == .transactionNotFound)
            guard case .gateway(_, _, let data) = missing.kind else { throw UnexpectedKind(missing) }
            #expect(data == nil)
        }
    }

    @Test func majorUnitSwitch() async throws {
        try await Self.withGateway { url, _ async throws in
            var configuration = Self.client(url).configuration
            configuration.paymentInfoAmountUnit = .major
            let client = PaySysClient(
                configuration: configuration, httpClient: HTTPClient.shared, logger: Logger(label: "t"),
                now: { Date() })
            #expect(try await client.paymentInfo(11424156).amount == Money(minorUnits: 100_000, currency: .uzs))
        }
    }
}

import FiscalCore
import Foundation
import PaySysClient
import Sandbox
import Testing

@Suite("Secrets never leave; exact JSON; retry policy")
struct SecretAndParsingTests {
    @Test func theSecretAppearsInNoLogLineAndNoErrorDescription() async throws {
        let faults: [GatewayMethod: FaultPlan] = [
            .fiscalCheque: .fault(.serverError(status: 503), .firstCalls(1)),
            .invoiceCreate: .fault(.malformedJSON),
        ]
        try await withSandbox(sandboxConfiguration(faults: faults)) { sandbox in
            let store = LogStore()
            let client = makeClient(for: sandbox, logger: store.logger)
            let wrong = makeClient(for: sandbox, secret: sandboxSecret + "-wrong", logger: store.logger)
            let seeded = try #require(await sandbox.world.firstPaid())
            var descriptions: [String] = []
            _ = try await client.paymentInfo(seeded.id)
            _ = try await client.fiscalCheque(seeded.id, type: .payment)
            for call in [
                { _ = try await client.paymentInfo(1) },
                { _ = try await client.cancelPayment(seeded.id) },
                { _ = try await client.createInvoice(InvoiceRequest(orderID: "o", vendorID: 104466, amount: .zero(.uzs), orderNote: "")) },
                { _ = try await wrong.paymentInfo(seeded.id) },
            ] as [() async throws -> Void] {
                do { try await call() } catch { descriptions += ["\(error)", String(reflecting: error)] }
            }
            let lines = store.all
            #expect(lines.count >= 8)
            #expect(lines.contains { $0.contains("gateway.method=paysys.payment_info") && $0.contains("transaction.id=") })
            #expect(lines.contains { $0.contains("gateway.mx_id=") })
            for text in lines + descriptions {
                #expect(!text.contains(sandboxSecret), "secret leaked: \(text)")
                #expect(!text.contains("svc-test-"), "Auth header leaked: \(text)")
            }
            #expect(descriptions.count == 8)
            let credentials = client.configuration.credentials
            #expect(!"\(credentials)".contains(sandboxSecret))
            #expect(!String(reflecting: credentials).contains(sandboxSecret))
            #expect(!String(describing: client.configuration).contains(sandboxSecret))
        }
    }

    @Test func authHeaderMatchesTheDocumentedFormula() {
        let credentials = PaySysCredentials(serviceID: "05e3bab097f42yu0a62ced0b", secretKey: "secret")
        // sha1("secret1399114284039"), computed independently
        #expect(credentials.authHeader(timestampMilliseconds: 1_399_114_284_039)
            == "05e3bab097f42yu0a62ced0b-b4c60339801620875cb8e4bb1eb15a7fbbcfd3ba-1399114284039")
    }

    @Test(arguments: ["1000.22", "0.01", "-0.5", "90071992547409.93", "1e3", "123456789012345678901234567890"])
    func numbersKeepTheirLiteralText(_ literal: String) throws {
        let json = try ExactJSON(parsing: #"{"amount": \#(literal), "nested": [1, {"x": "\u00e9\n"}]}"#)
        #expect(json["amount"] == .number(literal))
        #expect(json["nested"]?.elements?.last?["x"] == .string("é\n"))
        // encoding round-trips exactly
        #expect(try ExactJSON(parsing: json.encoded()) == json)
        #expect(String(decoding: json.encoded(), as: UTF8.self).contains("\"amount\":\(literal)"))
    }

    @Test func exactDecimalFromJSONBecomesExactMoney() throws {
        let json = try ExactJSON(parsing: #"{"amount": 1000.22, "s": "56990.10"}"#)
        #expect(try Money(parsing: try #require(json["amount"]?.scalarText), currency: .uzs).minorUnits == 100_022)
        #expect(try Money(parsing: try #require(json["s"]?.scalarText), currency: .uzs).minorUnits == 5_699_010)
        #expect(ExactJSON.string("42").int64Value == 42)
        #expect(ExactJSON.number("-1").int64Value == -1)
        #expect(ExactJSON.number("1.5").int64Value == nil)
        #expect(ExactJSON.number("1e3").int64Value == nil)
    }

    @Test(arguments: ["", "{", "{\"a\" 1}", "[1,]", "01", "1.", "\"\\x\"", "{\"a\":1} x", "nul", "\"\u{01}\""])
    func invalidJSONIsRejected(_ text: String) {
        #expect(throws: ExactJSONError.self) { try ExactJSON(parsing: text) }
    }

    @Test func deepNestingIsRejected() {
        let text = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: ExactJSONError.self) { try ExactJSON(parsing: text) }
    }

    @Test func backoffCeilingDoublesAndCaps() {
        let retry = PaySysClient.Configuration.Retry(
            maxAttempts: 6, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(500))
        #expect(retry.ceiling(forRetry: 1) == .milliseconds(100))
        #expect(retry.ceiling(forRetry: 2) == .milliseconds(200))
        #expect(retry.ceiling(forRetry: 3) == .milliseconds(400))
        #expect(retry.ceiling(forRetry: 4) == .milliseconds(500))
        #expect(retry.ceiling(forRetry: 9) == .milliseconds(500))
        #expect(PaySysClient.Configuration.Retry.none.maxAttempts == 1)
    }

    /// docs/DESIGN.md, "Which answers mean refused": every row, and what is not in the table.
    @Test(arguments: [
        // Refused: business codes that say the call was not applied.
        (PaySysError.Kind.gateway(code: -32300, message: "", data: nil), false),
        (.gateway(code: -32312, message: "", data: nil), false),
        (.gateway(code: -32313, message: "", data: nil), false),
        (.gateway(code: -32314, message: "", data: nil), false),
        (.gateway(code: -32315, message: "", data: nil), false),
        (.gateway(code: -32316, message: "", data: nil), false),
        (.gateway(code: -32317, message: "", data: nil), false),
        (.gateway(code: -32319, message: "", data: nil), false),
        (.gateway(code: -32320, message: "", data: nil), false),
        (.gateway(code: -32504, message: "", data: nil), false),
        (.gateway(code: -32600, message: "", data: nil), false),
        (.gateway(code: -32601, message: "", data: nil), false),
        (.gateway(code: -32700, message: "", data: nil), false),
        (.http(status: 401), false), (.http(status: 403), false), (.rateLimited(retryAfter: 3), false),
        (.rateLimited(retryAfter: nil), false),
        // Unknown: everything else.
        (.gateway(code: -32400, message: "system error", data: nil), true),
        (.gateway(code: -32318, message: "", data: nil), true),
        (.gateway(code: -31999, message: "undocumented", data: nil), true),
        (.http(status: 500), true), (.http(status: 502), true), (.http(status: 503), true), (.http(status: 408), true),
        (.http(status: 499), true), (.http(status: 404), true), (.http(status: 400), true),
        (.timeout, true), (.connection(reason: "reset by peer"), true), (.malformedResponse(reason: "x"), true),
        (.protocolViolation(reason: "id"), true), (.responseTooLarge(limit: 10), true),
    ])
    func refusalTable(kind: PaySysError.Kind, unknown: Bool) {
        let error = PaySysError(kind: kind, method: "paysys.payment_adjustments", transactionID: 7)
        #expect(error.isOutcomeUnknown == unknown, "\(kind)")
        #expect((error.refusalProof == nil) == unknown)
        // A request that never left is refused whatever the kind.
        let unsent = PaySysError(kind: kind, method: "paysys.payment_adjustments", requestMayHaveBeenSent: false)
        #expect(!unsent.isOutcomeUnknown)
    }

    @Test func errorFlags() {
        let dropped = PaySysError(kind: .connection(reason: "reset"), method: "paysys.payment_cancel", transactionID: 5)
        #expect(dropped.isOutcomeUnknown && dropped.isTransient)
        let refused = PaySysError(kind: .connection(reason: "refused"), method: "m", requestMayHaveBeenSent: false)
        #expect(!refused.isOutcomeUnknown && refused.isTransient)
        let gateway = PaySysError(kind: .gateway(code: .processingUnavailable, message: "", data: nil), method: "m")
        #expect(gateway.isTransient && gateway.isOutcomeUnknown, "-32318 does not say the call was refused")
        #expect(PaySysError(kind: .http(status: 502), method: "m").isOutcomeUnknown)
        #expect(PaySysError.GatewayCode(rawValue: -1).meaning == nil)
        #expect(dropped.description.contains("transaction 5"))
    }
}

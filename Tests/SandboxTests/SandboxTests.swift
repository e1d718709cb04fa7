import AsyncHTTPClient
import FiscalCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Sandbox
import Testing

let now = Date(timeIntervalSince1970: TimeInterval(Tashkent.LocalDateTime(year: 2026, month: 4, day: 2, hour: 12).epochSeconds))
let march = YearMonth(year: 2026, month: 3)

func configuration(
    seed: UInt64 = 1, count: Int = 300, receiptFaults: ReceiptFaultPlan = .none,
    gatewayFaults: [GatewayMethod: FaultPlan] = [:]
) -> SandboxConfiguration {
    SandboxConfiguration(
        seed: seed, month: march, transactionCount: count, recentTransactionCount: 5, now: { now },
        gatewayFaults: gatewayFaults, receiptFaults: receiptFaults)
}

func withSandbox(_ configuration: SandboxConfiguration, _ body: (SandboxServer) async throws -> Void) async throws {
    let sandbox = try await SandboxServer.start(configuration: configuration, logger: Logger(label: "sandbox"))
    do {
        try await body(sandbox)
    } catch {
        await sandbox.shutdown()
        throw error
    }
    await sandbox.shutdown()
}

struct HTTPAnswer {
    var status: Int
    var headers: [(String, String)]
    var body: String
}

func send(
    _ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: [UInt8]? = nil,
    timeout: TimeAmount = .seconds(10)
) async throws -> HTTPAnswer {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: timeout)
    let bytes = try await response.body.collect(upTo: 1 << 22)
    return HTTPAnswer(
        status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
        body: String(decoding: bytes.readableBytesView, as: UTF8.self))
}

@Suite("Sandbox: seeded data")
struct SandboxSeedTests {
    @Test func sameSeedSameWorld() async {
        let a = await SandboxWorld(configuration: configuration(seed: 42)).allTransactions
        let b = await SandboxWorld(configuration: configuration(seed: 42)).allTransactions
        let c = await SandboxWorld(configuration: configuration(seed: 43)).allTransactions
        #expect(a == b)
        #expect(a != c)
        #expect(a.count == 305)
    }

    @Test func aRealisticMonth() async throws {
        let transactions = await SandboxWorld(configuration: configuration()).allTransactions
        let inMonth = Array(transactions.prefix(300))
        #expect(inMonth.allSatisfy { march.contains(epochSeconds: $0.date) })
        #expect(Set(transactions.map(\.id)).count == transactions.count)
        // the month's edges, in Tashkent time
        #expect(inMonth.contains { $0.localDate.day == 1 && $0.localDate.hour == 0 && $0.localDate.minute == 0 })
        #expect(inMonth.contains { $0.localDate.day == 31 && $0.localDate.hour == 23 && $0.localDate.minute == 59 })
        let p2p = inMonth.filter { $0.type == .p2p }.count
        #expect((20...80).contains(p2p))
        let unpaid = inMonth.filter { $0.status != .completed }
        #expect(!unpaid.isEmpty && unpaid.count < 30)
        #expect(unpaid.allSatisfy { $0.receipt == nil && ($0.status == .created || $0.status == .error) })
        #expect(inMonth.allSatisfy { $0.amount.currency == .uzs && $0.amount.minorUnits > 0 })
        #expect(Set(inMonth.map(\.amount)).count > 200)
        let receipts = inMonth.compactMap(\.receipt)
        #expect(receipts.allSatisfy { $0.terminalID.count == 14 && $0.terminalID.hasPrefix("EP") })
        #expect(receipts.allSatisfy { $0.fiscalSign.count == 12 && $0.fiscalSign.allSatisfy(\.isNumber) })
        #expect(receipts.contains { $0.fiscalSign.hasPrefix("0") })
        #expect(receipts.allSatisfy { $0.kind == .sale && $0.commissionerTIN == "310995649" })
        #expect(Set(receipts.map { "\($0.terminalID)/\($0.receiptNumber)" }).count == receipts.count)
        for transaction in inMonth { #expect(transaction.receipt.map { $0.issuedAt == transaction.localDate && $0.total == transaction.amount } ?? true) }
        // the recent ones sit inside the cancel window
        let recent = transactions.suffix(5)
        #expect(recent.count == 5)
        #expect(recent.allSatisfy { Int64(now.timeIntervalSince1970) - $0.date < 7 * 86_400 })
    }
}

@Suite("Sandbox: gateway over HTTP")
struct SandboxGatewayTests {
    func call(_ sandbox: SandboxServer, _ body: String, auth: String? = nil) async throws -> ExactJSON {
        let header = auth ?? sandbox.authHeader(timestampMilliseconds: Int64(now.timeIntervalSince1970 * 1000))
        let answer = try await send(sandbox.gatewayURL, method: .POST, headers: [("Auth", header)], body: Array(body.utf8))
        #expect(answer.status == 200)
        return try ExactJSON(parsing: answer.body)
    }

    @Test func envelopeErrors() async throws {
        try await withSandbox(configuration(count: 10)) { sandbox in
            let parse = try await call(sandbox, "{not json")
            #expect(parse["error"]?["code"] == .number("-32700"))
            #expect(parse["id"] == .null)
            let missing = try await call(sandbox, #"{"method":"paysys.payment_info","params":{},"id":"a"}"#)
            #expect(missing["error"]?["code"] == .number("-32300"))
            #expect(missing["id"] == .string("a"))
            let unknown = try await call(sandbox, #"{"method":"paysys.nope","params":{},"id":"b"}"#)
            #expect(unknown["error"]?["code"] == .number("-32601"))
            let invalid = try await call(sandbox, #"{"method":"paysys.payment_info","id":"c"}"#)
            #expect(invalid["error"]?["code"] == .number("-32600"))
            let noAuth = try await call(sandbox, #"{"method":"paysys.payment_info","params":{"transaction_id":1},"id":"d"}"#, auth: "garbage")
            #expect(noAuth["error"]?["code"] == .number("-32504"))
            #expect(noAuth["mx_id"]?.stringValue?.count == 32)
        }
    }

    @Test func paymentInfoUsesTheDocumentedShape() async throws {
        try await withSandbox(configuration(count: 10)) { sandbox in
            let first = try #require(await sandbox.world.allTransactions.first { $0.status == .completed })
            let answer = try await call(sandbox, #"{"method":"paysys.payment_info","params":{"transaction_id":\#(first.id)},"id":"x"}"#)
            let result = try #require(answer["result"])
            #expect(answer["error"] == .null)
            #expect(result["currency"] == .number("860"))
            #expect(result["amount"] == .number(String(first.amount.minorUnits)))
            #expect(result["status"] == .number("2"))
            #expect(answer["jsonrpc"] == nil)
        }
    }

    @Test func droppedConnectionLooksDroppedToAsyncHTTPClient() async throws {
        try await withSandbox(configuration(count: 5, gatewayFaults: [.paymentInfo: .fault(.dropConnection)])) { sandbox in
            let body = Array(#"{"method":"paysys.payment_info","params":{"transaction_id":1},"id":"x"}"#.utf8)
            await #expect(throws: HTTPClientError.remoteConnectionClosed) {
                _ = try await send(sandbox.gatewayURL, method: .POST, body: body)
            }
            #expect(await sandbox.world.callCount(.paymentInfo) == 1)
        }
    }

    @Test func probabilisticFaultsAreDeterministic() async throws {
        func run() async throws -> [Int] {
            var statuses: [Int] = []
            let plan = FaultPlan.fault(.serverError(status: 503), .probability(0.5))
            try await withSandbox(configuration(seed: 9, count: 5, gatewayFaults: [.paymentInfo: plan])) { sandbox in
                for _ in 0..<16 {
                    let body = Array(#"{"method":"paysys.payment_info","params":{"transaction_id":1},"id":"x"}"#.utf8)
                    statuses.append(try await send(sandbox.gatewayURL, method: .POST, body: body).status)
                }
            }
            return statuses
        }
        let first = try await run()
        #expect(first == (try await run()))
        #expect(first.contains(503) && first.contains(200))
    }

    @Test func shutdownStopsListening() async throws {
        let sandbox = try await SandboxServer.start(configuration: configuration(count: 1), logger: Logger(label: "s"))
        #expect(try await send(sandbox.baseURL + "/epi").status == 200)
        await sandbox.shutdown()
        await #expect(throws: (any Error).self) { _ = try await send(sandbox.baseURL + "/epi", timeout: .seconds(1)) }
        #expect(sandbox.bannerLines.contains { $0.contains(sandbox.gatewayURL) })
        #expect(sandbox.bannerLines.contains { $0.contains(sandbox.secretKey) })
    }
}

@Suite("Sandbox: receipt site")
struct SandboxReceiptSiteTests {
    func firstReceipt(_ sandbox: SandboxServer) async throws -> (SandboxReceiptSpec, String) {
        let transaction = try #require(await sandbox.world.allTransactions.first { $0.receipt != nil })
        let spec = try #require(transaction.receipt)
        return (spec, await sandbox.world.receiptURL(spec))
    }

    @Test func legacyPagesAndNotFound() async throws {
        try await withSandbox(configuration(count: 10)) { sandbox in
            let (spec, url) = try await firstReceipt(sandbox)
            #expect(url.hasPrefix("http://\(sandbox.receiptHost)/epi?t=\(spec.terminalID)&r=\(spec.receiptNumber)&c="))
            let page = try await send(url)
            #expect(page.status == 200)
            #expect(page.body.contains(spec.terminalID))
            #expect(page.body != SandboxReceipts.notFoundPage)
            let checkForm = try await send(url.replacingOccurrences(of: "/epi?", with: "/check?"))
            #expect(checkForm.body == page.body)
            let wrongSign = try await send(url.replacingOccurrences(of: "s=\(spec.fiscalSign)", with: "s=000000000001"))
            #expect(wrongSign.body == SandboxReceipts.notFoundPage)
        }
    }

    @Test func signedJSONAPI() async throws {
        try await withSandbox(configuration(count: 10)) { sandbox in
            let (spec, _) = try await firstReceipt(sandbox)
            let body = Array(#"{"terminalId":"\#(spec.terminalID)","paymentNo":"\#(spec.receiptNumber)","fiscalSign":"\#(spec.fiscalSign)","paymentType":"CHECK_EPI"}"#.utf8)
            let timestamp = "1775113200"
            let signature = SandboxServer.receiptAPISignature(
                key: sandbox.configuration.receiptAPIKey, terminalID: spec.terminalID, paymentNo: spec.receiptNumber,
                timestamp: timestamp)
            let ok = try await send(sandbox.receiptAPIURL, method: .POST,
                headers: [("x-timestamp", timestamp), ("x-signature", signature)], body: body)
            #expect(ok.status == 200)
            #expect(ok.body == String(decoding: SandboxReceipts.apiPayload(SandboxReceipts.receipt(for: spec)), as: UTF8.self))
            let forged = try await send(sandbox.receiptAPIURL, method: .POST,
                headers: [("x-timestamp", timestamp), ("x-signature", String(repeating: "0", count: 64))], body: body)
            #expect(forged.status == 401)
            let unknownBody = Array(#"{"terminalId":"EP000000000000","paymentNo":"1"}"#.utf8)
            let unknownSignature = SandboxServer.receiptAPISignature(
                key: sandbox.configuration.receiptAPIKey, terminalID: "EP000000000000", paymentNo: "1", timestamp: timestamp)
            let unknown = try await send(sandbox.receiptAPIURL, method: .POST,
                headers: [("x-timestamp", timestamp), ("x-signature", unknownSignature)], body: unknownBody)
            #expect(unknown.body == String(decoding: SandboxReceipts.apiNotFoundPayload, as: UTF8.self))
        }
    }

    @Test func receiptFaults() async throws {
        let plan = ReceiptFaultPlan(rules: [
            FaultRule(.notYetRegistered, .firstCalls(2)),
            FaultRule(.spaShell, .calls([3])),
            FaultRule(.truncatedPage, .calls([4])),
            FaultRule(.serverError(status: 502), .calls([5])),
            FaultRule(.rateLimited(retryAfterSeconds: 7), .calls([6])),
        ])
        try await withSandbox(configuration(count: 10, receiptFaults: plan)) { sandbox in
            let (_, url) = try await firstReceipt(sandbox)
            #expect(try await send(url).body == SandboxReceipts.notFoundPage)
            #expect(try await send(url).body == SandboxReceipts.notFoundPage)
            #expect(try await send(url).body == SandboxReceipts.spaShell)
            let truncated = try await send(url).body
            let full = try await send(url.replacingOccurrences(of: "/epi?", with: "/check?"))  // call 5: 502
            #expect(full.status == 502)
            let limited = try await send(url)
            #expect(limited.status == 429)
            #expect(limited.headers.contains { $0.0.lowercased() == "retry-after" && $0.1 == "7" })
            let page = try await send(url).body
            #expect(page.hasPrefix(truncated) && truncated.count < page.count)
        }
    }

    @Test func notRegisteredUntilSomeTimeAfterIssue() async throws {
        let plan = ReceiptFaultPlan(rules: [FaultRule(.notYetRegistered, .untilSecondsAfterIssue(3600))])
        try await withSandbox(configuration(count: 10, receiptFaults: plan)) { sandbox in
            let fresh = await sandbox.world.addTransaction(
                amount: Money(minorUnits: 1_000_00, currency: .uzs), date: Int64(now.timeIntervalSince1970) - 60)
            let old = try await firstReceipt(sandbox)
            #expect(try await send(await sandbox.world.receiptURL(try #require(fresh.receipt))).body == SandboxReceipts.notFoundPage)
            #expect(try await send(old.1).body != SandboxReceipts.notFoundPage)
        }
    }
}

import Crypto
import FiscalCore
import Foundation

/// What the gateway endpoint does with one request.
enum GatewayReply: Sendable {
    /// Answer with this status, headers and body.
    case answer(status: Int, headers: [(String, String)], body: [UInt8])
    /// Close the connection without answering.
    case drop
}

/// A call held back by ``GatewayFault/errorThenApplyOnRetry(status:)``.
struct QueuedCall: Sendable {
    var method: GatewayMethod
    var params: ExactJSON
}

/// The `/gateway` endpoint: envelope, `Auth`, faults and the five methods.
struct SandboxGateway: Sendable {
    let configuration: SandboxConfiguration
    let world: SandboxWorld

    func handle(body: [UInt8], auth: String?) async -> GatewayReply {
        let mxID = await world.nextMxID()
        guard let json = try? ExactJSON(parsing: body) else {
            return Self.error(id: .null, code: -32700, message: "Parse error", mxID: mxID)
        }
        let id = json["id"] ?? .null
        guard json.members != nil, let methodName = json["method"]?.stringValue,
            let params = json["params"], params.members != nil, id.stringValue != nil || id.int64Value != nil
        else {
            return Self.error(id: id, code: -32600, message: "Invalid JSON-RPC object", mxID: mxID)
        }
        guard let method = GatewayMethod(rawValue: methodName) else {
            return Self.error(id: id, code: -32601, message: "Method not found: \(methodName)", mxID: mxID)
        }
        let (latency, fault) = await world.admit(method)
        if latency > .zero { try? await Task.sleep(for: latency) }
        switch fault {
        case .serverError(let status)?:
            return .answer(status: status, headers: [("Content-Type", "text/plain")], body: Array("Service Unavailable".utf8))
        case .rateLimited(let seconds)?:
            return .answer(status: 429, headers: [("Retry-After", String(seconds))], body: Array("Too Many Requests".utf8))
        case .timeout(let hold)?:
            try? await Task.sleep(for: hold)
        case .dropConnection?:
            return .drop
        case .malformedJSON?:
            return .answer(status: 200, headers: [("Content-Type", "application/json")],
                body: Array("{\"id\": \(id), \"error\": null, \"result\": {\"transaction_id\": 1".utf8))
        case .gatewayError(let code, let message)?:
            return Self.error(id: id, code: code, message: message, mxID: mxID)
        case .errorThenApplyOnRetry(let status)?:
            if verify(auth: auth) == nil, let target = params["transaction_id"]?.int64Value {
                await world.queue(QueuedCall(method: method, params: params), transaction: TransactionID(target))
            }
            return .answer(status: status, headers: [("Content-Type", "text/plain")], body: Array("Bad Gateway".utf8))
        case .dropThenApply(let delay)?:
            if verify(auth: auth) == nil {
                let gateway = self
                Task {
                    try? await Task.sleep(for: delay)
                    _ = try? await gateway.dispatch(method, params: params)
                }
            }
            return .drop
        case .mismatchedID?, .oversizedResponse?, .appliedButAnswerLost?, .applyThenError?, nil:
            break
        }
        if let refusal = verify(auth: auth) {
            return Self.error(id: id, code: refusal.code, message: refusal.message, mxID: mxID)
        }
        // A call queued by `errorThenApplyOnRetry` is applied when the same call comes again.
        if let target = params["transaction_id"]?.int64Value,
            let queued = await world.takeQueued(method, transaction: TransactionID(target))
        {
            _ = try? await dispatch(queued.method, params: queued.params)
        }
        let result: ExactJSON
        do throws(SandboxRefusal) {
            result = try await dispatch(method, params: params)
        } catch {
            return Self.error(id: id, code: error.code, message: error.message, mxID: mxID)
        }
        switch fault {
        case .appliedButAnswerLost?:
            return .drop
        case .applyThenError(let status)?:
            return .answer(status: status, headers: [("Content-Type", "text/plain")], body: Array("Internal Server Error".utf8))
        case .mismatchedID?:
            return Self.success(id: .string(UUID().uuidString.lowercased()), result: result, mxID: mxID)
        case .oversizedResponse(let bytes)?:
            var members = result.members ?? []
            members.append(.init("padding", .string(String(repeating: "x", count: bytes))))
            return Self.success(id: id, result: .object(members), mxID: mxID)
        default:
            return Self.success(id: id, result: result, mxID: mxID)
        }
    }

    /// Checks `Auth: <service_id>-<sha1hex(secret + ts)>-<ts>`; the service id may itself contain dashes.
    func verify(auth: String?) -> SandboxRefusal? {
        let denied = SandboxRefusal(code: -32504, message: "Insufficient privileges: invalid Auth header")
        guard let auth else { return denied }
        let parts = auth.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let timestamp = Int64(parts[parts.count - 1]) else { return denied }
        let hash = String(parts[parts.count - 2]).lowercased()
        let service = parts[0..<(parts.count - 2)].joined(separator: "-")
        let expected = Insecure.SHA1.hash(data: Array((configuration.secretKey + String(parts[parts.count - 1])).utf8))
            .map { String(format: "%02x", $0) }.joined()
        guard service == configuration.serviceID, hash == expected else { return denied }
        let nowMilliseconds = Int64((configuration.now().timeIntervalSince1970 * 1000).rounded(.down))
        guard abs(nowMilliseconds - timestamp) <= configuration.allowedClockSkewSeconds * 1000 else {
            return SandboxRefusal(code: -32320, message: "Stale request: timestamp outside the allowed clock skew")
        }
        return nil
    }

    func dispatch(_ method: GatewayMethod, params: ExactJSON) async throws(SandboxRefusal) -> ExactJSON {
        if method == .invoiceCreate { return try await invoice(params) }
        guard let raw = params["transaction_id"]?.int64Value, raw > 0 else { throw .missing("transaction_id") }
        let id = TransactionID(raw)
        switch method {
        case .paymentInfo:
            guard let transaction = await world.reportedTransaction(id) else { throw .notFound(id) }
            return .object([
                "transaction_id": .integer(id.rawValue), "vendor_user_id": .string(transaction.vendorUserID),
                "bank_transaction_id": .integer(transaction.bankTransactionID),
                "amount": .integer(transaction.amount.minorUnits),
                "currency": .integer(Int64(transaction.amount.currency.numericCode)),
                "status": .integer(Int64(transaction.status.rawValue)), "date": .integer(transaction.date),
            ])
        case .paymentCancel:
            return Self.operation(try await world.cancel(id))
        case .paymentAdjustments:
            guard let minor = params["amount"]?.int64Value else { throw .missing("amount (minor units)") }
            let code = params["currency"]?.scalarText ?? "UZS"
            guard let currency = Currency(code: code) else { throw .missing("currency \(code)") }
            return Self.operation(try await world.refund(id, amount: Money(minorUnits: minor, currency: currency)))
        case .fiscalCheque:
            guard let text = params["type"]?.stringValue, let type = TransactionType(rawValue: text) else {
                throw .missing("type (payment or p2p)")
            }
            let (url, refunds) = try await world.cheque(id, type: type)
            var members: [ExactJSON.Member] = [.init("transaction_id", .integer(id.rawValue)), .init("cheque", .string(url))]
            if !refunds.isEmpty { members.append(.init("refund_cheques", .array(refunds.map(ExactJSON.string)))) }
            return .object(members)
        case .invoiceCreate:
            throw .missing("method")
        }
    }

    private func invoice(_ params: ExactJSON) async throws(SandboxRefusal) -> ExactJSON {
        guard let orderID = params["order_id"]?.scalarText, !orderID.isEmpty else { throw .missing("order_id") }
        guard let vendorID = params["vendor_id"]?.int64Value else { throw .missing("vendor_id") }
        let paymentID = params["payment_id"]?.int64Value ?? -1
        let code = params["currency"]?.scalarText ?? "UZS"
        guard let currency = Currency(code: code) else { throw .missing("currency \(code)") }
        guard let amountText = params["amount"]?.scalarText, let amount = try? Money(parsing: amountText, currency: currency)
        else { throw .missing("amount") }
        let invoice = try await world.createInvoice(
            orderID: orderID, vendorID: vendorID, paymentID: paymentID, amount: amount, currencyCode: code,
            note: params["order_note"]?.stringValue ?? "")
        return .object([
            "id": .integer(invoice.id), "vendor_id": .integer(invoice.vendorID), "payment_id": .integer(invoice.paymentID),
            "order_id": .string(invoice.orderID), "amount": .string(invoice.amount.decimalString),
            "currency": .string(invoice.currencyCode), "status": .integer(0), "order_note": .string(invoice.orderNote),
            "payment_url": .string(invoice.paymentURL), "hash": .string(invoice.hash), "date": .integer(invoice.date),
        ])
    }

    private static func operation(_ transaction: SandboxTransaction) -> ExactJSON {
        .object([
            "transaction_id": .integer(transaction.id.rawValue), "bank_transaction_id": .integer(transaction.bankTransactionID),
            "vendor_user_id": .string(transaction.vendorUserID), "status": .integer(Int64(transaction.status.rawValue)),
        ])
    }

    static func success(id: ExactJSON, result: ExactJSON, mxID: String) -> GatewayReply {
        let body = ExactJSON.object(["id": id, "error": .null, "result": result, "mx_id": .string(mxID)])
        return .answer(status: 200, headers: [("Content-Type", "application/json")], body: body.encoded())
    }

    static func error(id: ExactJSON, code: Int, message: String, mxID: String) -> GatewayReply {
        let error = ExactJSON.object(["code": .integer(Int64(code)), "message": .string(message)])
        let body = ExactJSON.object(["id": id, "error": error, "result": .null, "mx_id": .string(mxID)])
        return .answer(status: 200, headers: [("Content-Type", "application/json")], body: body.encoded())
    }
}

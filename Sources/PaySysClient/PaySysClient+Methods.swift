import FiscalCore

extension PaySysClient {
    /// The gateway's method names.
    public enum Method {
        /// `paysys.payment_info` (read, retried).
        public static let paymentInfo = "paysys.payment_info"
        /// `paysys.payment_cancel` (moves money, never retried).
        public static let paymentCancel = "paysys.payment_cancel"
        /// `paysys.payment_adjustments` (moves money, never retried).
        public static let paymentAdjustments = "paysys.payment_adjustments"
        /// `paysys.get_fiscal_cheque` (read, retried).
        public static let fiscalCheque = "paysys.get_fiscal_cheque"
        /// `paysys.invoice_create` (creates state, never retried).
        public static let invoiceCreate = "paysys.invoice_create"
    }

    /// `paysys.payment_info`: amount, status, date and order id of a transaction. Retried when transient.
    public func paymentInfo(_ id: TransactionID) async throws(PaySysError) -> PaymentInfo {
        let method = Method.paymentInfo
        let answer = try await call(method, params: .object(["transaction_id": .integer(id.rawValue)]),
            transactionID: id, retryable: true)
        let reader = ResultReader(answer: answer, method: method, transactionID: id)
        let currency = try reader.currency("currency") ?? .uzs
        let amountText = try reader.requiredText("amount")
        let amount: Money
        switch configuration.paymentInfoAmountUnit {
        case .minor:
            guard let minor = ExactJSON.string(amountText).int64Value else {
                throw reader.malformed("amount \"\(amountText)\" is not a whole number of minor units")
            }
            amount = Money(minorUnits: minor, currency: currency)
        case .major:
            do {
                amount = try Money(parsing: amountText, currency: currency)
            } catch {
                throw reader.malformed("amount \"\(amountText)\" is not a decimal amount")
            }
        }
        return PaymentInfo(
            transactionID: try reader.resolvedTransactionID(), vendorUserID: reader.optionalText("vendor_user_id"),
            bankTransactionID: try reader.optionalInteger("bank_transaction_id"), amount: amount,
            status: PaySysStatus(rawValue: Int(try reader.requiredInteger("status"))),
            date: try reader.requiredInteger("date"), mxID: answer.mxID)
    }

    /// `paysys.payment_cancel`: reverses a payment (within 7 days, once). Sent exactly once, never retried.
    public func cancelPayment(_ id: TransactionID) async throws(PaySysError) -> OperationResult {
        let method = Method.paymentCancel
        let answer = try await call(method, params: .object(["transaction_id": .integer(id.rawValue)]),
            transactionID: id, retryable: false)
        return try operationResult(answer, method: method, id: id)
    }

    /// `paysys.payment_adjustments`: refunds `amount` (sent in minor units with its alpha currency code).
    /// Sent exactly once, never retried.
    public func adjustPayment(_ id: TransactionID, amount: Money) async throws(PaySysError) -> OperationResult {
        let method = Method.paymentAdjustments
        let params = ExactJSON.object([
            "transaction_id": .integer(id.rawValue), "amount": .integer(amount.minorUnits),
            "currency": .string(amount.currency.alphaCode),
        ])
        let answer = try await call(method, params: params, transactionID: id, retryable: false)
        return try operationResult(answer, method: method, id: id)
    }

    /// `paysys.get_fiscal_cheque`: the receipt link of a payment or p2p transfer. Retried when transient.
    public func fiscalCheque(_ id: TransactionID, type: TransactionType) async throws(PaySysError) -> FiscalCheque {
        let method = Method.fiscalCheque
        let params = ExactJSON.object(["transaction_id": .integer(id.rawValue), "type": .string(type.rawValue)])
        let answer = try await call(method, params: params, transactionID: id, retryable: true)
        let reader = ResultReader(answer: answer, method: method, transactionID: id)
        let url = try reader.requiredText("cheque")
        var refunds: [String] = []
        if let value = answer.result["refund_cheques"], !value.isNull {
            guard let elements = value.elements else { throw reader.malformed("refund_cheques is not an array") }
            for element in elements {
                guard let link = element.stringValue else { throw reader.malformed("refund_cheques holds a non-string") }
                refunds.append(link)
            }
        }
        return FiscalCheque(transactionID: try reader.resolvedTransactionID(), url: url, refundURLs: refunds, mxID: answer.mxID)
    }

    /// `paysys.invoice_create`: a payment link for an order. The amount travels as an exact JSON decimal number
    /// (`1000.22`), TRY as `TRL`. Sent exactly once, never retried.
    public func createInvoice(_ request: InvoiceRequest) async throws(PaySysError) -> Invoice {
        let method = Method.invoiceCreate
        let currency = request.amount.currency == .try ? "TRL" : request.amount.currency.alphaCode
        let params = ExactJSON.object([
            "order_id": .string(request.orderID), "vendor_id": .integer(request.vendorID),
            "payment_id": .integer(request.paymentID), "currency": .string(currency),
            "amount": .number(request.amount.decimalString), "order_note": .string(request.orderNote),
        ])
        let answer = try await call(method, params: params, transactionID: nil, retryable: false)
        let reader = ResultReader(answer: answer, method: method, transactionID: nil)
        let resultCurrency = try reader.currency("currency") ?? request.amount.currency
        let amountText = try reader.requiredText("amount")
        let amount: Money
        do {
            amount = try Money(parsing: amountText, currency: resultCurrency)
        } catch {
            throw reader.malformed("amount \"\(amountText)\" is not a decimal amount")
        }
        return Invoice(
            id: try reader.requiredInteger("id"), vendorID: try reader.optionalInteger("vendor_id"),
            paymentID: try reader.optionalInteger("payment_id"),
            orderID: reader.optionalText("order_id") ?? request.orderID, amount: amount,
            status: Invoice.Status(rawValue: Int(try reader.optionalInteger("status") ?? 0)),
            orderNote: reader.optionalText("order_note"), paymentURL: try reader.requiredText("payment_url"),
            hash: reader.optionalText("hash"), date: try reader.optionalInteger("date"), mxID: answer.mxID)
    }

    private func operationResult(_ answer: Answer, method: String, id: TransactionID) throws(PaySysError) -> OperationResult {
        let reader = ResultReader(answer: answer, method: method, transactionID: id)
        return OperationResult(
            transactionID: try reader.resolvedTransactionID(),
            bankTransactionID: try reader.optionalInteger("bank_transaction_id"),
            vendorUserID: reader.optionalText("vendor_user_id"),
            status: PaySysStatus(rawValue: Int(try reader.requiredInteger("status"))), mxID: answer.mxID)
    }
}

/// Reads fields of a `result` object liberally: numbers may come as JSON numbers or numeric strings.
struct ResultReader {
    let answer: PaySysClient.Answer
    let method: String
    let transactionID: TransactionID?

    init(answer: PaySysClient.Answer, method: String, transactionID: TransactionID?) {
        self.answer = answer
        self.method = method
        self.transactionID = transactionID
    }

    func malformed(_ reason: String) -> PaySysError {
        PaySysError(kind: .malformedResponse(reason: reason), method: method, transactionID: transactionID, mxID: answer.mxID)
    }

    private func value(_ key: String) -> ExactJSON? {
        guard let value = answer.result[key], !value.isNull else { return nil }
        return value
    }

    func requiredText(_ key: String) throws(PaySysError) -> String {
        guard let text = value(key)?.scalarText, !text.isEmpty else { throw malformed("result.\(key) is missing") }
        return text
    }

    func optionalText(_ key: String) -> String? {
        value(key)?.scalarText.flatMap { $0.isEmpty ? nil : $0 }
    }

    func requiredInteger(_ key: String) throws(PaySysError) -> Int64 {
        guard let value = value(key) else { throw malformed("result.\(key) is missing") }
        guard let integer = value.int64Value else { throw malformed("result.\(key) is not an integer: \(value)") }
        return integer
    }

    func optionalInteger(_ key: String) throws(PaySysError) -> Int64? {
        guard let value = value(key) else { return nil }
        if case .string(let text) = value, text.isEmpty { return nil }
        guard let integer = value.int64Value else { throw malformed("result.\(key) is not an integer: \(value)") }
        return integer
    }

    /// A currency as ISO numeric (`860` or `"860"`), alpha (`"UZS"`) or lowercase alpha (`"uzs"`); `TRL` is TRY.
    func currency(_ key: String) throws(PaySysError) -> Currency? {
        guard let text = value(key)?.scalarText else { return nil }
        guard let currency = Currency(code: text) else { throw malformed("unknown currency \"\(text)\"") }
        return currency
    }

    /// The result's `transaction_id` as the gateway reports it, falling back to the requested id when omitted.
    ///
    /// A different id is not rejected: PaySys's own `payment_info` example answers a request for 11422530 with
    /// 11424156, so callers compare when it matters.
    func resolvedTransactionID() throws(PaySysError) -> TransactionID {
        if let raw = try optionalInteger("transaction_id") { return TransactionID(raw) }
        guard let transactionID else { throw malformed("result.transaction_id is missing") }
        return transactionID
    }
}

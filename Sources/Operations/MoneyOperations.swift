import Archive
import FiscalCore
import Foundation
import Logging
import PaySysClient

/// Refunds, cancellations and invoices through PaySys, with DESIGN.md rule 3's guard rails: refuse locally what
/// the gateway would refuse, record the intent durably before calling, call once, and after a lost answer ask
/// `payment_info` instead of calling again.
public final class MoneyOperations: Sendable {
    private let archive: ArchiveStore
    private let gateway: PaySysClient
    private let logger: Logger
    private let clock: @Sendable () -> Int64

    /// Creates the service over shared components.
    public init(
        archive: ArchiveStore, gateway: PaySysClient, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.archive = archive
        self.gateway = gateway
        self.logger = logger
        self.clock = clock
    }

    /// What an operation will do, shown to the user before confirmation.
    public struct Plan: Sendable {
        public var intent: OperationIntent
        /// The payment as PaySys described it just now.
        public var payment: PaymentSnapshot
        /// Sentences describing the effect, with the numbers.
        public var summary: String
    }

    /// How an operation ended, told plainly.
    public enum Outcome: Sendable, Equatable {
        /// Applied by the gateway (possibly learned by reconciling after a lost answer).
        case done(operationID: Int64, status: PaySysStatus, mxID: String?, reconciled: Bool)
        /// Refused by the gateway or shown not to have happened.
        case notDone(operationID: Int64, reason: String)
        /// Unknown: the intent stays pending; `fiscal-archive operations resolve` re-checks it.
        case unknown(operationID: Int64, reason: String)
    }

    // MARK: - Planning (reads only; the gateway's money-moving methods are not called)

    /// Asks `payment_info` afresh, records it, and checks a refund locally.
    public func planRefund(_ id: TransactionID, amount: Money, type: TransactionType = .payment, note: String? = nil)
        async throws -> Plan
    {
        let intent = OperationIntent(transactionID: id, kind: .refund(amount), note: note)
        let payment = try await refreshPayment(id, type: type)
        let context = try archive.operationContext(for: intent, now: clock())
        try OperationRules.checkRefund(context, amount: amount)
        let remaining = context.remainingRefundable.map { $0 - amount }
        let summary = "Refund \(amount) of transaction \(id) (paid \(payment.amount) at "
            + "\(Tashkent.iso8601(epochSeconds: payment.date)); already refunded "
            + "\((context.refundedSoFar ?? .zero(payment.amount.currency)).description); "
            + "remaining after this refund \(remaining?.description ?? "unknown"))."
        return Plan(intent: intent, payment: payment, summary: summary)
    }

    /// Asks `payment_info` afresh, records it, and checks a cancel locally.
    public func planCancel(_ id: TransactionID, type: TransactionType = .payment, note: String? = nil)
        async throws -> Plan
    {
        let intent = OperationIntent(transactionID: id, kind: .cancel, note: note)
        let payment = try await refreshPayment(id, type: type)
        let context = try archive.operationContext(for: intent, now: clock())
        try OperationRules.checkCancel(context)
        let deadline = payment.date + OperationRules.cancelWindow
        let summary = "Cancel transaction \(id): the whole payment of \(payment.amount) made at "
            + "\(Tashkent.iso8601(epochSeconds: payment.date)) is reversed (cancel window open until "
            + "\(Tashkent.iso8601(epochSeconds: deadline)))."
        return Plan(intent: intent, payment: payment, summary: summary)
    }

    // MARK: - Execution

    /// Records the intent (re-checking the rules inside the same write transaction), calls the gateway once,
    /// and records the outcome.
    public func execute(_ plan: Plan) async throws -> Outcome {
        let intent = plan.intent
        let record = try archive.beginOperation(intent, now: clock()) { context in
            switch intent.kind {
            case .cancel: try OperationRules.checkCancel(context)
            case .refund(let amount): try OperationRules.checkRefund(context, amount: amount)
            }
        }
        var logger = self.logger
        logger[metadataKey: "transaction.id"] = "\(intent.transactionID)"
        logger[metadataKey: "operation.id"] = "\(record.id)"
        logger.info("Calling the gateway", metadata: ["operation.kind": "\(record.kind)"])
        let result: OperationResult
        switch await call(intent) {
        case .success(let answer):
            result = answer
        case .failure(let error) where error.isOutcomeUnknown:
            logger.warning("The gateway's answer was lost; asking payment_info", metadata: ["error": "\(error)"])
            return try await reconcile(record, before: plan.payment, cause: "\(error)")
        case .failure(let error):
            let reason = "PaySys refused: \(error)"
            try archive.completeOperation(record.id, outcome: .failed(reason: reason), now: clock())
            return .notDone(operationID: record.id, reason: reason)
        }
        try archive.completeOperation(record.id, outcome: .succeeded(status: result.status, mxID: result.mxID), now: clock())
        logger.info("Operation done", metadata: ["gateway.mx_id": "\(result.mxID ?? "")"])
        await collectRefundReceiptLinks(intent.transactionID)
        return .done(operationID: record.id, status: result.status, mxID: result.mxID, reconciled: false)
    }

    /// The one gateway call of an operation; never retried.
    private func call(_ intent: OperationIntent) async -> Result<OperationResult, PaySysError> {
        switch intent.kind {
        case .cancel:
            return await outcome { () async throws(PaySysError) in try await gateway.cancelPayment(intent.transactionID) }
        case .refund(let amount):
            return await outcome { () async throws(PaySysError) in
                try await gateway.adjustPayment(intent.transactionID, amount: amount)
            }
        }
    }

    /// A gateway call's result as a value (the compiler mishandles `catch … where` on typed async throws).
    private func outcome<T>(of body: () async throws(PaySysError) -> T) async -> Result<T, PaySysError> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    /// Re-checks every pending intent with `payment_info`.
    public func resolvePending() async throws -> [(OperationRecord, Outcome)] {
        var results: [(OperationRecord, Outcome)] = []
        for record in try archive.pendingOperations() {
            let before = try archive.statusBefore(operation: record)
            results.append((record, try await reconcile(record, before: before, cause: record.reason ?? "pending")))
        }
        return results
    }

    /// Marks a pending intent by hand after checking with PaySys support (its `mx_id`): for the cases
    /// `payment_info` cannot settle, such as a second refund of an already partly refunded payment.
    public func settle(_ operationID: Int64, applied: Bool, note: String) throws -> Outcome {
        guard let record = try archive.operation(operationID) else {
            throw OperationSettleError(message: "No operation \(operationID) in the operations log")
        }
        // A cancel that happened leaves the payment cancelled; a refund leaves it refunded.
        let status: PaySysStatus = record.kind == .cancel ? .cancelled : .refunded
        let outcome: OperationOutcome = applied
            ? .succeeded(status: status, mxID: nil) : .failed(reason: "settled by hand: \(note)")
        try archive.completeOperation(operationID, outcome: outcome, now: clock())
        return applied
            ? .done(operationID: operationID, status: status, mxID: nil, reconciled: true)
            : .notDone(operationID: operationID, reason: "settled by hand: \(note)")
    }

    /// Decides from `payment_info` whether a call whose answer was lost took effect.
    private func reconcile(_ record: OperationRecord, before: PaymentSnapshot?, cause: String) async throws -> Outcome {
        let info: PaymentInfo
        do {
            info = try await gateway.paymentInfo(record.transactionID)
        } catch {
            let reason = "outcome unknown (\(cause)); payment_info failed too (\(error))"
            try archive.completeOperation(record.id, outcome: .unknown(reason: reason), now: clock())
            return .unknown(operationID: record.id, reason: reason)
        }
        let snapshot = PaymentSnapshot(info)
        switch record.kind {
        case .cancel:
            if info.status == .cancelled {
                try archive.completeOperation(record.id, outcome: .succeeded(status: info.status, mxID: info.mxID), now: clock())
                try archive.recordPaymentInfo(record.transactionID, snapshot, now: clock())
                await collectRefundReceiptLinks(record.transactionID)
                return .done(operationID: record.id, status: info.status, mxID: info.mxID, reconciled: true)
            }
            let reason = "payment_info reports status \(info.status) after the lost answer: the cancel did not happen"
            try archive.completeOperation(record.id, outcome: .failed(reason: reason), now: clock())
            return .notDone(operationID: record.id, reason: reason)
        case .refund:
            let wasRefunded = before?.status == .refunded
            if info.status == .refunded && !wasRefunded {
                try archive.completeOperation(record.id, outcome: .succeeded(status: info.status, mxID: info.mxID), now: clock())
                try archive.recordPaymentInfo(record.transactionID, snapshot, now: clock())
                await collectRefundReceiptLinks(record.transactionID)
                return .done(operationID: record.id, status: info.status, mxID: info.mxID, reconciled: true)
            }
            if info.status == .completed {
                let reason = "payment_info reports status \(info.status) after the lost answer: the refund did not happen"
                try archive.completeOperation(record.id, outcome: .failed(reason: reason), now: clock())
                return .notDone(operationID: record.id, reason: reason)
            }
            let reason = "outcome unknown (\(cause)): the payment was already partly refunded, so its status "
                + "(\(info.status)) cannot tell whether this refund happened; ask PaySys support, then run "
                + "`fiscal-archive operations resolve --settle \(record.id) --as done|not-done`"
            try archive.completeOperation(record.id, outcome: .unknown(reason: reason), now: clock())
            return .unknown(operationID: record.id, reason: reason)
        }
    }

    /// Asks for the transaction's receipt links again so the next sync archives the refund receipt (best effort:
    /// a failure here changes nothing, the re-check finds the links later).
    private func collectRefundReceiptLinks(_ id: TransactionID) async {
        do {
            guard let record = try archive.transaction(id) else { return }
            try await RefundReceiptLinks.collect(id, type: record.type, gateway: gateway, archive: archive, now: clock())
        } catch {
            logger.info("Refund receipt links not known yet", metadata: ["transaction.id": "\(id)", "error": "\(error)"])
        }
    }

    /// Fetches `payment_info`, tracking the transaction first if the archive does not know it yet.
    private func refreshPayment(_ id: TransactionID, type: TransactionType) async throws -> PaymentSnapshot {
        let info: PaymentInfo
        switch await outcome(of: { () async throws(PaySysError) -> PaymentInfo in try await gateway.paymentInfo(id) }) {
        case .success(let answer):
            info = answer
        case .failure(let error) where error.gatewayCode == -32314:
            throw OperationRefusal(.unknownTransaction, id, "PaySys does not know transaction \(id) (\(error)).")
        case .failure(let error):
            throw error
        }
        let snapshot = PaymentSnapshot(info)
        // Known transactions keep their type; `type` only matters for one the archive has not seen yet.
        if try archive.transaction(id) == nil {
            _ = try archive.track([TrackRequest(id: id, type: type, vendorOrderID: info.vendorUserID)], now: clock())
        }
        try archive.recordPaymentInfo(id, snapshot, now: clock())
        return snapshot
    }

    // MARK: - Invoices

    /// Creates an invoice through `invoice_create` and stores it.
    public func createInvoice(_ request: InvoiceRequest) async throws -> Invoice {
        let invoice = try await gateway.createInvoice(request)
        try archive.recordInvoice(
            InvoiceRecord(
                invoiceID: String(invoice.id), orderID: invoice.orderID, vendorID: invoice.vendorID,
                amount: invoice.amount, note: invoice.orderNote ?? request.orderNote, status: invoice.status.rawValue,
                paymentURL: invoice.paymentURL, gatewayDate: invoice.date),
            now: clock())
        return invoice
    }
}

extension PaymentSnapshot {
    /// What the archive keeps of a `payment_info` answer.
    public init(_ info: PaymentInfo) {
        self.init(
            amount: info.amount, status: info.status, date: info.date, vendorOrderID: info.vendorUserID,
            bankTransactionID: info.bankTransactionID.map { String($0) }, mxID: info.mxID)
    }
}

/// A hand settlement that names no known operation.
public struct OperationSettleError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

import Archive
import FiscalCore
import Foundation
import Logging
import PaySysClient
import Sync

/// Refunds, cancellations and invoices through PaySys, with DESIGN.md rule 3's guard rails: refuse locally what
/// the gateway would refuse, record the intent durably before calling, call once, and after a lost answer ask
/// `payment_info` instead of calling again.
public final class MoneyOperations: Sendable {
    private let archive: any ArchiveStore
    private let gateway: PaySysClient
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    /// When pending operations are checked again, and when their window closes.
    public let schedule: SettleSchedule

    /// Creates the service over shared components.
    public init(
        archive: any ArchiveStore, gateway: PaySysClient, logger: Logger, schedule: SettleSchedule = .standard,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.archive = archive
        self.gateway = gateway
        self.logger = logger
        self.schedule = schedule
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

    /// Refuses, without asking the gateway anything, when an earlier operation on the payment is still pending.
    public func checkNothingPending(_ id: TransactionID) async throws {
        let context = try await archive.operationContext(for: OperationIntent(transactionID: id, kind: .cancel), now: clock())
        try OperationRules.checkNothingPending(context)
    }

    /// Asks `payment_info` afresh, records it, and checks a refund locally.
    public func planRefund(_ id: TransactionID, amount: Money, type: TransactionType = .payment, note: String? = nil)
        async throws -> Plan
    {
        let intent = OperationIntent(transactionID: id, kind: .refund(amount), note: note)
        try await checkNothingPending(id)
        let payment = try await refreshPayment(id, type: type)
        let context = try await archive.operationContext(for: intent, now: clock())
        try OperationRules.checkRefund(context, amount: amount)
        let remaining = context.remainingRefundable.map { $0 - amount }
        let crossCheck = context.receiptTotal.map { " The archived receipt totals \($0)." }
            ?? " No receipt of it is archived yet, so PaySys's amount could not be cross-checked with one."
        let summary = "Refund \(amount) of transaction \(id) (paid \(payment.amount) at "
            + "\(Tashkent.iso8601(epochSeconds: payment.date)); already refunded "
            + "\((context.refundedSoFar ?? .zero(payment.amount.currency)).description); "
            + "remaining after this refund \(remaining?.description ?? "unknown"))." + crossCheck
        return Plan(intent: intent, payment: payment, summary: summary)
    }

    /// Asks `payment_info` afresh, records it, and checks a cancel locally.
    public func planCancel(_ id: TransactionID, type: TransactionType = .payment, note: String? = nil)
        async throws -> Plan
    {
        let intent = OperationIntent(transactionID: id, kind: .cancel, note: note)
        try await checkNothingPending(id)
        let payment = try await refreshPayment(id, type: type)
        let context = try await archive.operationContext(for: intent, now: clock())
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
    ///
    /// The outcome is `notDone` only when the gateway's answer proves the call was refused
    /// (``PaySysClient/PaySysError/refusalProof``). Any other failure leaves the operation pending: it is checked
    /// at once and then on the ``SettleSchedule``; it becomes done when PaySys shows its effect, and not done only
    /// when the settle window closes without the effect ever shown.
    public func execute(_ plan: Plan) async throws -> Outcome {
        var intent = plan.intent
        intent.statusBefore = plan.payment.status
        if case .refund = intent.kind {
            // A payment_info that lags may still say 2 after an earlier refund: what the archive knows wins, or
            // that refund's status 6 would later pass for this one's effect.
            if try await archive.transaction(intent.transactionID)?.events.contains(where: { $0.kind == .refund }) == true {
                intent.statusBefore = .refunded
            }
            intent.refundLinksBefore = await refundLinkCount(intent.transactionID)
        }
        let checked = intent
        let record = try await archive.beginOperation(intent, now: clock()) { context in
            switch checked.kind {
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
        case .failure(let error):
            if let proof = error.refusalProof {
                let reason = "PaySys refused: \(error) (\(proof))"
                try await archive.completeOperation(record.id, outcome: .failed(reason: reason), now: clock())
                return .notDone(operationID: record.id, reason: reason)
            }
            logger.warning("The gateway's answer was lost; the operation stays pending until PaySys shows its effect",
                metadata: ["error": "\(error)"])
            let cause = "the answer was lost (\(error))"
            try await archive.completeOperation(
                record.id,
                outcome: .unknown(reason: cause, nextCheckAt: schedule.nextCheck(after: clock(), calledAt: record.createdAt)),
                now: clock())
            guard let pending = try await archive.operation(record.id) else { return .unknown(operationID: record.id, reason: cause) }
            return try await check(pending, cause: cause)
        }
        try await archive.completeOperation(record.id, outcome: .succeeded(status: result.status, mxID: result.mxID), now: clock())
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

    // MARK: - Settling pending operations

    /// Checks every pending operation now, whatever its schedule (`operations resolve`).
    public func resolvePending() async throws -> [(OperationRecord, Outcome)] {
        try await settle(try archive.pendingOperations())
    }

    /// Checks the pending operations whose next settle check is due (every `sync` and `run` round).
    public func settleDue() async throws -> [(OperationRecord, Outcome)] {
        try await settle(try archive.pendingOperations(dueBy: clock()))
    }

    /// When the earliest scheduled settle check is due (Unix seconds), if any operation is pending.
    public func nextSettleCheck() async throws -> Int64? {
        try await archive.pendingOperations().compactMap(\.nextCheckAt).min()
    }

    private func settle(_ records: [OperationRecord]) async throws -> [(OperationRecord, Outcome)] {
        var results: [(OperationRecord, Outcome)] = []
        for record in records {
            results.append((record, try await check(record, cause: record.cause ?? record.reason ?? "the answer was lost")))
        }
        return results
    }

    /// Waits for a pending operation's scheduled checks that fall within `seconds` of now, checking each when it
    /// is due, and returns as soon as the outcome is known, or the operation as it stands when the next check
    /// falls later (the command line waits a little before it answers "unknown"); `nil` for an unknown id.
    public func awaitSettlement(
        of operationID: Int64, upTo seconds: Int64, onWait: (Int64) -> Void = { _ in }
    ) async throws -> Outcome? {
        let deadline = clock() + seconds
        while true {
            guard let record = try await archive.operation(operationID) else { return nil }
            guard record.state == .pending, let next = record.nextCheckAt, next <= deadline else {
                return Self.outcome(of: record)
            }
            let wait = next - clock()
            if wait > 0 {
                onWait(wait)
                try await Task.sleep(for: .seconds(wait))
            }
            _ = try await check(record, cause: record.cause ?? record.reason ?? "the answer was lost")
        }
    }

    /// The outcome a completed record stands for.
    static func outcome(of record: OperationRecord) -> Outcome {
        switch record.state {
        case .succeeded:
            return .done(
                operationID: record.id, status: record.resultStatus ?? (record.kind == .cancel ? .cancelled : .refunded),
                mxID: record.mxID, reconciled: true)
        case .failed: return .notDone(operationID: record.id, reason: record.reason ?? "not done")
        case .pending: return .unknown(operationID: record.id, reason: record.reason ?? "pending")
        }
    }

    /// Marks a pending intent by hand after checking with PaySys support (its `mx_id`): for the cases the gateway
    /// cannot show, such as a second refund of an already refunded payment on a gateway that lists no refund
    /// receipts.
    public func settle(_ operationID: Int64, applied: Bool, note: String) async throws -> Outcome {
        guard let record = try await archive.operation(operationID) else {
            throw OperationSettleError(message: "No operation \(operationID) in the operations log")
        }
        // A cancel that happened leaves the payment cancelled; a refund leaves it refunded.
        let status: PaySysStatus = record.kind == .cancel ? .cancelled : .refunded
        let outcome: OperationOutcome = applied
            ? .succeeded(status: status, mxID: nil) : .failed(reason: "settled by hand: \(note)")
        try await archive.completeOperation(operationID, outcome: outcome, now: clock())
        return applied
            ? .done(operationID: operationID, status: status, mxID: nil, reconciled: true)
            : .notDone(operationID: operationID, reason: "settled by hand: \(note)")
    }

    /// What one settle check saw.
    private enum Observation {
        /// The call's effect: the new status (and, for a refund, how it showed).
        case effect(PaymentInfo)
        /// No effect; `observable` says whether the effect could have shown at all.
        case noEffect(PaymentInfo, observable: Bool)
    }

    /// One settle check of a pending operation: `payment_info` (and, for a refund, the refund-receipt links).
    ///
    /// Done as soon as the effect shows (status 3 for a cancel; status 6 where it was not, or one more refund
    /// receipt, for a refund). Not done only once the settle window has closed, a check succeeded and the effect
    /// was never seen — said so in the reason, with the `mx_id` for PaySys support. Otherwise it stays pending
    /// and the next check is scheduled.
    private func check(_ record: OperationRecord, cause: String) async throws -> Outcome {
        let now = clock()
        let observation: Observation
        do {
            observation = try await observe(record)
        } catch {
            let next = schedule.nextCheck(after: now, calledAt: record.createdAt) ?? now + Self.retryPastWindow
            let reason = "outcome unknown: \(cause); checking it with payment_info failed too (\(error)); next check at "
                + Tashkent.iso8601(epochSeconds: next)
            try await archive.completeOperation(record.id, outcome: .unknown(reason: reason, nextCheckAt: next), now: now)
            return .unknown(operationID: record.id, reason: reason)
        }
        switch observation {
        case .effect(let info):
            try await archive.completeOperation(record.id, outcome: .succeeded(status: info.status, mxID: info.mxID), now: now)
            try await archive.recordPaymentInfo(record.transactionID, PaymentSnapshot(info), now: now)
            await collectRefundReceiptLinks(record.transactionID)
            logger.info("A pending operation is done: PaySys shows its effect", metadata: [
                "operation.id": "\(record.id)", "transaction.id": "\(record.transactionID)",
            ])
            return .done(operationID: record.id, status: info.status, mxID: info.mxID, reconciled: true)
        case .noEffect(let info, let observable):
            let windowEnd = record.createdAt + schedule.window
            if observable, now >= windowEnd {
                let reason = "not done — concluded from the settle window, not from an answer: PaySys showed no "
                    + "effect of this \(record.kind.rawValue) in the \(schedule.window) s after the call "
                    + "(\(record.checks + 1) checks; status now \(info.status)). Cause: \(cause). If in doubt, ask "
                    + "PaySys support about transaction \(record.transactionID), mx_id \(info.mxID ?? "unknown")."
                try await archive.completeOperation(record.id, outcome: .failed(reason: reason), now: now)
                return .notDone(operationID: record.id, reason: reason)
            }
            let next: Int64?
            let reason: String
            if observable {
                next = schedule.nextCheck(after: now, calledAt: record.createdAt) ?? now + Self.retryPastWindow
                reason = "outcome unknown: \(cause); PaySys shows no effect yet (status \(info.status)); "
                    + "it is checked again at \(Tashkent.iso8601(epochSeconds: next ?? now)), and concluded not done "
                    + "if nothing shows by \(Tashkent.iso8601(epochSeconds: windowEnd))"
            } else {
                next = nil
                reason = "outcome unknown: \(cause); the payment was already refunded (status \(info.status)) and "
                    + "PaySys lists no refund receipts, so nothing it shows can tell whether this refund happened. "
                    + "Ask PaySys support about transaction \(record.transactionID) (mx_id \(info.mxID ?? "unknown")), "
                    + "then run `fiscal-archive operations resolve --settle \(record.id) --as done|not-done`"
            }
            try await archive.completeOperation(record.id, outcome: .unknown(reason: reason, nextCheckAt: next), now: now)
            return .unknown(operationID: record.id, reason: reason)
        }
    }

    /// After the window, a check that could not reach PaySys is repeated this often (seconds).
    private static let retryPastWindow: Int64 = 600

    /// Asks PaySys what became of an operation.
    private func observe(_ record: OperationRecord) async throws -> Observation {
        let info = try await gateway.paymentInfo(record.transactionID)
        let before: PaySysStatus?
        if let known = record.statusBefore {
            before = known
        } else {
            before = try await archive.statusBefore(operation: record)?.status
        }
        switch record.kind {
        case .cancel:
            return info.status == .cancelled ? .effect(info) : .noEffect(info, observable: true)
        case .refund:
            if info.status == .refunded && before != .refunded { return .effect(info) }
            guard let linksBefore = record.refundLinksBefore else {
                // Without a link count only the status can show the refund, which it cannot when already 6.
                return .noEffect(info, observable: before != .refunded)
            }
            let type = try await archive.transaction(record.transactionID)?.type ?? .payment
            let cheque = try await gateway.fiscalCheque(record.transactionID, type: type)
            if cheque.refundURLs.count > linksBefore { return .effect(info) }
            return .noEffect(info, observable: true)
        }
    }

    /// How many refund-receipt links PaySys lists for a transaction now (`nil` when it cannot say).
    private func refundLinkCount(_ id: TransactionID) async -> Int? {
        do {
            let type = try await archive.transaction(id)?.type ?? .payment
            let cheque = try await gateway.fiscalCheque(id, type: type)
            return cheque.refundURLs.count
        } catch {
            logger.info("Refund receipt links unknown before the call", metadata: ["transaction.id": "\(id)", "error": "\(error)"])
            return nil
        }
    }

    /// Asks for the transaction's receipt links again so the next sync archives the refund receipt (best effort:
    /// a failure here changes nothing, the re-check finds the links later).
    private func collectRefundReceiptLinks(_ id: TransactionID) async {
        do {
            guard let record = try await archive.transaction(id) else { return }
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
        if try await archive.transaction(id) == nil {
            _ = try await archive.track([TrackRequest(id: id, type: type, vendorOrderID: info.vendorUserID)], now: clock())
        }
        try await archive.recordPaymentInfo(id, snapshot, now: clock())
        return snapshot
    }

    // MARK: - Invoices

    /// Creates an invoice through `invoice_create` and stores it.
    public func createInvoice(_ request: InvoiceRequest) async throws -> Invoice {
        let invoice = try await gateway.createInvoice(request)
        try await archive.recordInvoice(
            InvoiceRecord(
                invoiceID: String(invoice.id), orderID: invoice.orderID, vendorID: invoice.vendorID,
                amount: invoice.amount, note: invoice.orderNote ?? request.orderNote, status: invoice.status.rawValue,
                paymentURL: invoice.paymentURL, gatewayDate: invoice.date),
            now: clock())
        return invoice
    }
}

/// A hand settlement that names no known operation.
public struct OperationSettleError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

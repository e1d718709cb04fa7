import Archive
import FiscalCore

/// The local guard rails of DESIGN.md rule 3: what the gateway would refuse is refused here first, with numbers.
public enum OperationRules {
    /// PaySys allows a cancel (reversal) within 7 days (168 hours) of the payment.
    public static let cancelWindow: Int64 = 7 * 86_400

    /// How far `payment_info.amount` may be from the archived receipt's total before a refund is refused: less
    /// than one major unit (rounding), far less than the factor 100 of a wrong amount unit.
    public static let amountTolerance: Int64 = 99

    /// Refuses any new operation while an earlier one on the same payment has an unknown outcome: whatever it
    /// turns out to be changes what is still possible, and the gateway may still apply it.
    public static func checkNothingPending(_ context: OperationContext) throws(OperationRefusal) {
        guard let first = context.pendingOperations.first else { return }
        let id = context.intent.transactionID
        let list = context.pendingOperations.map { operation in
            "#\(operation.id) (\(operation.kind.rawValue)\(operation.amount.map { " of \($0)" } ?? ""))"
        }.joined(separator: ", ")
        let noun = context.pendingOperations.count == 1 ? "operation" : "operations"
        throw OperationRefusal(
            .operationPending, id,
            "Transaction \(id) has the pending \(noun) \(list) whose outcome PaySys has not shown yet; no new refund "
                + "or cancel of it is possible until it is settled. Run `fiscal-archive operations resolve` "
                + "(or wait for the next sync), then try again if operation #\(first.id) turns out not done.")
    }

    /// Checks a cancel against what the archive knows (inside the write transaction that records the intent).
    public static func checkCancel(_ context: OperationContext) throws(OperationRefusal) {
        let id = context.intent.transactionID
        guard let payment = context.payment else {
            throw OperationRefusal(.unknownTransaction, id, "Transaction \(id) is not known: PaySys has not described it.")
        }
        try checkNothingPending(context)
        if context.cancellationDone || payment.status == .cancelled {
            throw OperationRefusal(.alreadyCancelled, id, "Transaction \(id) is already cancelled; a payment can be cancelled once.")
        }
        if payment.status == .refunded || (context.refundedSoFar?.minorUnits ?? 0) > 0
            || (context.pendingRefunds?.minorUnits ?? 0) > 0
        {
            throw OperationRefusal(
                .cancelAfterRefund, id,
                "Transaction \(id) has refunds (\(money(context.refundedSoFar, payment))); a refunded payment cannot be cancelled, refund the rest instead.")
        }
        guard payment.status == .completed else {
            throw OperationRefusal(.notPaid, id, "Transaction \(id) is not paid (status \(payment.status)); only a completed payment can be cancelled.")
        }
        let deadline = payment.date + cancelWindow
        guard context.now <= deadline else {
            throw OperationRefusal(
                .cancelWindowClosed, id,
                "Transaction \(id) was paid at \(Tashkent.iso8601(epochSeconds: payment.date)); the cancel window closed at \(Tashkent.iso8601(epochSeconds: deadline)) (7 days). Use a refund instead.")
        }
    }

    /// Checks a refund of `amount` (inside the write transaction that records the intent).
    public static func checkRefund(_ context: OperationContext, amount: Money) throws(OperationRefusal) {
        let id = context.intent.transactionID
        guard let payment = context.payment else {
            throw OperationRefusal(.unknownTransaction, id, "Transaction \(id) is not known: PaySys has not described it.")
        }
        guard amount.minorUnits > 0 else {
            throw OperationRefusal(.nonPositiveAmount, id, "A refund must be more than zero (asked: \(amount)).")
        }
        guard amount.currency == payment.amount.currency else {
            throw OperationRefusal(
                .currencyMismatch, id,
                "Transaction \(id) was paid in \(payment.amount.currency); a refund in \(amount.currency) is not possible.")
        }
        try checkNothingPending(context)
        if context.cancellationDone || payment.status == .cancelled {
            throw OperationRefusal(.alreadyCancelled, id, "Transaction \(id) is cancelled; nothing is left to refund.")
        }
        guard payment.status.isPaid else {
            throw OperationRefusal(.notPaid, id, "Transaction \(id) is not paid (status \(payment.status)); nothing can be refunded.")
        }
        // The amount PaySys reports is read in the configured unit: cross-check it with the receipt, so that a
        // wrong unit setting can never widen what may be refunded.
        var ceiling = payment.amount.minorUnits
        if let receipt = context.receiptTotal {
            guard receipt.currency == payment.amount.currency,
                abs(receipt.minorUnits - payment.amount.minorUnits) <= amountTolerance
            else {
                throw OperationRefusal(
                    .amountMismatch, id,
                    "PaySys reports transaction \(id) as \(payment.amount), but its archived receipt totals \(receipt). "
                        + "Check FISCAL_ARCHIVE_PAYMENT_INFO_AMOUNT_UNIT (minor or major: the unit payment_info.amount "
                        + "is read in); nothing is refunded while the two disagree.")
            }
            ceiling = min(ceiling, receipt.minorUnits)
        }
        let refunded = context.refundedSoFar?.minorUnits ?? 0
        let pending = context.pendingRefunds?.minorUnits ?? 0
        let remaining = ceiling - refunded - pending
        guard amount.minorUnits <= remaining else {
            let currency = payment.amount.currency
            var message = "Refund of \(amount) exceeds what is left of transaction \(id): paid \(payment.amount)"
            if let receipt = context.receiptTotal, receipt.minorUnits < payment.amount.minorUnits {
                message += " (receipt total \(receipt))"
            }
            message += ", already refunded \(Money(minorUnits: refunded, currency: currency))"
            if pending > 0 { message += ", pending \(Money(minorUnits: pending, currency: currency))" }
            message += ", remaining \(Money(minorUnits: max(0, remaining), currency: currency))."
            throw OperationRefusal(.refundExceedsPayment, id, message)
        }
    }

    private static func money(_ value: Money?, _ payment: PaymentSnapshot) -> String {
        (value ?? Money.zero(payment.amount.currency)).description
    }
}

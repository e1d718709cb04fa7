import Archive
import FiscalCore

/// The local guard rails of DESIGN.md rule 3: what the gateway would refuse is refused here first, with numbers.
public enum OperationRules {
    /// PaySys allows a cancel (reversal) within 7 days (168 hours) of the payment.
    public static let cancelWindow: Int64 = 7 * 86_400

    /// Checks a cancel against what the archive knows (inside the write transaction that records the intent).
    public static func checkCancel(_ context: OperationContext) throws(OperationRefusal) {
        let id = context.intent.transactionID
        guard let payment = context.payment else {
            throw OperationRefusal(.unknownTransaction, id, "Transaction \(id) is not known: PaySys has not described it.")
        }
        if context.cancellationDone || payment.status == .cancelled {
            throw OperationRefusal(.alreadyCancelled, id, "Transaction \(id) is already cancelled; a payment can be cancelled once.")
        }
        if context.cancellationPending {
            throw OperationRefusal(
                .operationPending, id,
                "A cancel of transaction \(id) is already pending with an unknown outcome; run `fiscal-archive operations resolve` first.")
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
        if context.cancellationDone || payment.status == .cancelled || context.cancellationPending {
            throw OperationRefusal(.alreadyCancelled, id, "Transaction \(id) is cancelled; nothing is left to refund.")
        }
        guard payment.status.isPaid else {
            throw OperationRefusal(.notPaid, id, "Transaction \(id) is not paid (status \(payment.status)); nothing can be refunded.")
        }
        let refunded = context.refundedSoFar?.minorUnits ?? 0
        let pending = context.pendingRefunds?.minorUnits ?? 0
        let remaining = payment.amount.minorUnits - refunded - pending
        guard amount.minorUnits <= remaining else {
            let currency = payment.amount.currency
            var message = "Refund of \(amount) exceeds what is left of transaction \(id): paid \(payment.amount), "
                + "already refunded \(Money(minorUnits: refunded, currency: currency))"
            if pending > 0 { message += ", pending \(Money(minorUnits: pending, currency: currency))" }
            message += ", remaining \(Money(minorUnits: max(0, remaining), currency: currency))."
            throw OperationRefusal(.refundExceedsPayment, id, message)
        }
    }

    private static func money(_ value: Money?, _ payment: PaymentSnapshot) -> String {
        (value ?? Money.zero(payment.amount.currency)).description
    }
}

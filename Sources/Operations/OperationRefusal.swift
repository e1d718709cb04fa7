import FiscalCore

/// A money-moving operation refused locally, before the gateway was called: the rule and the numbers.
public struct OperationRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which rule refused it.
    public enum Rule: String, Sendable, Hashable {
        case unknownTransaction = "unknown transaction"
        case notPaid = "not paid"
        case cancelWindowClosed = "cancel window closed"
        case alreadyCancelled = "already cancelled"
        case cancelAfterRefund = "cancel after refund"
        case refundExceedsPayment = "refund exceeds payment"
        case currencyMismatch = "currency mismatch"
        case nonPositiveAmount = "amount not positive"
        case operationPending = "operation pending"
        case amountMismatch = "payment and receipt amounts disagree"
    }

    public var rule: Rule
    public var transactionID: TransactionID
    /// The whole explanation, with the numbers, as a sentence.
    public var message: String

    public init(_ rule: Rule, _ transactionID: TransactionID, _ message: String) {
        self.rule = rule
        self.transactionID = transactionID
        self.message = message
    }

    public var description: String { "Refused (\(rule.rawValue)): \(message)" }
}

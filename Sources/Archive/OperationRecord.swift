import FiscalCore
import Foundation

/// A money-moving call about to be made (issue 6): recorded as `pending` before the gateway is called.
public struct OperationIntent: Sendable, Hashable {
    /// What the call does.
    public enum Kind: Sendable, Hashable {
        /// `payment_adjustments` for this amount.
        case refund(Money)
        /// `payment_cancel` (the whole payment).
        case cancel
    }

    public var transactionID: TransactionID
    public var kind: Kind
    /// Who asks: the OS user by default.
    public var user: String
    /// Free text (e.g. the command line), kept with the intent.
    public var note: String?
    /// The payment's status as PaySys reported it just before the call: a change away from it shows the call's
    /// effect when its answer is lost.
    public var statusBefore: PaySysStatus?
    /// How many refund-receipt links `get_fiscal_cheque` listed just before the call (`nil`: not known): one more
    /// afterwards shows a refund happened even when the status cannot (a second partial refund).
    public var refundLinksBefore: Int?

    /// Creates an intent; `user` defaults to the OS user running the process.
    public init(
        transactionID: TransactionID, kind: Kind, user: String = OperationIntent.currentUser(), note: String? = nil,
        statusBefore: PaySysStatus? = nil, refundLinksBefore: Int? = nil
    ) {
        self.transactionID = transactionID
        self.kind = kind
        self.user = user
        self.note = note
        self.statusBefore = statusBefore
        self.refundLinksBefore = refundLinksBefore
    }

    /// The OS user name of this process (`USER`, `LOGNAME`, else the uid).
    public static func currentUser() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["USER"], !user.isEmpty { return user }
        if let user = environment["LOGNAME"], !user.isEmpty { return user }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid:\(getuid())"
    }
}

/// What the archive knows about a transaction when an operation is about to be recorded, read inside the same
/// write transaction that records it (so a racing process cannot slip an intent in between).
public struct OperationContext: Sendable, Hashable {
    /// The intent being checked.
    public var intent: OperationIntent
    /// Whether the transaction is tracked at all.
    public var isTracked: Bool
    public var type: TransactionType?
    /// The latest `payment_info` answer recorded.
    public var payment: PaymentSnapshot?
    /// Σ of refunds known to have happened (refund events of any source), positive.
    public var refundedSoFar: Money?
    /// Σ of refund intents still pending (their outcome is unknown: they count as spent).
    public var pendingRefunds: Money?
    /// Whether a cancellation is recorded (event).
    public var cancellationDone: Bool
    /// Whether a cancel intent is still pending.
    public var cancellationPending: Bool
    /// The operations on this payment whose outcome is still unknown, oldest first.
    public var pendingOperations: [OperationRecord]
    /// The total of the archived sale receipt, when one is archived: refunds are cross-checked against it.
    public var receiptTotal: Money?
    /// The time the operation is recorded at.
    public var now: Int64

    /// Creates a context.
    public init(
        intent: OperationIntent, isTracked: Bool, type: TransactionType?, payment: PaymentSnapshot?,
        refundedSoFar: Money?, pendingRefunds: Money?, cancellationDone: Bool, cancellationPending: Bool,
        pendingOperations: [OperationRecord] = [], receiptTotal: Money? = nil, now: Int64
    ) {
        self.intent = intent
        self.isTracked = isTracked
        self.type = type
        self.payment = payment
        self.refundedSoFar = refundedSoFar
        self.pendingRefunds = pendingRefunds
        self.cancellationDone = cancellationDone
        self.cancellationPending = cancellationPending
        self.pendingOperations = pendingOperations
        self.receiptTotal = receiptTotal
        self.now = now
    }

    /// What may still be refunded: the payment amount minus refunds done and pending (nil without payment info).
    public var remainingRefundable: Money? {
        guard let payment else { return nil }
        let currency = payment.amount.currency
        let done = refundedSoFar?.currency == currency ? refundedSoFar?.minorUnits ?? 0 : 0
        let pending = pendingRefunds?.currency == currency ? pendingRefunds?.minorUnits ?? 0 : 0
        return Money(minorUnits: payment.amount.minorUnits - done - pending, currency: currency)
    }
}

/// How a money-moving call ended.
public enum OperationOutcome: Sendable, Hashable {
    /// The gateway applied it; its new status and `mx_id`.
    case succeeded(status: PaySysStatus, mxID: String?)
    /// The gateway refused it or it certainly did not happen.
    case failed(reason: String)
    /// Not known yet (lost answer): the operation stays pending, with this note, and is checked again at
    /// `nextCheckAt` (`nil`: only when asked).
    case unknown(reason: String, nextCheckAt: Int64?)
}

/// One entry of the append-only operations log.
public struct OperationRecord: Sendable, Hashable {
    /// The state of an operation.
    public enum State: String, Sendable, Hashable, Codable {
        case pending, succeeded, failed
    }

    /// What it is.
    public enum Kind: String, Sendable, Hashable, Codable {
        case refund, cancel
    }

    public var id: Int64
    public var transactionID: TransactionID
    public var kind: Kind
    /// The refund amount, or for a cancel the payment's amount when known.
    public var amount: Money?
    public var user: String
    public var note: String?
    public var createdAt: Int64
    public var state: State
    public var completedAt: Int64?
    /// The status the gateway reported on success.
    public var resultStatus: PaySysStatus?
    public var mxID: String?
    /// Why it failed, or the last "unknown" note of a pending one.
    public var reason: String?
    /// A pending operation: when its outcome is checked again.
    public var nextCheckAt: Int64?
    /// How many settle checks were made.
    public var checks: Int
    /// The payment's status just before the call.
    public var statusBefore: PaySysStatus?
    /// Refund-receipt links known just before the call.
    public var refundLinksBefore: Int?
    /// Why the outcome became unknown (the first "unknown" reason), kept while later checks update ``reason``.
    public var cause: String?

    /// Creates a record.
    public init(
        id: Int64, transactionID: TransactionID, kind: Kind, amount: Money?, user: String, note: String?,
        createdAt: Int64, state: State, completedAt: Int64?, resultStatus: PaySysStatus?, mxID: String?,
        reason: String?, nextCheckAt: Int64? = nil, checks: Int = 0, statusBefore: PaySysStatus? = nil,
        refundLinksBefore: Int? = nil, cause: String? = nil
    ) {
        self.id = id
        self.transactionID = transactionID
        self.kind = kind
        self.amount = amount
        self.user = user
        self.note = note
        self.createdAt = createdAt
        self.state = state
        self.completedAt = completedAt
        self.resultStatus = resultStatus
        self.mxID = mxID
        self.reason = reason
        self.nextCheckAt = nextCheckAt
        self.checks = checks
        self.statusBefore = statusBefore
        self.refundLinksBefore = refundLinksBefore
        self.cause = cause
    }
}

/// An invoice created through `invoice_create`.
public struct InvoiceRecord: Sendable, Hashable {
    /// PaySys's invoice `id`.
    public var invoiceID: String
    public var orderID: String
    public var vendorID: Int64?
    public var amount: Money
    public var note: String
    /// Invoice status (`0` created, `2` paid, …).
    public var status: Int
    public var paymentURL: String
    /// PaySys's `date` of the invoice, if given (Unix seconds).
    public var gatewayDate: Int64?
    public var user: String
    /// When it was recorded (set by the archive on insert).
    public var createdAt: Int64

    /// Creates an invoice record.
    public init(
        invoiceID: String, orderID: String, vendorID: Int64?, amount: Money, note: String, status: Int,
        paymentURL: String, gatewayDate: Int64?, user: String = OperationIntent.currentUser(), createdAt: Int64 = 0
    ) {
        self.invoiceID = invoiceID
        self.orderID = orderID
        self.vendorID = vendorID
        self.amount = amount
        self.note = note
        self.status = status
        self.paymentURL = paymentURL
        self.gatewayDate = gatewayDate
        self.user = user
        self.createdAt = createdAt
    }
}

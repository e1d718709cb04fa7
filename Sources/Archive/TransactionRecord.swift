import FiscalCore

/// An event as the archive records it: the single source the reports read.
public struct ArchiveEvent: Sendable, Hashable {
    /// The event's sequence number (also its order in the register).
    public var sequence: Int64
    public var kind: RegisterEntry.Event
    public var transactionID: TransactionID
    /// Signed: positive for payments and p2p, negative for refunds and cancellations.
    public var amount: Money
    /// When it happened (Unix seconds).
    public var occurredAt: Int64
    public var source: RegisterEntry.Source
    /// The operation that caused it (`source == .operation`).
    public var operationID: Int64?
    public var note: String?
    /// When the archive recorded it.
    public var recordedAt: Int64

    /// Creates an event.
    public init(
        sequence: Int64, kind: RegisterEntry.Event, transactionID: TransactionID, amount: Money, occurredAt: Int64,
        source: RegisterEntry.Source, operationID: Int64?, note: String?, recordedAt: Int64
    ) {
        self.sequence = sequence
        self.kind = kind
        self.transactionID = transactionID
        self.amount = amount
        self.occurredAt = occurredAt
        self.source = source
        self.operationID = operationID
        self.note = note
        self.recordedAt = recordedAt
    }
}

/// Everything the archive knows about one transaction.
public struct TransactionRecord: Sendable, Hashable {
    public var id: TransactionID
    public var type: TransactionType
    public var state: PipelineState
    /// The step a `waiting` or `failed` transaction stopped at.
    public var step: PipelineStep?
    public var attempts: Int
    public var nextAttemptAt: Int64?
    public var firstWaitingAt: Int64?
    public var lastError: String?
    public var vendorOrderID: String?
    public var trackedAt: Int64
    public var updatedAt: Int64
    /// The latest `payment_info` answer.
    public var payment: PaymentSnapshot?
    public var receiptURL: String?
    public var refundURLs: [String]
    /// When `payment_info` was last asked in a re-check.
    public var lastRecheckAt: Int64?
    /// Every status observed, oldest first.
    public var statusHistory: [StatusChange]
    /// Its events, in sequence order.
    public var events: [ArchiveEvent]
    /// Refunds and cancellations attempted through this tool.
    public var operations: [OperationRecord]

    /// Creates a record.
    public init(
        id: TransactionID, type: TransactionType, state: PipelineState, step: PipelineStep?, attempts: Int,
        nextAttemptAt: Int64?, firstWaitingAt: Int64?, lastError: String?, vendorOrderID: String?, trackedAt: Int64,
        updatedAt: Int64, payment: PaymentSnapshot?, receiptURL: String?, refundURLs: [String], lastRecheckAt: Int64?,
        statusHistory: [StatusChange], events: [ArchiveEvent], operations: [OperationRecord]
    ) {
        self.id = id
        self.type = type
        self.state = state
        self.step = step
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.firstWaitingAt = firstWaitingAt
        self.lastError = lastError
        self.vendorOrderID = vendorOrderID
        self.trackedAt = trackedAt
        self.updatedAt = updatedAt
        self.payment = payment
        self.receiptURL = receiptURL
        self.refundURLs = refundURLs
        self.lastRecheckAt = lastRecheckAt
        self.statusHistory = statusHistory
        self.events = events
        self.operations = operations
    }
}

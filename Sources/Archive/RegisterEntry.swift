import FiscalCore

/// One row of a month's register: an event (payment, p2p transfer, refund or cancellation) with everything the
/// reports need to know about its transaction and receipt. The archive streams these; `Reports` aggregates them.
///
/// This is the contract between `Archive` and `Reports`: the reports read nothing else about events.
public struct RegisterEntry: Sendable, Hashable {
    /// What happened.
    public enum Event: String, Sendable, Hashable, CaseIterable, Codable {
        case payment, p2p, refund, cancellation
    }

    /// How the event is known (DESIGN.md: `source`).
    public enum Source: String, Sendable, Hashable, CaseIterable, Codable {
        /// Reported by PaySys (`payment_info`).
        case gateway
        /// Done through this tool (`refund`, `cancel`).
        case operation
        /// A status change seen on re-check; the time is when it was noticed.
        case detected
    }

    /// The parts of an archived receipt a register row shows.
    public struct ReceiptSummary: Sendable, Hashable {
        public var fiscalSign: String?
        public var terminalID: String
        public var receiptNumber: String
        public var total: Money
        public var vatAmount: Money
        /// The first commissioner TIN of the items (on `/epi` receipts: the real merchant).
        public var commissionerTIN: String?
        /// `sale` or `refund` (a refund receipt).
        public var kind: FiscalReceipt.Kind

        public init(
            fiscalSign: String?, terminalID: String, receiptNumber: String, total: Money, vatAmount: Money,
            commissionerTIN: String?, kind: FiscalReceipt.Kind
        ) {
            self.fiscalSign = fiscalSign
            self.terminalID = terminalID
            self.receiptNumber = receiptNumber
            self.total = total
            self.vatAmount = vatAmount
            self.commissionerTIN = commissionerTIN
            self.kind = kind
        }
    }

    /// The archive's sequence number of the event: a stable order for the register.
    public var sequence: Int64
    public var event: Event
    public var transactionID: TransactionID
    public var transactionType: TransactionType
    /// When it happened (Unix seconds). For `payment`/`p2p`: PaySys's `date`.
    public var occurredAt: Int64
    /// Signed: positive for payments and p2p, negative for refunds and cancellations.
    public var amount: Money
    /// The transaction's status as last known.
    public var status: PaySysStatus
    public var vendorOrderID: String?
    /// For `payment`/`p2p`: the archived sale receipt. For `refund`/`cancellation`: the archived refund receipt
    /// linked to it, if any. `nil` when none is archived.
    public var receipt: ReceiptSummary?
    /// The receipt link when known (also when the receipt itself is not archived yet).
    public var receiptURL: String?
    /// For `refund`/`cancellation`: the original payment's time (Unix seconds).
    public var relatedTransactionDate: Int64?
    public var source: Source
    /// Free text: why a receipt is missing, the operation id, …
    public var note: String?
    /// The transaction's pipeline state (`archived`, `waiting`, `failed`, …) — why a receipt may be missing.
    public var pipelineState: String
    /// The last error or waiting reason of the pipeline, if any.
    public var pipelineReason: String?
    /// A refund seen only as a status change (refunded outside this tool) whose amount no archived refund receipt
    /// tells yet: ``amount`` is zero and the reports list it as an exception, never as a silent zero.
    public var amountUnknown: Bool

    public init(
        sequence: Int64, event: Event, transactionID: TransactionID, transactionType: TransactionType,
        occurredAt: Int64, amount: Money, status: PaySysStatus, vendorOrderID: String?, receipt: ReceiptSummary?,
        receiptURL: String?, relatedTransactionDate: Int64?, source: Source, note: String?, pipelineState: String,
        pipelineReason: String?, amountUnknown: Bool = false
    ) {
        self.sequence = sequence
        self.event = event
        self.transactionID = transactionID
        self.transactionType = transactionType
        self.occurredAt = occurredAt
        self.amount = amount
        self.status = status
        self.vendorOrderID = vendorOrderID
        self.receipt = receipt
        self.receiptURL = receiptURL
        self.relatedTransactionDate = relatedTransactionDate
        self.source = source
        self.note = note
        self.pipelineState = pipelineState
        self.pipelineReason = pipelineReason
        self.amountUnknown = amountUnknown
    }
}

/// VAT of a month's sale receipts at one rate, summed from the archived items.
public struct VATLine: Sendable, Hashable {
    /// The rate in percent (`12`, `0`).
    public var rate: ExactDecimal
    /// Σ (line total − discount) of the items at this rate, VAT included.
    public var gross: Money
    /// Σ item VAT at this rate.
    public var vat: Money
    /// Number of items.
    public var itemCount: Int

    public init(rate: ExactDecimal, gross: Money, vat: Money, itemCount: Int) {
        self.rate = rate
        self.gross = gross
        self.vat = vat
        self.itemCount = itemCount
    }
}

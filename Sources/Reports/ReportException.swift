import Archive
import FiscalCore

/// Something in a month's register an accountant must act on.
///
/// One event can raise several (an unknown status and a missing receipt). ``detect(in:month:asOf:)`` is a pure
/// function of the entry, so the summary and the register flag exactly the same rows.
public struct ReportException: Sendable, Hashable {
    /// The kinds of exceptions, in the order reports list them.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// A payment or p2p transfer with no archived sale receipt.
        case missingReceipt
        /// An archived receipt whose total differs from the event's amount.
        case receiptTotalMismatch
        /// A cancelled payment with no archived refund receipt.
        case cancellationWithoutRefundReceipt
        /// A refund with no archived refund receipt (due by the 10th of the next month).
        case refundWithoutRefundReceipt
        /// A refund seen only as a status change (made outside this tool) whose amount nothing archived tells.
        case refundOfUnknownAmount
        /// The event and its receipt are dated in different Tashkent months: the receipt's VAT is in the other
        /// month's VAT table.
        case receiptInAnotherMonth
        /// A PaySys status this project does not know the meaning of.
        case unknownStatus
    }

    /// Why a receipt is missing, read from the transaction's pipeline state.
    public enum MissingReason: Sendable, Hashable {
        /// The receipt is not registered yet; the pipeline retries.
        case waiting
        /// The receipt page was an empty single-page-app shell and no JSON fallback gave the receipt.
        case spaShell
        /// The pipeline gave up (the reason says why).
        case failed
        /// The pipeline has not reached the receipt yet (`tracked`, `info_fetched`, …): the state's name.
        case inProgress(String)
    }

    /// What kind of exception.
    public var kind: Kind
    /// The event's archive sequence number.
    public var sequence: Int64
    /// The event.
    public var event: RegisterEntry.Event
    /// Its transaction.
    public var transactionID: TransactionID
    /// When the event happened (Unix seconds).
    public var occurredAt: Int64
    /// The event's signed amount.
    public var amount: Money
    /// The transaction's status as last known.
    public var status: PaySysStatus
    /// The vendor's order id, for finding the sale.
    public var vendorOrderID: String?
    /// `receiptTotalMismatch`: the receipt's total, signed like `amount`.
    public var receiptTotal: Money?
    /// `missingReceipt`: why, from the pipeline.
    public var missingReason: MissingReason?
    /// `missingReceipt`: the pipeline's last error or waiting reason, verbatim.
    public var pipelineReason: String?
    /// Refund receipts missing: the last day (Tashkent, inclusive) to register one — the 10th of the next month.
    public var deadline: Tashkent.LocalDateTime?
    /// Whether `deadline` had passed at the report's `asOf` time.
    public var isOverdue: Bool
    /// `receiptInAnotherMonth`: when the receipt was issued.
    public var receiptIssuedAt: Int64?

    /// Creates an exception record.
    public init(
        kind: Kind, sequence: Int64, event: RegisterEntry.Event, transactionID: TransactionID, occurredAt: Int64,
        amount: Money, status: PaySysStatus, vendorOrderID: String?, receiptTotal: Money? = nil,
        missingReason: MissingReason? = nil, pipelineReason: String? = nil, deadline: Tashkent.LocalDateTime? = nil,
        isOverdue: Bool = false
    ) {
        self.kind = kind
        self.sequence = sequence
        self.event = event
        self.transactionID = transactionID
        self.occurredAt = occurredAt
        self.amount = amount
        self.status = status
        self.vendorOrderID = vendorOrderID
        self.receiptTotal = receiptTotal
        self.missingReason = missingReason
        self.pipelineReason = pipelineReason
        self.deadline = deadline
        self.isOverdue = isOverdue
    }

    /// The last day to register a refund receipt for a refund or cancellation that happened in `month`: the 10th
    /// of the next month (Tashkent).
    public static func refundReceiptDeadline(for month: YearMonth) -> Tashkent.LocalDateTime {
        let next = month.next
        return Tashkent.LocalDateTime(year: next.year, month: next.month, day: 10)
    }

    /// The exceptions one register entry raises, in ``Kind`` order.
    ///
    /// - A `payment`/`p2p` without a receipt is an exception unless the money was never taken (status `error` or
    ///   `created`): no receipt is due for those.
    /// - Totals are compared only when the receipt is in the event's currency (receipts are in so'm).
    /// - `asOf` decides whether a refund-receipt deadline has passed (it ends at 24:00 on the 10th).
    public static func detect(in entry: RegisterEntry, month: YearMonth, asOf: Int64) -> [ReportException] {
        var found: [ReportException] = []
        func make(_ kind: Kind) -> ReportException {
            ReportException(
                kind: kind, sequence: entry.sequence, event: entry.event, transactionID: entry.transactionID,
                occurredAt: entry.occurredAt, amount: entry.amount, status: entry.status,
                vendorOrderID: entry.vendorOrderID)
        }
        let signedReceiptTotal = entry.receipt.map { RegisterRow.signed($0.total, like: entry) }
        switch entry.event {
        case .payment, .p2p:
            if entry.receipt == nil && !RegisterRow.isNotPaid(entry.status) {
                var exception = make(.missingReceipt)
                exception.missingReason = missingReason(state: entry.pipelineState, reason: entry.pipelineReason)
                exception.pipelineReason = entry.pipelineReason
                found.append(exception)
            }
        case .refund, .cancellation:
            break
        }
        if let total = signedReceiptTotal, total.currency == entry.amount.currency, total != entry.amount {
            var exception = make(.receiptTotalMismatch)
            exception.receiptTotal = total
            found.append(exception)
        }
        if entry.receipt == nil && (entry.event == .cancellation || entry.event == .refund) {
            var exception = make(entry.event == .refund ? .refundWithoutRefundReceipt : .cancellationWithoutRefundReceipt)
            let deadline = refundReceiptDeadline(for: YearMonth(containingEpochSeconds: entry.occurredAt))
            exception.deadline = deadline
            exception.isOverdue = asOf >= deadline.epochSeconds + 86_400
            exception.pipelineReason = entry.pipelineReason
            found.append(exception)
        }
        if entry.amountUnknown {
            found.append(make(.refundOfUnknownAmount))
        }
        if let issued = entry.receipt?.issuedAt,
            YearMonth(containingEpochSeconds: issued) != YearMonth(containingEpochSeconds: entry.occurredAt)
        {
            var exception = make(.receiptInAnotherMonth)
            exception.receiptIssuedAt = issued
            found.append(exception)
        }
        if !entry.status.isKnown {
            found.append(make(.unknownStatus))
        }
        return found
    }

    /// Classifies a pipeline state and reason into why a receipt is missing.
    public static func missingReason(state: String, reason: String?) -> MissingReason {
        let lowered = (reason ?? "").lowercased()
        if lowered.contains("spa") && lowered.contains("shell") || lowered.contains("spa-shell")
            || lowered.contains("spa_shell")
        {
            return .spaShell
        }
        switch state.lowercased() {
        case "waiting": return .waiting
        case "failed": return .failed
        default: return .inProgress(state)
        }
    }
}

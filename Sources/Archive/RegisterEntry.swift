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
        /// When the receipt was issued (Unix seconds): the date that puts its VAT in a month.
        public var issuedAt: Int64?

        public init(
            fiscalSign: String?, terminalID: String, receiptNumber: String, total: Money, vatAmount: Money,
            commissionerTIN: String?, kind: FiscalReceipt.Kind, issuedAt: Int64? = nil
        ) {
            self.fiscalSign = fiscalSign
            self.terminalID = terminalID
            self.receiptNumber = receiptNumber
            self.total = total
            self.vatAmount = vatAmount
            self.commissionerTIN = commissionerTIN
            self.kind = kind
            self.issuedAt = issuedAt
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

/// VAT of a month at one rate and currency, summed from the items of the receipts **dated** in the month (the
/// receipt's date is what the tax authority sees): sale receipts add, refund receipts subtract.
public struct VATLine: Sendable, Hashable {
    /// The rate in percent (`12`, `0`).
    public var rate: ExactDecimal
    /// Sale receipts: Σ (line total − discount) of the items at this rate, VAT included.
    public var gross: Money
    /// Sale receipts: Σ item VAT at this rate.
    public var vat: Money
    /// Sale receipts: number of items.
    public var itemCount: Int
    /// Refund receipts: Σ (line total − discount), negative.
    public var refundGross: Money
    /// Refund receipts: Σ item VAT, negative.
    public var refundVAT: Money
    /// Refund receipts: number of items.
    public var refundItemCount: Int
    /// The part of ``netVAT`` from receipts whose event falls in another month (a payment at 23:59 whose receipt
    /// is dated 00:01 of the next day): those events are in another month's register.
    public var otherMonthVAT: Money

    public init(
        rate: ExactDecimal, gross: Money, vat: Money, itemCount: Int, refundGross: Money? = nil,
        refundVAT: Money? = nil, refundItemCount: Int = 0, otherMonthVAT: Money? = nil
    ) {
        self.rate = rate
        self.gross = gross
        self.vat = vat
        self.itemCount = itemCount
        self.refundGross = refundGross ?? .zero(gross.currency)
        self.refundVAT = refundVAT ?? .zero(gross.currency)
        self.refundItemCount = refundItemCount
        self.otherMonthVAT = otherMonthVAT ?? .zero(gross.currency)
    }

    /// The currency of every amount of the line.
    public var currency: Currency { gross.currency }

    /// Sales minus refunds, VAT included.
    public var netGross: Money { gross + refundGross }

    /// The VAT owed for the month at this rate: sale VAT minus refund VAT.
    public var netVAT: Money { vat + refundVAT }
}

/// One row of a backend's VAT query: the items of one rate, currency and side (sales or refunds) of a month.
package struct VATQueryRow: Sendable {
    package var rate: String
    package var currency: String
    package var isRefund: Bool
    package var gross: Int64
    package var vat: Int64
    package var itemCount: Int
    /// The part of `vat` whose event lies in another month.
    package var otherMonthVAT: Int64

    package init(
        rate: String, currency: String, isRefund: Bool, gross: Int64, vat: Int64, itemCount: Int, otherMonthVAT: Int64
    ) {
        self.rate = rate
        self.currency = currency
        self.isRefund = isRefund
        self.gross = gross
        self.vat = vat
        self.itemCount = itemCount
        self.otherMonthVAT = otherMonthVAT
    }
}

extension VATLine {
    /// Folds a backend's VAT query rows into one line per rate and currency (refunds negative), ordered by rate:
    /// the same folding for every backend. Rows are added up, so a backend may hand several rows of one rate
    /// (one per day, or rates written `12` and `12.0`).
    package static func lines(from rows: [VATQueryRow]) throws(ArchiveError) -> [VATLine] {
        var lines: [String: VATLine] = [:]
        for row in rows {
            guard let rate = try? ExactDecimal(parsing: row.rate), let currency = Currency(rawValue: row.currency)
            else { throw ArchiveError(.corrupt, "The archive holds an unreadable VAT rate \(row.rate)") }
            let key = "\(rate)|\(currency.rawValue)"
            var line = lines[key] ?? VATLine(rate: rate, gross: .zero(currency), vat: .zero(currency), itemCount: 0)
            let gross = Money(minorUnits: row.gross, currency: currency)
            let vat = Money(minorUnits: row.vat, currency: currency)
            let other = Money(minorUnits: row.otherMonthVAT, currency: currency)
            if row.isRefund {
                line.refundGross = line.refundGross - gross
                line.refundVAT = line.refundVAT - vat
                line.refundItemCount += row.itemCount
                line.otherMonthVAT = line.otherMonthVAT - other
            } else {
                line.gross = line.gross + gross
                line.vat = line.vat + vat
                line.itemCount += row.itemCount
                line.otherMonthVAT = line.otherMonthVAT + other
            }
            lines[key] = line
        }
        return lines.values.sorted { ($0.rate, $0.currency.rawValue) < ($1.rate, $1.currency.rawValue) }
    }
}

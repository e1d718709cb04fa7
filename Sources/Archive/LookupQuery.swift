import FiscalCore

/// What to look up in the archive, with optional filters.
///
/// Build one with the static constructors, e.g. `.fiscalSign("088681055845")` or
/// `.text("non").filtered(dates: start..<end)`.
public struct LookupQuery: Sendable, Hashable {
    /// The identifier or words searched for.
    public enum Criterion: Sendable, Hashable {
        case transaction(TransactionID)
        case fiscalSign(String)
        case terminalReceipt(terminal: String, receipt: String)
        /// Seller TIN or commissioner TIN.
        case tin(String)
        /// Words in seller names, item names and MXIK names (full-text, every word must match, prefix match).
        case text(String)
        /// Everything (only the filters apply).
        case all
    }

    public var criterion: Criterion
    /// Payment time (PaySys `date`), else receipt time, in this range (Unix seconds).
    public var dates: Range<Int64>?
    /// Payment amount, else receipt total, in this range (minor units).
    public var amounts: ClosedRange<Int64>?

    /// Creates a query.
    public init(_ criterion: Criterion, dates: Range<Int64>? = nil, amounts: ClosedRange<Int64>? = nil) {
        self.criterion = criterion
        self.dates = dates
        self.amounts = amounts
    }

    /// By transaction id.
    public static func transaction(_ id: TransactionID) -> LookupQuery { LookupQuery(.transaction(id)) }
    /// By fiscal sign.
    public static func fiscalSign(_ sign: String) -> LookupQuery { LookupQuery(.fiscalSign(sign)) }
    /// By terminal id and receipt number.
    public static func terminalReceipt(_ terminal: String, _ receipt: String) -> LookupQuery {
        LookupQuery(.terminalReceipt(terminal: terminal, receipt: receipt))
    }
    /// By seller or commissioner TIN.
    public static func tin(_ tin: String) -> LookupQuery { LookupQuery(.tin(tin)) }
    /// By words.
    public static func text(_ words: String) -> LookupQuery { LookupQuery(.text(words)) }

    /// The same query restricted to a time range and/or an amount range.
    public func filtered(dates: Range<Int64>? = nil, amounts: ClosedRange<Int64>? = nil) -> LookupQuery {
        var copy = self
        if let dates { copy.dates = dates }
        if let amounts { copy.amounts = amounts }
        return copy
    }
}

/// One transaction found by a lookup, with its receipt summary when archived.
public struct LookupHit: Sendable, Hashable {
    public var transactionID: TransactionID
    public var type: TransactionType
    public var state: PipelineState
    /// PaySys's `date`, when known.
    public var paidAt: Int64?
    public var amount: Money?
    public var status: PaySysStatus?
    public var vendorOrderID: String?
    /// The receipt matched (sale receipt for id lookups), when archived.
    public var receiptKind: FiscalReceipt.Kind?
    public var fiscalSign: String?
    public var terminalID: String?
    public var receiptNumber: String?
    public var sellerName: String?
    public var sellerTIN: String?
    public var receiptTotal: Money?
    /// Receipt issue time (Unix seconds).
    public var issuedAt: Int64?
    public var receiptURL: String?

    /// Creates a hit.
    public init(
        transactionID: TransactionID, type: TransactionType, state: PipelineState, paidAt: Int64?, amount: Money?,
        status: PaySysStatus?, vendorOrderID: String?, receiptKind: FiscalReceipt.Kind?, fiscalSign: String?,
        terminalID: String?, receiptNumber: String?, sellerName: String?, sellerTIN: String?, receiptTotal: Money?,
        issuedAt: Int64?, receiptURL: String?
    ) {
        self.transactionID = transactionID
        self.type = type
        self.state = state
        self.paidAt = paidAt
        self.amount = amount
        self.status = status
        self.vendorOrderID = vendorOrderID
        self.receiptKind = receiptKind
        self.fiscalSign = fiscalSign
        self.terminalID = terminalID
        self.receiptNumber = receiptNumber
        self.sellerName = sellerName
        self.sellerTIN = sellerTIN
        self.receiptTotal = receiptTotal
        self.issuedAt = issuedAt
        self.receiptURL = receiptURL
    }
}

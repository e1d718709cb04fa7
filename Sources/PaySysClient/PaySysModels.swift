import FiscalCore

/// The answer of `paysys.payment_info`.
public struct PaymentInfo: Sendable, Hashable {
    /// The PaySys transaction id.
    public var transactionID: TransactionID
    /// The vendor's order id (`vendor_user_id`).
    public var vendorUserID: String?
    /// PaySys's bank-side transaction number.
    public var bankTransactionID: Int64?
    /// The payment amount, read in the configured unit.
    public var amount: Money
    /// The transaction's status.
    public var status: PaySysStatus
    /// Payment time, Unix seconds.
    public var date: Int64
    /// The gateway's request tracker.
    public var mxID: String?

    /// Creates a value.
    public init(
        transactionID: TransactionID, vendorUserID: String?, bankTransactionID: Int64?, amount: Money,
        status: PaySysStatus, date: Int64, mxID: String?
    ) {
        self.transactionID = transactionID
        self.vendorUserID = vendorUserID
        self.bankTransactionID = bankTransactionID
        self.amount = amount
        self.status = status
        self.date = date
        self.mxID = mxID
    }
}

/// The answer of `paysys.payment_cancel` and `paysys.payment_adjustments`.
public struct OperationResult: Sendable, Hashable {
    /// The PaySys transaction id.
    public var transactionID: TransactionID
    /// PaySys's bank-side transaction number.
    public var bankTransactionID: Int64?
    /// The vendor's order id.
    public var vendorUserID: String?
    /// The status after the operation (3 after a cancel, 6 after a refund).
    public var status: PaySysStatus
    /// The gateway's request tracker: keep it with the operation.
    public var mxID: String?

    /// Creates a value.
    public init(
        transactionID: TransactionID, bankTransactionID: Int64?, vendorUserID: String?, status: PaySysStatus,
        mxID: String?
    ) {
        self.transactionID = transactionID
        self.bankTransactionID = bankTransactionID
        self.vendorUserID = vendorUserID
        self.status = status
        self.mxID = mxID
    }
}

/// The answer of `paysys.get_fiscal_cheque`.
public struct FiscalCheque: Sendable, Hashable {
    /// The PaySys transaction id.
    public var transactionID: TransactionID
    /// The link to the fiscal receipt (`cheque`).
    public var url: String
    /// Links to refund receipts, from the optional non-standard `refund_cheques` array (the sandbox sends it;
    /// PaySys's document does not mention it). Empty when absent.
    public var refundURLs: [String]
    /// The gateway's request tracker.
    public var mxID: String?

    /// Creates a value.
    public init(transactionID: TransactionID, url: String, refundURLs: [String] = [], mxID: String?) {
        self.transactionID = transactionID
        self.url = url
        self.refundURLs = refundURLs
        self.mxID = mxID
    }
}

/// The parameters of `paysys.invoice_create`.
public struct InvoiceRequest: Sendable, Hashable {
    /// The vendor's order id.
    public var orderID: String
    /// The vendor's id at PaySys.
    public var vendorID: Int64
    /// The payment system; `-1` is PaySys itself.
    public var paymentID: Int64
    /// The amount; it is sent as a JSON decimal number in major units (`1000.22`), TRY as `TRL`.
    public var amount: Money
    /// The description shown in the vendor's cabinet.
    public var orderNote: String

    /// Creates a request.
    public init(orderID: String, vendorID: Int64, paymentID: Int64 = -1, amount: Money, orderNote: String) {
        self.orderID = orderID
        self.vendorID = vendorID
        self.paymentID = paymentID
        self.amount = amount
        self.orderNote = orderNote
    }
}

/// An invoice created by `paysys.invoice_create`.
public struct Invoice: Sendable, Hashable {
    /// An invoice status: `-1` error, `0` created, `1` payment in progress, `2` paid, `3` cancelled; others kept.
    public struct Status: Sendable, Hashable, RawRepresentable, ExpressibleByIntegerLiteral {
        public var rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public init(integerLiteral value: Int) { self.rawValue = value }
        /// `-1`.
        public static let error: Status = -1
        /// `0`.
        public static let created: Status = 0
        /// `1`.
        public static let inProgress: Status = 1
        /// `2`.
        public static let paid: Status = 2
        /// `3`.
        public static let cancelled: Status = 3
    }

    /// The invoice id at PaySys.
    public var id: Int64
    /// The vendor's id.
    public var vendorID: Int64?
    /// The payment system.
    public var paymentID: Int64?
    /// The vendor's order id.
    public var orderID: String
    /// The amount, read exactly from the decimal string.
    public var amount: Money
    /// The invoice status.
    public var status: Status
    /// The order note.
    public var orderNote: String?
    /// The payment link to send to the payer.
    public var paymentURL: String
    /// The link's identifier.
    public var hash: String?
    /// Creation time, Unix seconds.
    public var date: Int64?
    /// The gateway's request tracker.
    public var mxID: String?

    /// Creates a value.
    public init(
        id: Int64, vendorID: Int64?, paymentID: Int64?, orderID: String, amount: Money, status: Status,
        orderNote: String?, paymentURL: String, hash: String?, date: Int64?, mxID: String?
    ) {
        self.id = id
        self.vendorID = vendorID
        self.paymentID = paymentID
        self.orderID = orderID
        self.amount = amount
        self.status = status
        self.orderNote = orderNote
        self.paymentURL = paymentURL
        self.hash = hash
        self.date = date
        self.mxID = mxID
    }
}

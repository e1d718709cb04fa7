import FiscalCore

/// What `payment_info` said about a transaction at one moment.
public struct PaymentSnapshot: Sendable, Hashable, Codable {
    /// The amount PaySys reports.
    public var amount: Money
    public var status: PaySysStatus
    /// PaySys's `date` (Unix seconds): when the payment happened.
    public var date: Int64
    public var vendorOrderID: String?
    public var bankTransactionID: String?
    /// PaySys's `mx_id`.
    public var mxID: String?

    /// Creates a snapshot.
    public init(
        amount: Money, status: PaySysStatus, date: Int64, vendorOrderID: String? = nil,
        bankTransactionID: String? = nil, mxID: String? = nil
    ) {
        self.amount = amount
        self.status = status
        self.date = date
        self.vendorOrderID = vendorOrderID
        self.bankTransactionID = bankTransactionID
        self.mxID = mxID
    }
}

/// One observed status of a transaction.
public struct StatusChange: Sendable, Hashable {
    public var status: PaySysStatus
    /// When it was observed (Unix seconds).
    public var observedAt: Int64

    /// Creates a change.
    public init(status: PaySysStatus, observedAt: Int64) {
        self.status = status
        self.observedAt = observedAt
    }
}

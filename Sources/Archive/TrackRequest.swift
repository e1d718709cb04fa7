import FiscalCore

/// A transaction id to start archiving: from `track`, `track --csv` or the ingest API.
public struct TrackRequest: Sendable, Hashable {
    /// The PaySys transaction id.
    public var id: TransactionID
    /// `payment` or `p2p`: `get_fiscal_cheque` needs it.
    public var type: TransactionType
    /// The merchant's own order id, when the source knows it.
    public var vendorOrderID: String?

    /// Creates a request.
    public init(id: TransactionID, type: TransactionType, vendorOrderID: String? = nil) {
        self.id = id
        self.type = type
        self.vendorOrderID = vendorOrderID
    }
}

/// What ``ArchiveStore/track(_:now:)`` did.
public struct TrackSummary: Sendable, Hashable {
    /// Ids new to the archive.
    public var added: Int
    /// Ids the archive already tracked (counted, not duplicated).
    public var alreadyKnown: Int

    /// Creates a summary.
    public init(added: Int, alreadyKnown: Int) {
        self.added = added
        self.alreadyKnown = alreadyKnown
    }
}

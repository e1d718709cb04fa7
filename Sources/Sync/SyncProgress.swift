import FiscalCore

/// Counts of a running sync, reported after every step.
public struct SyncProgress: Sendable, Hashable {
    /// Transactions whose processing ended in this run (archived, waiting or failed).
    public var processed: Int
    /// Jobs known to be due when the run started plus those claimed since (the bar's denominator).
    public var expected: Int
    public var archived: Int
    public var waiting: Int
    public var failed: Int
    /// Archived transactions re-checked with `payment_info`.
    public var rechecked: Int
    /// Status changes the re-checks found (cancellations, refunds).
    public var changes: Int
    /// Seconds since the run started.
    public var elapsed: Double

    public init() {
        processed = 0
        expected = 0
        archived = 0
        waiting = 0
        failed = 0
        rechecked = 0
        changes = 0
        elapsed = 0
    }

    /// Transactions per second so far.
    public var rate: Double { elapsed > 0 ? Double(processed) / elapsed : 0 }

    /// Estimated seconds left, when a rate is known.
    public var eta: Double? {
        guard rate > 0, expected > processed else { return nil }
        return Double(expected - processed) / rate
    }
}

/// What a sync run did.
public struct SyncSummary: Sendable {
    /// The final counts.
    public var progress: SyncProgress
    /// Transactions that failed in this run, with the reason.
    public var failures: [(TransactionID, String)]
    /// Transactions left waiting, with the reason and when they are next due (Unix seconds).
    public var waiting: [(TransactionID, String, Int64)]
    /// Whether the run stopped because it was asked to (SIGTERM, task cancellation).
    public var interrupted: Bool
}

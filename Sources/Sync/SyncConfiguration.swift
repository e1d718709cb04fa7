/// How a sync run behaves.
public struct SyncConfiguration: Sendable {
    /// Transactions processed at once.
    public var concurrency: Int
    /// First backoff of a waiting or transient step, seconds.
    public var retryInitial: Int64
    /// Longest backoff, seconds.
    public var retryMax: Int64
    /// How long a receipt may stay "not registered yet" (or an SPA shell without fallback) before the
    /// transaction fails, seconds.
    public var receiptDeadline: Int64
    /// How long after the payment an archived transaction is re-checked with `payment_info` (daily in the cancel
    /// window, then weekly: `RecheckSchedule`), seconds; `FISCAL_ARCHIVE_RECHECK_DAYS`.
    public var recheckHorizon: Int64
    /// Lease of a claimed job, seconds: another worker may take it over after this.
    public var lease: Int64
    /// This worker's name in claims (unique per process).
    public var worker: String

    public init(
        concurrency: Int = 8, retryInitial: Int64 = 30, retryMax: Int64 = 3600, receiptDeadline: Int64 = 604_800,
        recheckHorizon: Int64 = 90 * 86_400, lease: Int64 = 300, worker: String
    ) {
        self.concurrency = max(1, concurrency)
        self.retryInitial = max(1, retryInitial)
        self.retryMax = max(self.retryInitial, retryMax)
        self.receiptDeadline = receiptDeadline
        self.recheckHorizon = recheckHorizon
        self.lease = max(30, lease)
        self.worker = worker
    }
}

/// Exponential backoff with jitter: attempt n waits between half and all of `initial × 2^n`, capped at `max`.
public struct Backoff: Sendable {
    public var initial: Int64
    public var max: Int64

    public init(initial: Int64, max: Int64) {
        self.initial = initial
        self.max = max
    }

    /// The delay before attempt `attempt + 1`, at least `minimum` (a server's `Retry-After`).
    public func delay<R: RandomNumberGenerator>(attempt: Int, minimum: Int64 = 0, using generator: inout R) -> Int64 {
        let exponent = Swift.min(attempt, 30)
        let (scaled, overflow) = initial.multipliedReportingOverflow(by: Int64(1) << exponent)
        let ceiling = overflow ? max : Swift.min(max, scaled)
        let floor = Swift.max(1, ceiling / 2)
        let jittered = floor >= ceiling ? ceiling : Int64.random(in: floor...ceiling, using: &generator)
        return Swift.max(jittered, minimum)
    }
}

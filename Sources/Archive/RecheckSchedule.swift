/// When archived payments are asked `payment_info` again, to notice cancellations and refunds made outside this
/// tool: **daily** while the 7-day cancel window is open, then **weekly** until the horizon
/// (`FISCAL_ARCHIVE_RECHECK_DAYS`, 90 by default), then never.
///
/// Each transaction keeps its own phase: its next check comes ½ to 1½ intervals after the last one, the fraction
/// drawn from its id (a multiplicative hash), so thousands archived together drift apart instead of asking the
/// gateway all at once every day. The schedule is kept in `transactions.next_recheck_at` (indexed), set when the
/// first `payment_info` answer is stored and moved on by every re-check claim.
public enum RecheckSchedule {
    /// One day, the interval inside the cancel window.
    public static let daily: Int64 = 86_400
    /// One week, the interval after it.
    public static let weekly: Int64 = 7 * 86_400
    /// The cancel window.
    public static let cancelWindow: Int64 = 7 * 86_400
    /// The default horizon, 90 days.
    public static let defaultHorizon: Int64 = 90 * 86_400

    /// An SQL expression of the spread offset of `interval` for the id column `id`: in [interval/2, 3·interval/2).
    package static func spreadSQL(_ id: String, interval: Int64) -> String {
        "(\(interval / 2) + ((\(id) * 2654435761) % \(interval)))"
    }

    /// The offset of the first re-check after the first answer (daily).
    package static func firstSQL(_ id: String) -> String { spreadSQL(id, interval: daily) }

    /// An SQL expression of the next check after a check at `:now`, for a payment made at `paid_at`, or `NULL` past
    /// the horizon `:horizon` (seconds after the payment).
    package static let nextSQL = """
        CASE WHEN :now - paid_at < \(cancelWindow) THEN :now + \(spreadSQL("id", interval: daily))
             WHEN :now - paid_at < :horizon THEN :now + \(spreadSQL("id", interval: weekly))
             ELSE NULL END
        """
}

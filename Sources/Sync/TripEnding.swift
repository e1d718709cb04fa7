import Archive
import FiscalCore
import PaySysClient
import ReceiptFetcher

/// How a trip ends when it cannot archive the receipt: the sync's step logic, with no I/O, so that it can be tested
/// on its own. `SyncEngine` asks it at every point where a trip stops short.
///
/// - A transient error (a gateway timeout or 5xx, a 429, a dropped download, an archive error) waits at the step it
///   happened at, with an exponential backoff and jitter, never shorter than a server's `Retry-After`; attempts count
///   only while the job waits at the same step.
/// - A receipt that is not there yet (no link from PaySys, the site's "not found", an SPA shell without the JSON
///   API, a truncated page) waits the same way, until the receipt deadline, counted from when the job first waited
///   at that step; then it fails, saying so.
/// - Any other error fails the job at its step, with the reason.
struct TripEnding: Sendable {
    var backoff: Backoff
    /// How long a receipt may stay missing before the job fails (seconds).
    var receiptDeadline: Int64

    init(_ configuration: SyncConfiguration) {
        backoff = Backoff(initial: configuration.retryInitial, max: configuration.retryMax)
        receiptDeadline = configuration.receiptDeadline
    }

    /// Waits at `step` with a backoff: the job's attempts count when it waits again at the step it waited at.
    func wait<R: RandomNumberGenerator>(
        _ job: PipelineJob, step: PipelineStep, reason: String, retryAfter: Int64? = nil, now: Int64,
        using generator: inout R
    ) -> PipelineTrip.End {
        let attempts = step == job.step ? job.attempts : 0
        let next = now + backoff.delay(attempt: attempts, minimum: retryAfter ?? 0, using: &generator)
        return .waiting(step: step, reason: reason, nextAttemptAt: next)
    }

    /// Waits for a receipt that is not there yet, or fails once the receipt deadline has passed since the job first
    /// waited at this step.
    func waitForReceipt<R: RandomNumberGenerator>(
        _ job: PipelineJob, step: PipelineStep, reason: String, now: Int64, using generator: inout R
    ) -> PipelineTrip.End {
        let since = (step == job.step ? job.firstWaitingAt : nil) ?? now
        if now - since >= receiptDeadline {
            let days = receiptDeadline / 86_400
            return .failed(step: step, reason: "\(reason); still so after the receipt deadline (\(days) days)")
        }
        return wait(job, step: step, reason: reason, now: now, using: &generator)
    }

    /// The end of a trip that threw at `step`.
    func end<R: RandomNumberGenerator>(
        after error: any Error, _ job: PipelineJob, step: PipelineStep, now: Int64, using generator: inout R
    ) -> PipelineTrip.End {
        switch error {
        case let error as PaySysError where error.isTransient:
            return wait(
                job, step: step, reason: "PaySys: \(error)", retryAfter: error.retryAfterSeconds, now: now,
                using: &generator)
        case let error as PaySysError:
            return .failed(step: step, reason: "PaySys: \(error)")
        case let error as FetchError where error.isTransient:
            return wait(
                job, step: step, reason: error.description, retryAfter: error.retryAfter, now: now, using: &generator)
        case let error as FetchError:
            return .failed(step: step, reason: error.description)
        default:
            // The archive (reading a stored original) or the CPU pool: back off like any transient error.
            return wait(job, step: step, reason: "archive error: \(error)", now: now, using: &generator)
        }
    }
}

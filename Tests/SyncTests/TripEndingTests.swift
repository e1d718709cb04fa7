import Archive
import FiscalCore
import PaySysClient
import ReceiptFetcher
import Testing

@testable import Sync

/// The sync's step logic on its own: how a trip that cannot archive ends (``TripEnding``).
@Suite("How a trip that stops short ends")
struct TripEndingTests {
    /// Backoff 30 s doubling to 3,600 s with jitter in the upper half; receipts may be missing for 7 days.
    let ending = TripEnding(
        SyncConfiguration(retryInitial: 30, retryMax: 3_600, receiptDeadline: 7 * 86_400, worker: "test-worker"))
    let now: Int64 = 1_790_000_000

    func job(step: PipelineStep, attempts: Int = 0, firstWaitingAt: Int64? = nil) -> PipelineJob {
        PipelineJob(
            id: 7, type: .payment, state: .waiting, step: step, attempts: attempts, firstWaitingAt: firstWaitingAt,
            lastError: nil, vendorOrderID: nil, payment: nil, receiptURL: nil, refundURLs: [], storedURLs: [],
            unparsedOriginalIDs: [], worker: "w", leaseUntil: now + 60, leaseToken: 1)
    }

    /// The wait's next attempt, or a test failure naming what the end was instead.
    func nextAttempt(_ end: PipelineTrip.End, step expected: PipelineStep) -> Int64? {
        guard case .waiting(let step, _, let next) = end else {
            Issue.record("expected waiting at \(expected), got \(end)")
            return nil
        }
        #expect(step == expected)
        return next
    }

    @Test("attempts at the same step double the wait (jitter in the upper half), capped at the maximum")
    func backoffGrowsAtTheSameStep() {
        var random = SplitMix64(seed: 1)
        for (attempts, low, high) in [(0, 15, 30), (1, 30, 60), (3, 120, 240), (12, 1_800, 3_600)] as [(Int, Int64, Int64)] {
            let end = ending.wait(job(step: .receiptLink, attempts: attempts), step: .receiptLink, reason: "x", now: now, using: &random)
            guard let next = nextAttempt(end, step: .receiptLink) else { continue }
            #expect((now + low...now + high).contains(next), "attempts \(attempts): waits \(next - now) s")
        }
    }

    @Test("a wait at a new step starts the backoff over; a Retry-After is never cut short")
    func newStepAndRetryAfter() {
        var random = SplitMix64(seed: 2)
        // Ten attempts were at the link step; the trip got further and now waits at the download.
        let further = ending.wait(job(step: .receiptLink, attempts: 10), step: .fetchReceipt, reason: "x", now: now, using: &random)
        #expect(nextAttempt(further, step: .fetchReceipt).map { $0 - now }.map { (15...30).contains($0) } == true)
        let limited = ending.wait(
            job(step: .paymentInfo), step: .paymentInfo, reason: "429", retryAfter: 900, now: now, using: &random)
        #expect(nextAttempt(limited, step: .paymentInfo) == now + 900)
    }

    @Test("a missing receipt waits until the deadline counted from the first wait at that step, then fails")
    func receiptDeadline() {
        var random = SplitMix64(seed: 3)
        let day: Int64 = 86_400
        let early = ending.waitForReceipt(
            job(step: .fetchReceipt, attempts: 4, firstWaitingAt: now - 7 * day + 1), step: .fetchReceipt,
            reason: "not registered", now: now, using: &random)
        #expect(nextAttempt(early, step: .fetchReceipt) != nil)
        let late = ending.waitForReceipt(
            job(step: .fetchReceipt, attempts: 40, firstWaitingAt: now - 7 * day), step: .fetchReceipt,
            reason: "not registered", now: now, using: &random)
        #expect(late == .failed(step: .fetchReceipt, reason: "not registered; still so after the receipt deadline (7 days)"))
        // A week of waiting at the link step says nothing about the download: its clock starts now.
        let moved = ending.waitForReceipt(
            job(step: .receiptLink, attempts: 40, firstWaitingAt: now - 30 * day), step: .fetchReceipt,
            reason: "not registered", now: now, using: &random)
        #expect(nextAttempt(moved, step: .fetchReceipt) != nil)
    }

    @Test("transient gateway and download errors wait; permanent ones fail; anything else backs off")
    func errorsDecideTheEnd() {
        var random = SplitMix64(seed: 4)
        let step = PipelineStep.paymentInfo
        let transient: [any Error] = [
            PaySysError(kind: .timeout, method: "paysys.payment_info"),
            PaySysError(kind: .http(status: 503), method: "paysys.payment_info"),
            PaySysError(kind: .gateway(code: -32318, message: "busy", data: nil), method: "paysys.payment_info"),
            FetchError(.connection, url: "https://ofd.soliq.uz/epi", reason: "reset"),
            FetchError(.serverError, url: "https://ofd.soliq.uz/epi", reason: "502"),
            ArchiveError(.locked, "the archive is locked by another process"),
        ]
        for error in transient {
            #expect(nextAttempt(ending.end(after: error, job(step: step), step: step, now: now, using: &random), step: step) != nil,
                    "\(error)")
        }
        let limited = ending.end(
            after: PaySysError(kind: .rateLimited(retryAfter: 120), method: "paysys.payment_info"), job(step: step),
            step: step, now: now, using: &random)
        #expect(nextAttempt(limited, step: step).map { $0 >= now + 120 } == true)
        let permanent: [(any Error, String)] = [
            (PaySysError(kind: .gateway(code: -32314, message: "not found", data: nil), method: "paysys.payment_info"), "PaySys: "),
            (PaySysError(kind: .malformedResponse(reason: "not JSON"), method: "paysys.payment_info"), "PaySys: "),
            (FetchError(.hostNotAllowed, url: "https://evil.example/", reason: "evil.example is not an allowed receipt host"), ""),
        ]
        for (error, prefix) in permanent {
            let end = ending.end(after: error, job(step: step), step: step, now: now, using: &random)
            guard case .failed(let failedStep, let reason) = end else {
                Issue.record("\(error) should fail the job, not \(end)")
                continue
            }
            #expect(failedStep == step)
            #expect(reason.hasPrefix(prefix) && reason.contains("\(error)".prefix(12)), "\(reason)")
        }
    }
}

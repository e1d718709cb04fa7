import Archive
import FiscalCore
import Foundation
import Testing

@Suite struct PipelineTests {
    @Test func stateTransitionsFollowTheSteps() throws {
        let store = try ArchiveStore.temporary()
        _ = try store.track([TrackRequest(id: 42, type: .p2p)], now: 100)

        var jobs = try store.claimDueJobs(limit: 10, now: 100, worker: "w1", lease: 60)
        #expect(jobs.map(\.id) == [42])
        #expect(jobs.first?.step == .paymentInfo)
        // Leased: nobody else gets it, not even the same call again.
        #expect(try store.claimDueJobs(limit: 10, now: 101, worker: "w2", lease: 60).isEmpty)

        try store.recordPaymentInfo(42, Sample.payment(5_000_00, date: 90), now: 102)
        #expect(try store.transaction(42)?.state == .infoFetched)
        try store.releaseLease(42, worker: "w1")
        jobs = try store.claimDueJobs(limit: 10, now: 103, worker: "w2", lease: 60)
        #expect(jobs.first?.step == .receiptLink)
        #expect(jobs.first?.payment?.amount == Sample.uzs(5_000_00))

        // Not registered yet: waits, remembers the step and when it first waited.
        try store.recordWaiting(42, step: .receiptLink, reason: "receipt not registered yet", nextAttemptAt: 200, now: 104)
        try store.recordWaiting(42, step: .receiptLink, reason: "still not registered", nextAttemptAt: 300, now: 201)
        var record = try #require(try store.transaction(42))
        #expect(record.state == .waiting)
        #expect(record.step == .receiptLink)
        #expect(record.attempts == 2)
        #expect(record.firstWaitingAt == 104)
        #expect(record.lastError == "still not registered")
        #expect(try store.nextDueTime() == 300)
        #expect(try store.claimDueJobs(limit: 10, now: 299, worker: "w3", lease: 60).isEmpty)
        jobs = try store.claimDueJobs(limit: 10, now: 300, worker: "w3", lease: 60)
        #expect(jobs.first?.step == .receiptLink)
        #expect(jobs.first?.state == .infoFetched)
        #expect(jobs.first?.attempts == 2)

        try store.recordReceiptLink(42, url: "https://ofd.soliq.uz/epi?t=A&r=1", refundURLs: [], now: 301)
        record = try #require(try store.transaction(42))
        #expect(record.state == .linkFetched)
        #expect(record.attempts == 0)
        #expect(record.firstWaitingAt == nil)

        let originalID = try store.recordOriginal(42, Sample.page("<p>x</p>"), now: 302)
        #expect(try store.transaction(42)?.state == .pageFetched)
        try store.releaseLease(42, worker: "w3")
        jobs = try store.claimDueJobs(limit: 10, now: 303, worker: "w4", lease: 60)
        #expect(jobs.first?.step == .parseReceipt)
        #expect(jobs.first?.unparsedOriginalIDs == [originalID])
        #expect(jobs.first?.storedURLs == [Sample.page("").url])

        try store.recordArchived(42, originalID: originalID, receipt: Sample.receipt(total: 5_000_00), warnings: ["w"], now: 304)
        #expect(try store.transaction(42)?.state == .archived)
        #expect(try store.claimDueJobs(limit: 10, now: 10_000, worker: "w5", lease: 60).isEmpty)
        #expect(try store.receipt(for: 42)?.warnings == ["w"])
    }

    @Test func failedJobsStopAndCanBeRequeued() throws {
        let store = try ArchiveStore.temporary()
        _ = try store.track([TrackRequest(id: 7, type: .payment)], now: 1)
        _ = try store.claimDueJobs(limit: 1, now: 1, worker: "w", lease: 60)
        try store.recordFailed(7, step: .paymentInfo, reason: "transaction not found (-32314)", now: 2)
        let status = try store.status(now: 3)
        #expect(status.countsByState[.failed] == 1)
        #expect(status.failures.first?.reason == "transaction not found (-32314)")
        #expect(try store.claimDueJobs(limit: 1, now: 1_000, worker: "w", lease: 60).isEmpty)
        #expect(try store.retryFailed(now: 5).map(\.reason) == ["transaction not found (-32314)"])
        #expect(try store.claimDueJobs(limit: 1, now: 5, worker: "w", lease: 60).first?.step == .paymentInfo)
    }

    @Test func expiredLeasesAreClaimableAgain() throws {
        let store = try ArchiveStore.temporary()
        _ = try store.track([TrackRequest(id: 1, type: .payment)], now: 0)
        #expect(try store.claimDueJobs(limit: 5, now: 10, worker: "crashed", lease: 30).count == 1)
        #expect(try store.nextDueTime() == 40)
        #expect(try store.claimDueJobs(limit: 5, now: 39, worker: "other", lease: 30).isEmpty)
        let again = try store.claimDueJobs(limit: 5, now: 40, worker: "other", lease: 30)
        #expect(again.first?.worker == "other")
        #expect(again.first?.leaseUntil == 70)
    }

    @Test func claimsAreOrderedByDueTime() throws {
        let store = try ArchiveStore.temporary()
        _ = try store.track([TrackRequest(id: 3, type: .payment)], now: 5)
        _ = try store.track([TrackRequest(id: 2, type: .payment), TrackRequest(id: 1, type: .payment)], now: 9)
        let jobs = try store.claimDueJobs(limit: 2, now: 10, worker: "w", lease: 5)
        #expect(jobs.map(\.id) == [3, 1])
    }

    @Test func concurrentWorkersOnTwoStoresNeverShareAJob() async throws {
        let first = try ArchiveStore.temporary()
        let second = try ArchiveStore(path: first.path)
        let count = 300
        _ = try first.track((1...count).map { TrackRequest(id: TransactionID(Int64($0)), type: .payment) }, now: 0)
        let claimed = try await withThrowingTaskGroup(of: [TransactionID].self) { group in
            for worker in 0..<8 {
                let store = worker.isMultiple(of: 2) ? first : second
                group.addTask {
                    var mine: [TransactionID] = []
                    while true {
                        let jobs = try store.claimDueJobs(limit: 3, now: 1, worker: "worker-\(worker)", lease: 3_600)
                        if jobs.isEmpty { return mine }
                        for job in jobs {
                            #expect(job.worker == "worker-\(worker)")
                            try store.recordPaymentInfo(job.id, Sample.payment(100, date: 1), now: 1)
                        }
                        mine += jobs.map(\.id)
                    }
                }
            }
            var all: [TransactionID] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(claimed.count == count)
        #expect(Set(claimed).count == count)
        let status = try first.status(now: 1)
        #expect(status.countsByState[.infoFetched] == count)
        #expect(status.events == count)
    }

    @Test("re-checks: daily in the cancel window, weekly after it, none past the horizon, each claimed once")
    func recheckSchedule() throws {
        let store = try ArchiveStore.temporary()
        let day: Int64 = 86_400
        let paid: Int64 = 1_000 * day
        try Sample.archive(store, 1, date: paid, now: paid)
        // Not due before half a day; due by a day and a half (each transaction has its own phase in between).
        #expect(try store.dueRechecks(now: paid + day / 2 - 1, horizon: 90 * day, limit: 10).isEmpty)
        #expect(try store.status(now: paid + day + day / 2).rechecksDue == 1)
        var now = paid + day + day / 2
        #expect(try store.dueRechecks(now: now, horizon: 90 * day, limit: 10) == [1])
        // Claimed: not due again at once, whoever asks.
        #expect(try store.dueRechecks(now: now, horizon: 90 * day, limit: 10).isEmpty)
        #expect(try store.status(now: now).rechecksDue == 0)
        // Inside the cancel window the next one comes within 1½ days.
        #expect(try store.dueRechecks(now: now + day / 2 - 1, horizon: 90 * day, limit: 10).isEmpty)
        now += day + day / 2
        #expect(try store.dueRechecks(now: now, horizon: 90 * day, limit: 10) == [1])
        // Past the cancel window: weekly, so nothing within half a week, and one within 1½ weeks.
        now = paid + 10 * day
        _ = try store.dueRechecks(now: now, horizon: 90 * day, limit: 10)
        #expect(try store.dueRechecks(now: now + 7 * day / 2 - 1, horizon: 90 * day, limit: 10).isEmpty)
        now += 7 * day + 7 * day / 2
        #expect(try store.dueRechecks(now: now, horizon: 90 * day, limit: 10) == [1])
        // Past the horizon the checks end.
        now = paid + 91 * day
        _ = try store.dueRechecks(now: now, horizon: 90 * day, limit: 10)
        #expect(try store.dueRechecks(now: now + 365 * day, horizon: 90 * day, limit: 10).isEmpty)
    }

    @Test("re-check phases spread a day's archivings over the day")
    func recheckSpread() throws {
        let store = try ArchiveStore.temporary()
        let day: Int64 = 86_400
        let paid: Int64 = 1_000 * day
        for id in 1...200 { try Sample.archive(store, TransactionID(Int64(id)), date: paid, now: paid) }
        // All 200 archived at the same second: their first re-checks fall over a whole day, not at one moment.
        var dueByHour: [Int] = []
        var seen: Set<TransactionID> = []
        var now = paid + day / 2
        for _ in 0..<24 {
            now += 3_600
            // First re-checks only (an early one may already be due again before the day is over).
            let first = try store.dueRechecks(now: now, horizon: 90 * day, limit: 1_000).filter { seen.insert($0).inserted }
            dueByHour.append(first.count)
        }
        #expect(seen.count == 200)
        #expect(dueByHour.max() ?? 0 < 30, "\(dueByHour)")
    }
}

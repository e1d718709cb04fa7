import Archive
import ArchiveTestSupport
import SQLiteArchive
import FiscalCore
import Foundation
import Testing

@Suite struct PipelineTests {
    @Test(arguments: TestBackend.available) func stateTransitionsFollowTheTrips(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        _ = try await store.track([TrackRequest(id: 42, type: .p2p)], now: 100)

        var jobs = try await store.claimJobs(limit: 10, now: 100, worker: "w1", lease: 60)
        #expect(jobs.map(\.id) == [42])
        #expect(jobs.first?.step == .paymentInfo)
        // Leased: nobody else gets it, not even the same call again.
        #expect(try await store.claimJobs(limit: 10, now: 101, worker: "w2", lease: 60).isEmpty)

        // Not registered yet: the trip stores what it learned and waits, remembering the step and when it first waited.
        var job = try #require(jobs.first)
        try await store.commit(
            PipelineTrip(
                payment: Sample.payment(5_000_00, date: 90),
                end: .waiting(step: .receiptLink, reason: "receipt not registered yet", nextAttemptAt: 200)),
            of: 42, lease: job.lease, now: 104)
        #expect(try await store.claimJobs(limit: 10, now: 199, worker: "w2", lease: 60).isEmpty)
        jobs = try await store.claimJobs(limit: 10, now: 200, worker: "w2", lease: 60)
        job = try #require(jobs.first)
        #expect(job.step == .receiptLink)
        #expect(job.payment?.amount == Sample.uzs(5_000_00))
        try await store.commit(
            PipelineTrip(end: .waiting(step: .receiptLink, reason: "still not registered", nextAttemptAt: 300)),
            of: 42, lease: job.lease, now: 201)
        var record = try #require(try await store.transaction(42))
        #expect(record.state == .waiting)
        #expect(record.step == .receiptLink)
        #expect(record.attempts == 2)
        #expect(record.firstWaitingAt == 104)
        #expect(record.lastError == "still not registered")
        #expect(try await store.nextDueTime() == 300)
        #expect(try await store.claimJobs(limit: 10, now: 299, worker: "w3", lease: 60).isEmpty)
        jobs = try await store.claimJobs(limit: 10, now: 300, worker: "w3", lease: 60)
        job = try #require(jobs.first)
        #expect(job.step == .receiptLink)
        #expect(job.attempts == 2)

        // The link and the page arrive, but the page is stored without a receipt: the job waits at parsing.
        let state = try await store.commit(
            PipelineTrip(
                links: .init(url: Sample.page("").url, refundURLs: []),
                originals: [try PreparedOriginal(Sample.page("<p>x</p>"))], end: .archived),
            of: 42, lease: job.lease, now: 302)
        #expect(state == .pageFetched)
        record = try #require(try await store.transaction(42))
        #expect(record.state == .pageFetched)
        #expect(record.attempts == 0)
        #expect(record.firstWaitingAt == nil)
        jobs = try await store.claimJobs(limit: 10, now: 303, worker: "w4", lease: 60)
        job = try #require(jobs.first)
        #expect(job.step == .parseReceipt)
        #expect(job.storedURLs == [Sample.page("").url])
        let originalID = try #require(job.unparsedOriginalIDs.first)
        #expect(job.unparsedOriginalIDs == [originalID])

        let parsed = try ParsedOriginal(receipt: Sample.receipt(total: 5_000_00), warnings: ["w"], for: 42)
        #expect(try await store.commit(
            PipelineTrip(storedReceipts: [(originalID, parsed)], end: .archived), of: 42, lease: job.lease, now: 304)
            == .archived)
        #expect(try await store.transaction(42)?.state == .archived)
        #expect(try await store.claimJobs(limit: 10, now: 10_000, worker: "w5", lease: 60).isEmpty)
        #expect(try await store.receipt(for: 42)?.warnings == ["w"])
    }

    @Test(arguments: TestBackend.available) func failedJobsStopAndCanBeRequeued(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        try await TripFixture.fail(store, 7, step: .paymentInfo, reason: "transaction not found (-32314)", now: 2)
        let status = try await store.status(now: 3)
        #expect(status.countsByState[.failed] == 1)
        #expect(status.failures.first?.reason == "transaction not found (-32314)")
        #expect(try await store.claimJobs(limit: 1, now: 1_000, worker: "w", lease: 60).isEmpty)
        #expect(try await store.retryFailed(now: 5).map(\.reason) == ["transaction not found (-32314)"])
        #expect(try await store.claimJobs(limit: 1, now: 5, worker: "w", lease: 60).first?.step == .paymentInfo)
    }

    @Test(arguments: TestBackend.available) func expiredLeasesAreClaimableAgain(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        _ = try await store.track([TrackRequest(id: 1, type: .payment)], now: 0)
        let crashed = try await store.claimJobs(limit: 5, now: 10, worker: "crashed", lease: 30)
        #expect(crashed.count == 1)
        #expect(try await store.nextDueTime() == 40)
        #expect(try await store.claimJobs(limit: 5, now: 39, worker: "other", lease: 30).isEmpty)
        let again = try await store.claimJobs(limit: 5, now: 40, worker: "other", lease: 30)
        #expect(again.first?.worker == "other")
        #expect(again.first?.leaseUntil == 70)
        // The crashed worker's lease is fenced off: its late write is refused.
        let job = try #require(crashed.first)
        await #expect(throws: ArchiveError.self) {
            try await store.commit(PipelineTrip(end: .failed(step: .paymentInfo, reason: "late")), of: 1, lease: job.lease, now: 41)
        }
        #expect(try await store.transaction(1)?.state == .tracked)
    }

    @Test(arguments: TestBackend.available) func claimsAreOrderedByDueTime(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        _ = try await store.track([TrackRequest(id: 3, type: .payment)], now: 5)
        _ = try await store.track([TrackRequest(id: 2, type: .payment), TrackRequest(id: 1, type: .payment)], now: 9)
        let jobs = try await store.claimJobs(limit: 2, now: 10, worker: "w", lease: 5)
        #expect(jobs.map(\.id) == [3, 1])
    }

    @Test func concurrentWorkersOnTwoConnectionsNeverShareAJob() async throws {
        let first = try SQLiteArchiveStore.temporary()
        let second = try SQLiteArchiveStore(path: first.path)
        let count = 300
        _ = try await first.track((1...count).map { TrackRequest(id: TransactionID(Int64($0)), type: .payment) }, now: 0)
        let claimed = try await withThrowingTaskGroup(of: [TransactionID].self) { group in
            for worker in 0..<8 {
                let store = worker.isMultiple(of: 2) ? first : second
                group.addTask {
                    var mine: [TransactionID] = []
                    while true {
                        let jobs = try await store.claimJobs(limit: 3, now: 1, worker: "worker-\(worker)", lease: 3_600)
                        if jobs.isEmpty { return mine }
                        for job in jobs {
                            #expect(job.worker == "worker-\(worker)")
                            try await store.commit(
                                PipelineTrip(
                                    payment: Sample.payment(100, date: 1),
                                    end: .waiting(step: .receiptLink, reason: "later", nextAttemptAt: 10_000)),
                                of: job.id, lease: job.lease, now: 1)
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
        let status = try await first.status(now: 1)
        #expect(status.countsByState[.waiting] == count)
        #expect(status.events == count)
    }

    @Test("re-checks: daily in the cancel window, weekly after it, none past the horizon, each claimed once", arguments: TestBackend.available)
    func recheckSchedule(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let day: Int64 = 86_400
        let paid: Int64 = 1_000 * day
        try await Sample.archive(store, 1, date: paid, now: paid)
        // Not due before half a day; due by a day and a half (each transaction has its own phase in between).
        #expect(try await store.claimRechecks(now: paid + day / 2 - 1, horizon: 90 * day, limit: 10).isEmpty)
        await #expect(try store.status(now: paid + day + day / 2).rechecksDue == 1)
        var now = paid + day + day / 2
        #expect(try await store.claimRechecks(now: now, horizon: 90 * day, limit: 10) == [1])
        // Claimed: not due again at once, whoever asks.
        #expect(try await store.claimRechecks(now: now, horizon: 90 * day, limit: 10).isEmpty)
        await #expect(try store.status(now: now).rechecksDue == 0)
        // Inside the cancel window the next one comes within 1½ days.
        #expect(try await store.claimRechecks(now: now + day / 2 - 1, horizon: 90 * day, limit: 10).isEmpty)
        now += day + day / 2
        #expect(try await store.claimRechecks(now: now, horizon: 90 * day, limit: 10) == [1])
        // Past the cancel window: weekly, so nothing within half a week, and one within 1½ weeks.
        now = paid + 10 * day
        _ = try await store.claimRechecks(now: now, horizon: 90 * day, limit: 10)
        #expect(try await store.claimRechecks(now: now + 7 * day / 2 - 1, horizon: 90 * day, limit: 10).isEmpty)
        now += 7 * day + 7 * day / 2
        #expect(try await store.claimRechecks(now: now, horizon: 90 * day, limit: 10) == [1])
        // Past the horizon the checks end.
        now = paid + 91 * day
        _ = try await store.claimRechecks(now: now, horizon: 90 * day, limit: 10)
        #expect(try await store.claimRechecks(now: now + 365 * day, horizon: 90 * day, limit: 10).isEmpty)
    }

    @Test("re-check phases spread a day's archivings over the day", arguments: TestBackend.available)
    func recheckSpread(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let day: Int64 = 86_400
        let paid: Int64 = 1_000 * day
        for id in 1...200 { try await Sample.archive(store, TransactionID(Int64(id)), date: paid, now: paid) }
        // All 200 archived at the same second: their first re-checks fall over a whole day, not at one moment.
        var dueByHour: [Int] = []
        var seen: Set<TransactionID> = []
        var now = paid + day / 2
        for _ in 0..<24 {
            now += 3_600
            // First re-checks only (an early one may already be due again before the day is over).
            let first = try await store.claimRechecks(now: now, horizon: 90 * day, limit: 1_000).filter { seen.insert($0).inserted }
            dueByHour.append(first.count)
        }
        #expect(seen.count == 200)
        #expect(dueByHour.max() ?? 0 < 30, "\(dueByHour)")
    }
}

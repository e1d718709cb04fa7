import Archive
import ArchiveTestSupport
@testable import SQLiteArchive
import FiscalCore
import Foundation
import GRDB
import Testing

/// One commit per trip, fenced leases, batch claims, quarantine and the kept counts.
@Suite struct TripTests {
    static let page = Sample.page("<html>receipt 7</html>")

    static func archivedTrip(_ id: TransactionID, amount: Int64 = 5_000_00) throws -> PipelineTrip {
        let parsed = try ParsedOriginal(receipt: Sample.receipt(total: amount), warnings: ["w1"], for: id)
        return PipelineTrip(
            payment: Sample.payment(amount, date: 90), links: .init(url: page.url, refundURLs: []),
            originals: [try PreparedOriginal(page, parsed: parsed)], end: .archived)
    }

    @Test(arguments: TestBackend.available) func oneCommitStoresTheWholeTrip(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        _ = try await store.track([TrackRequest(id: 7, type: .payment)], now: 100)
        let job = try #require(try await store.claimJobs(limit: 4, now: 100, worker: "w1", lease: 60).first)
        #expect(job.step == .paymentInfo)
        #expect(job.lease.worker == "w1")
        let state = try await store.commit(try Self.archivedTrip(7), of: 7, lease: job.lease, now: 101)
        #expect(state == .archived)
        let record = try await #require(try store.transaction(7))
        #expect(record.state == .archived)
        #expect(record.payment?.amount == Sample.uzs(5_000_00))
        #expect(record.receiptURL == Self.page.url)
        #expect(record.events.map(\.kind) == [.payment])
        #expect(record.statusHistory.map(\.status) == [.completed])
        let receipt = try await #require(try store.receipt(for: 7))
        #expect(receipt.receipt.total == Sample.uzs(5_000_00))
        #expect(receipt.warnings == ["w1"])
        let original = try await #require(try store.original(for: 7))
        #expect(original.bytes == Self.page.bytes)
        #expect(original.hashMatches)
        await #expect(try store.verify().problems.isEmpty)
        // The lease ended with the commit: the archived job is never claimed again.
        #expect(try await store.claimJobs(limit: 4, now: 10_000, worker: "w2", lease: 60).isEmpty)
    }

    @Test(arguments: TestBackend.available) func aStaleWorkersWriteIsRefusedAndWritesNothing(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        _ = try await store.track([TrackRequest(id: 7, type: .payment)], now: 100)
        let first = try #require(try await store.claimJobs(limit: 1, now: 100, worker: "w1", lease: 60).first)
        // Still leased: nobody else gets it.
        #expect(try await store.claimJobs(limit: 1, now: 159, worker: "w2", lease: 60).isEmpty)
        // w1 stalls past its lease; w2 claims the job again.
        let second = try #require(try await store.claimJobs(limit: 1, now: 160, worker: "w2", lease: 60).first)
        #expect(second.id == 7)
        #expect(second.leaseToken > first.leaseToken)
        let trip = try Self.archivedTrip(7)
        do {
            try await store.commit(trip, of: 7, lease: first.lease, now: 161)
            Issue.record("the stale worker's write was accepted")
        } catch {
            #expect(error.code == .staleLease)
            #expect(error.description.contains("w1"))
        }
        let untouched = try await #require(try store.transaction(7))
        #expect(untouched.state == .tracked)
        #expect(untouched.events.isEmpty)
        await #expect(try store.original(for: 7) == nil)
        // Even the same worker name with an old token is refused.
        let sameName = PipelineLease(worker: "w2", token: first.leaseToken)
        await #expect(throws: ArchiveError.self) {
            try await store.commit(PipelineTrip(end: .released), of: 7, lease: sameName, now: 161)
        }
        try await store.commit(try Self.archivedTrip(7), of: 7, lease: second.lease, now: 162)
        await #expect(try store.transaction(7)?.state == .archived)
        await #expect(try store.transaction(7)?.events.count == 1)
    }

    @Test(arguments: TestBackend.available) func waitingCountsAttemptsPerStepAndHandingBackMakesTheJobDueAtOnce(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        _ = try await store.track([TrackRequest(id: 7, type: .payment)], now: 100)
        var job = try #require(try await store.claimJobs(limit: 1, now: 100, worker: "w", lease: 60).first)
        // The trip got the payment info, then waits at the receipt link.
        try await store.commit(
            PipelineTrip(
                payment: Sample.payment(100, date: 90),
                end: .waiting(step: .receiptLink, reason: "not registered", nextAttemptAt: 200)),
            of: 7, lease: job.lease, now: 101)
        var record = try await #require(try store.transaction(7))
        #expect(record.state == .waiting)
        #expect(record.attempts == 1)
        #expect(record.firstWaitingAt == 101)
        #expect(record.events.count == 1)
        await #expect(try store.nextDueTime() == 200)
        #expect(try await store.claimJobs(limit: 1, now: 199, worker: "w", lease: 60).isEmpty)
        job = try #require(try await store.claimJobs(limit: 1, now: 200, worker: "w", lease: 60).first)
        #expect(job.step == .receiptLink)
        #expect(job.payment?.amount == Sample.uzs(100))
        try await store.commit(
            PipelineTrip(end: .waiting(step: .receiptLink, reason: "still not", nextAttemptAt: 300)),
            of: 7, lease: job.lease, now: 201)
        record = try await #require(try store.transaction(7))
        #expect(record.attempts == 2)
        #expect(record.firstWaitingAt == 101)
        // A claimed job handed back unused is due again at once, for anyone.
        job = try #require(try await store.claimJobs(limit: 1, now: 300, worker: "w", lease: 60).first)
        try await store.commit(PipelineTrip(end: .released), of: 7, lease: job.lease, now: 301)
        #expect(try await store.claimJobs(limit: 1, now: 301, worker: "other", lease: 60).map(\.id) == [7])
    }

    @Test func aBatchClaimLeasesEachJobOnceAcrossProcesses() async throws {
        let first = try SQLiteArchiveStore.temporary()
        let second = try SQLiteArchiveStore(path: first.path)
        _ = try await first.track((1...200).map { TrackRequest(id: TransactionID(Int64($0)), type: .payment) }, now: 0)
        let claimed = try await withThrowingTaskGroup(of: [TransactionID].self) { group in
            for worker in 0..<6 {
                let store = worker.isMultiple(of: 2) ? first : second
                group.addTask {
                    var mine: [TransactionID] = []
                    while true {
                        let jobs = try await store.claimJobs(limit: 7, now: 1, worker: "w\(worker)", lease: 600)
                        if jobs.isEmpty { return mine }
                        #expect(Set(jobs.map(\.leaseToken)).count == 1)
                        mine += jobs.map(\.id)
                    }
                }
            }
            var all: [TransactionID] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(claimed.count == 200)
        #expect(Set(claimed).count == 200)
    }

    @Test(arguments: TestBackend.available) func anUndecodableRowIsQuarantinedAndTheClaimGoesOn(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        _ = try await store.track((1...3).map { TrackRequest(id: TransactionID(Int64($0)), type: .payment) }, now: 0)
        // Damage behind the archive's back (the counting triggers stay: only the row is bad).
        try await Tamper.execute(
            store, "UPDATE transactions SET state = 'waiting', step = 'teleport' WHERE id = 2", keepingTriggers: true)
        let jobs = try await store.claimJobs(limit: 10, now: 5, worker: "w", lease: 60)
        #expect(jobs.map(\.id) == [1, 3])
        let status = try await store.status(now: 5)
        #expect(status.countsByState[.quarantined] == 1)
        #expect(status.quarantined.map(\.id) == [2])
        #expect(status.quarantined.first?.reason?.contains("step") == true)
        await #expect(try store.transaction(2)?.state == .quarantined)
        // It stays aside: later claims do not see it.
        #expect(try await store.claimJobs(limit: 10, now: 1_000, worker: "w2", lease: 60).map(\.id) == [1, 3])
    }

    @Test(arguments: TestBackend.available) func statusCountsAreKeptExactlyByTheTriggers(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        for id in 1...5 { try await Sample.archive(store, TransactionID(Int64(id)), now: 10) }
        _ = try await store.track((10...17).map { TrackRequest(id: TransactionID(Int64($0)), type: .payment) }, now: 20)
        let jobs = try await store.claimJobs(limit: 6, now: 20, worker: "w", lease: 60)
        for (index, job) in jobs.enumerated() {
            let end: PipelineTrip.End = index.isMultiple(of: 2)
                ? .failed(step: .paymentInfo, reason: "x") : .waiting(step: .paymentInfo, reason: "y", nextAttemptAt: 99)
            try await store.commit(PipelineTrip(end: end), of: job.id, lease: job.lease, now: 21)
        }
        let status = try await store.status(now: 30)
        let byState = try await Tamper.rows(store, "SELECT state, COUNT(*) FROM transactions GROUP BY state")
            .map { ($0[0] ?? "", Int($0[1] ?? "") ?? -1) }
        let originals = try await Tamper.rows(store, "SELECT COUNT(*) FROM originals").first?.first?.flatMap { Int($0) }
        let receipts = try await Tamper.rows(store, "SELECT COUNT(*) FROM receipts").first?.first?.flatMap { Int($0) }
        let events = try await Tamper.rows(store, "SELECT COUNT(*) FROM events").first?.first?.flatMap { Int($0) }
        let head = try await Tamper.rows(store, "SELECT hash FROM chain ORDER BY seq DESC LIMIT 1").first?.first ?? nil
        for (name, count) in byState {
            let state = try #require(PipelineState(rawValue: name))
            #expect(status.countsByState[state] == count, "\(state)")
        }
        #expect(status.originals == originals)
        #expect(status.receipts == receipts)
        #expect(status.events == events)
        #expect(status.chainHead == head)
        #expect(status.countsByState[.failed] == 3)
        #expect(status.countsByState[.waiting] == 3)
        #expect(status.countsByState[.archived] == 5)
        #expect(status.countsByState[.tracked] == 2)
    }

    @Test(arguments: TestBackend.available) func verifyCatchesAChainHeadThatIsNotTheLastLink(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        try await Sample.archive(store, 1)
        await #expect(try store.verify().problems.isEmpty)
        try await Sample.tamper(store, "UPDATE chain_head SET hash = '\(String(repeating: "ab", count: 32))'")
        let problems = try await store.verify().problems
        #expect(problems.contains { $0.table == "chain_head" })
    }
}

/// What failed can be recovered: `reparse` stores the receipts of originals that never parsed and puts their
/// transactions back in the queue; `sync --retry-failed` puts every failed transaction back with its reason.
@Suite struct RecoveryTests {
    /// A trip whose page was stored but did not parse: the transaction fails with the parser's reason.
    static func failedTrip(_ id: TransactionID) throws -> PipelineTrip {
        PipelineTrip(
            payment: Sample.payment(5_000_00, date: 90), links: .init(url: TripTests.page.url, refundURLs: []),
            originals: [try PreparedOriginal(TripTests.page, parsed: nil)],
            end: .failed(step: .parseReceipt, reason: "the receipt could not be parsed: no total"))
    }

    @Test("reparse stores the receipt of an original that never parsed, recomputes warnings, requeues the failed", arguments: TestBackend.available)
    func reparseRecovers(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        _ = try await store.track([TrackRequest(id: 7, type: .payment), TrackRequest(id: 8, type: .payment)], now: 100)
        let jobs = try await store.claimJobs(limit: 4, now: 100, worker: "w1", lease: 60)
        let seven = try #require(jobs.first { $0.id == 7 })
        let eight = try #require(jobs.first { $0.id == 8 })
        _ = try await store.commit(try Self.failedTrip(7), of: 7, lease: seven.lease, now: 101)
        _ = try await store.commit(try TripTests.archivedTrip(8), of: 8, lease: eight.lease, now: 101)
        await #expect(try store.transaction(7)?.state == .failed)
        await #expect(try store.receipt(for: 7) == nil)

        // The "fixed" parser reads both pages; it now also warns.
        let summary = try await store.reparse({ original in
            try ParsedOriginal(
                receipt: Sample.receipt(total: 5_000_00, fiscalSign: "FS\(original.transactionID)"),
                warnings: ["recomputed"], for: original.transactionID)
        }, now: 200)
        #expect(summary.rebuilt == 2)
        #expect(summary.recovered == [7])
        #expect(summary.failures.isEmpty)
        await #expect(try store.receipt(for: 7)?.receipt.fiscalSign == "FS7")
        await #expect(try store.receipt(for: 8)?.warnings == ["recomputed"])
        let requeued = try await #require(try store.transaction(7))
        #expect(requeued.state == .tracked)
        // Due at once: the next sync finishes it.
        #expect(try await store.claimJobs(limit: 4, now: 200, worker: "w2", lease: 60).map(\.id) == [7])
        await #expect(try store.verify().isIntact)
    }

    @Test("retry-failed puts failed transactions back in the queue, due now, and says why they failed", arguments: TestBackend.available)
    func retryFailed(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        _ = try await store.track([TrackRequest(id: 7, type: .payment), TrackRequest(id: 8, type: .payment)], now: 100)
        let jobs = try await store.claimJobs(limit: 4, now: 100, worker: "w1", lease: 60)
        for job in jobs {
            _ = try await store.commit(
                job.id == 7 ? try RecoveryTests.failedTrip(7) : try TripTests.archivedTrip(8), of: job.id,
                lease: job.lease, now: 101)
        }
        let requeued = try await store.retryFailed(now: 300)
        #expect(requeued.map(\.id) == [7])
        #expect(requeued.first?.reason == "the receipt could not be parsed: no total")
        await #expect(try store.transaction(7)?.state == .tracked)
        await #expect(try store.transaction(8)?.state == .archived)
        await #expect(try store.status(now: 300).countsByState[.failed] ?? 0 == 0)
        #expect(try await store.claimJobs(limit: 4, now: 300, worker: "w2", lease: 60).map(\.id) == [7])
        await #expect(try store.retryFailed(now: 301).isEmpty)
    }
}

/// Trips that finish while the writer is busy are committed together, each in a savepoint of its own.
@Suite struct GroupCommitTests {
    @Test func tripsWaitingForTheWriterShareACommitAndAStaleOneIsRefusedAlone() async throws {
        let store = try SQLiteArchiveStore.temporary()
        let ids: [TransactionID] = [1, 2, 3, 4, 5, 6]
        _ = try await store.track((ids + [7]).map { TrackRequest(id: $0, type: .payment) }, now: 100)
        let jobs = try await store.claimJobs(limit: 5, now: 100, worker: "w1", lease: 600)
            + store.claimJobs(limit: 1, now: 100, worker: "w1", lease: 60)
        #expect(jobs.map(\.id) == ids)
        let failing = try #require(try await store.claimJobs(limit: 1, now: 100, worker: "w1", lease: 600).first)
        #expect(failing.id == 7)
        // Job 6's lease goes stale: w2 claims it again after w1's short lease ran out.
        let retaken = try #require(try await store.claimJobs(limit: 1, now: 160, worker: "w2", lease: 60).first)
        #expect(retaken.id == 6)

        // Another connection holds the write lock, so the trips queue up behind the first one.
        let lock = try WriteLockHolder(path: store.path)
        let before = store.trips.counts.batches

        func commit(_ job: PipelineJob) -> Task<Result<PipelineState, ArchiveError>, Never> {
            Task {
                do throws(ArchiveError) {
                    return .success(try await store.commit(
                        try! TripTests.archivedTrip(job.id, amount: job.id.rawValue * 100), of: job.id,
                        lease: job.lease, now: 161))
                } catch {
                    return .failure(error)
                }
            }
        }
        let first = commit(jobs[0])
        try await waitUntil { store.trips.counts == (0, before + 1) }
        let rest = jobs.dropFirst().map(commit)
        // Job 7's trip fails half-way: its payment info is written before the receipt it names turns out to be
        // missing. Its savepoint must take back what it wrote, and only that.
        let halfWay = Task {
            do throws(ArchiveError) {
                let parsed = try ParsedOriginal(receipt: Sample.receipt(total: 700), warnings: [], for: 7)
                try await store.commit(
                    PipelineTrip(
                        payment: Sample.payment(700, date: 90), storedReceipts: [(originalID: 999, parsed: parsed)],
                        end: .archived),
                    of: 7, lease: failing.lease, now: 161)
                return ArchiveError.Code?.none
            } catch {
                return error.code
            }
        }
        try await waitUntil { store.trips.counts.waiting == 6 }
        lock.release()

        #expect(try await first.value.get() == .archived)
        for (job, task) in zip(jobs.dropFirst(), rest) {
            switch await task.value {
            case .success(let state):
                #expect(job.id != 6, "the stale trip was committed")
                #expect(state == .archived)
            case .failure(let error):
                #expect(job.id == 6, "trip \(job.id) failed: \(error)")
                #expect(error.code == .staleLease)
            }
        }
        #expect(await halfWay.value == .notFound)
        // Two transactions: the first trip's, then the six that waited.
        #expect(store.trips.counts.batches == before + 2)
        for id in ids.dropLast() {
            let record = try #require(try await store.transaction(id))
            #expect(record.state == .archived)
            #expect(record.payment?.amount == Sample.uzs(id.rawValue * 100))
            #expect(try await store.receipt(for: id)?.receipt.total == Sample.uzs(id.rawValue * 100))
        }
        let refused = try #require(try await store.transaction(6))
        #expect(refused.state == .tracked)
        #expect(refused.events.isEmpty)
        await #expect(try store.original(for: 6) == nil)
        let rolledBack = try #require(try await store.transaction(7))
        #expect(rolledBack.state == .tracked)
        #expect(rolledBack.payment == nil)
        #expect(rolledBack.events.isEmpty)
        #expect(rolledBack.statusHistory.isEmpty)
        await #expect(try store.verify().problems.isEmpty)
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        var polls = 0
        while !condition() && polls < 1_000 {
            try await Task.sleep(for: .milliseconds(10))
            polls += 1
        }
        try #require(condition(), "the trips did not queue up in 10 s")
    }
}

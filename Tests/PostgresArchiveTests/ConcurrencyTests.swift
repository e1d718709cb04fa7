import Archive
import FiscalCore
import Foundation
import Testing

@testable import PostgresArchive

/// Several processes on one archive: each store below has its own connection pool, as separate processes would.
@Suite("PostgreSQL archive shared by several workers", .enabled(if: TestServer.available, TestServer.skipReason))
struct ConcurrencyTests {
    @Test("two workers claiming and committing at once: every job archived once, one unbroken chain")
    func parallelTrips() async throws {
        try await TestServer.withStore { store, configuration in
            let other = try await PostgresArchiveStore.open(configuration)
            let ids = (1...40).map { TransactionID(Int64($0)) }
            _ = try await store.track(ids.map { TrackRequest(id: $0, type: .payment) }, now: 1_790_000_000)
            @Sendable func work(_ on: PostgresArchiveStore, _ worker: String) async throws -> Int {
                var done = 0
                while true {
                    let jobs = try await on.claimJobs(limit: 3, now: 1_790_000_000, worker: worker, lease: 600)
                    if jobs.isEmpty { return done }
                    for job in jobs {
                        try await Sample.archiveClaimed(on, job, now: 1_790_000_000)
                        done += 1
                    }
                }
            }
            async let a = work(store, "a")
            async let b = work(other, "b")
            let (doneA, doneB) = try await (a, b)
            await other.close()
            #expect(doneA + doneB == ids.count)
            let status = try await store.status(now: 1_790_000_000)
            #expect(status.countsByState[.archived] == ids.count)
            #expect(status.originals == ids.count && status.receipts == ids.count && status.events == ids.count)
            let report = try await store.verify()
            #expect(report.isIntact, "\(report.problems)")
            #expect(report.linksChecked == 2 * ids.count)
        }
    }

    @Test("a named lease: of two processes exactly one gets it; the holder renews; it passes on when expired or given back")
    func namedLease() async throws {
        try await TestServer.withStore { store, configuration in
            let other = try await PostgresArchiveStore.open(configuration)
            async let first = store.acquireLease("export", owner: "host-a", until: 200, now: 100)
            async let second = other.acquireLease("export", owner: "host-b", until: 200, now: 100)
            let results = try await [first, second]
            #expect(results.filter { $0 }.count == 1)
            let (holder, loser) = results[0] ? ("host-a", "host-b") : ("host-b", "host-a")
            #expect(try await store.acquireLease("export", owner: holder, until: 300, now: 150))
            #expect(try await !store.acquireLease("export", owner: loser, until: 400, now: 250))
            #expect(try await store.acquireLease("export", owner: loser, until: 500, now: 301))
            try await store.releaseLease("export", owner: holder)
            #expect(try await !other.acquireLease("export", owner: holder, until: 600, now: 400))
            try await store.releaseLease("export", owner: loser)
            #expect(try await other.acquireLease("export", owner: holder, until: 600, now: 400))
            await other.close()
        }
    }

    @Test("reparse rewrites receipts in place and puts a failed transaction whose original now parses back in the queue")
    func reparse() async throws {
        try await TestServer.withStore { store, _ in
            try await Sample.archive(store, 1, amount: 1_000)
            _ = try await store.track([TrackRequest(id: 2, type: .payment)], now: 1_790_000_000)
            let job = try #require(try await store.claimJobs(limit: 5, now: 1_790_000_000, worker: "w", lease: 60).first)
            try await store.commit(
                PipelineTrip(originals: [try PreparedOriginal(Sample.page("<html>unparsed</html>", url: "https://x/2"))],
                    end: .failed(step: .parseReceipt, reason: "cannot parse")),
                of: job.id, lease: job.lease, now: 1_790_000_000)
            let head = try await store.chainHead()
            let summary = try await store.reparse({ original in
                try ParsedOriginal(
                    receipt: Sample.receipt(total: original.transactionID == 1 ? 2_000 : 3_000), warnings: ["again"],
                    for: original.transactionID)
            }, now: 1_790_000_500)
            #expect(summary.rebuilt == 2)
            #expect(summary.changed == 1)
            #expect(summary.recovered == [2])
            #expect(try await store.receipt(for: 1)?.receipt.total == Sample.uzs(2_000))
            #expect(try await store.receipt(for: 1)?.warnings == ["again"])
            #expect(try await store.transaction(2)?.state == .tracked)
            #expect(try await store.chainHead() == head)
            #expect(try await store.lookup(.text("croissant"), limit: 10, offset: 0).map(\.transactionID) == [1, 2])
        }
    }

    @Test("the package's test helpers: a fresh database, raw rows as text, tampering as a superuser")
    func testHelpers() async throws {
        let adminURL = try #require(TestServer.adminURL)
        let store = try await PostgresArchiveStore.openFresh(adminURL: adminURL)
        try await Sample.archive(store, 3, amount: 1_234)
        #expect(try await store.rawRows("SELECT id, amount, receipt_url, lease_owner FROM transactions")
            == [["3", "1234", "https://ofd.soliq.uz/epi?t=T&r=3", nil]])
        await #expect(throws: (any Error).self) {
            try await store.tamper("UPDATE events SET amount = 1", keepingTriggers: true)
        }
        try await store.tamper("UPDATE events SET amount = 1")
        #expect(try await store.rawRows("SELECT amount FROM events") == [["1"]])
        #expect(try await store.verify().problems.map(\.kind) == [.rowAltered])
        let name = store.configuration.database
        await store.close()
        try await PostgresArchiveStore.dropDatabase(adminURL: adminURL, name: name)
        let databases = try await TestServer.raw { c in
            try await c.rows("SELECT datname FROM pg_database WHERE datname = \(name)").count
        }
        #expect(databases == 0)
    }
}

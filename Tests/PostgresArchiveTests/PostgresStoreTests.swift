import Archive
import FiscalCore
import Foundation
import PostgresNIO
import Synchronization
import Testing

@testable import PostgresArchive

@Suite("PostgreSQL archive", .enabled(if: TestServer.available, TestServer.skipReason))
struct PostgresStoreTests {
    @Test("migrations: two processes opening a new database at once both succeed, each version applied once")
    func concurrentMigrations() async throws {
        try await TestServer.withDatabase { configuration in
            async let first = PostgresArchiveStore.open(configuration)
            async let second = PostgresArchiveStore.open(configuration)
            let stores = try await [first, second]
            let third = try await PostgresArchiveStore.open(configuration)
            let versions = try await TestServer.raw(database: configuration.database) { c in
                try await c.rows("SELECT version FROM schema_migrations ORDER BY version").map { try $0("version", String.self) }
            }
            #expect(versions == PostgresMigrations.all.map(\.version).sorted())
            #expect(try await third.chainHead() == IntegrityChain.genesis)
            for store in stores + [third] { await store.close() }
        }
    }

    @Test("an unreachable server is an open error naming the location, not the password")
    func unreachable() async throws {
        var configuration = try TestServer.adminConfiguration()
        configuration.port = 1
        configuration.password = "hunter2-secret"
        do {
            let store = try await PostgresArchiveStore.open(configuration, connectTimeout: .seconds(5))
            await store.close()
            Issue.record("opened a server on port 1")
        } catch {
            #expect(error.code == .open)
            #expect(error.message.contains("127.0.0.1:1/"), "\(error.message)")
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test("a wrong password or a missing database is an open error with the server's reason, never the password")
    func refusedConnections() async throws {
        var wrongPassword = try TestServer.adminConfiguration()
        wrongPassword.password = "not-the-password"
        let missing = try TestServer.adminConfiguration().with(database: "fa_missing_database")
        for (configuration, reason) in [(wrongPassword, "password authentication failed"), (missing, "does not exist")] {
            do {
                let store = try await PostgresArchiveStore.open(configuration, connectTimeout: .seconds(30))
                await store.close()
                Issue.record("opened \(configuration.location)")
            } catch {
                #expect(error.code == .open)
                #expect(error.message.contains(reason), "\(error.message)")
                #expect(error.message.contains(configuration.location))
                #expect(!error.description.contains("not-the-password"))
            }
        }
    }

    @Test("track: known ids are counted, order ids filled in, a type conflict names the id and writes nothing")
    func track() async throws {
        try await TestServer.withStore { store, _ in
            let first = try await store.track(
                [TrackRequest(id: 1, type: .payment), TrackRequest(id: 2, type: .p2p, vendorOrderID: "o-2"),
                 TrackRequest(id: 1, type: .payment, vendorOrderID: "o-1")], now: 10)
            #expect(first == TrackSummary(added: 2, alreadyKnown: 1))
            #expect(try await store.transaction(1)?.vendorOrderID == "o-1")
            let second = try await store.track(
                [TrackRequest(id: 2, type: .p2p, vendorOrderID: "other"), TrackRequest(id: 3, type: .payment)], now: 20)
            #expect(second == TrackSummary(added: 1, alreadyKnown: 1))
            #expect(try await store.transaction(2)?.vendorOrderID == "o-2")
            do {
                _ = try await store.track([TrackRequest(id: 4, type: .payment), TrackRequest(id: 2, type: .payment)], now: 30)
                Issue.record("a type conflict was accepted")
            } catch let error as ArchiveError {
                #expect(error.code == .conflict)
                #expect(error.message.contains("Transaction 2 is already tracked as p2p, not payment"), "\(error.message)")
            }
            #expect(try await store.transaction(4) == nil)
            #expect(try await store.status(now: 30).countsByState[.tracked] == 3)
        }
    }

    @Test("sslmode: prefer falls back to plain text on a server without TLS, require refuses it")
    func tlsModes() async throws {
        try await TestServer.withDatabase { configuration in
            var prefer = configuration
            prefer.tls = .prefer
            let store = try await PostgresArchiveStore.open(prefer, connectTimeout: .seconds(30))
            #expect(try await store.chainHead() == IntegrityChain.genesis)
            await store.close()
            var require = configuration
            require.tls = .require
            do {
                let refused = try await PostgresArchiveStore.open(require, connectTimeout: .seconds(30))
                await refused.close()
                Issue.record("sslmode=require connected to a server without TLS")
            } catch let error as ArchiveError {
                #expect(error.code == .open)
            }
        }
    }

    @Test("a trip stores payment, links, original, receipt and events; reads give them back")
    func tripAndReads() async throws {
        try await TestServer.withStore { store, _ in
            let id: TransactionID = 9_001
            let state = try await Sample.archive(store, id, amount: 50_000_00)
            #expect(state == .archived)
            let record = try #require(try await store.transaction(id))
            #expect(record.state == .archived)
            #expect(record.payment?.amount == Sample.uzs(50_000_00))
            #expect(record.events.map(\.kind) == [.payment])
            #expect(record.statusHistory.map(\.status) == [.completed])
            let receipt = try #require(try await store.receipt(for: id))
            #expect(receipt.receipt == Sample.receipt(total: 50_000_00))
            #expect(receipt.warnings == ["w1"])
            let original = try #require(try await store.original(for: id))
            #expect(original.bytes == Array("<html>receipt \(id)</html>".utf8))
            #expect(original.hashMatches)
            let status = try await store.status(now: 1_790_000_000)
            #expect(status.countsByState[.archived] == 1)
            #expect(status.originals == 1 && status.receipts == 1 && status.events == 1)
            let report = try await store.verify()
            #expect(report.isIntact, "\(report.problems)")
            #expect(report.linksChecked == 2)
            #expect(report.chainHead == status.chainHead)
        }
    }

    @Test("an original delivered twice is stored once; a stored original is parsed by a later trip")
    func originalsAcrossTrips() async throws {
        try await TestServer.withStore { store, _ in
            let id: TransactionID = 5
            _ = try await store.track([TrackRequest(id: id, type: .payment)], now: 100)
            let page = Sample.page("<html>five</html>", url: "https://x/5")
            var job = try #require(try await store.claimJobs(limit: 1, now: 100, worker: "w", lease: 60).first)
            let first = try await store.commit(
                PipelineTrip(
                    payment: Sample.payment(1_000, date: 90), links: .init(url: "https://x/5", refundURLs: []),
                    originals: [try PreparedOriginal(page)], end: .archived),
                of: id, lease: job.lease, now: 100)
            #expect(first == .pageFetched)
            job = try #require(try await store.claimJobs(limit: 1, now: 200, worker: "w", lease: 60).first)
            #expect(job.step == .parseReceipt)
            let originalID = try #require(job.unparsedOriginalIDs.first)
            #expect(job.storedURLs == ["https://x/5"])
            // The same bytes again: no second copy.
            #expect(try await store.commit(
                PipelineTrip(originals: [try PreparedOriginal(page)], end: .waiting(
                    step: .parseReceipt, reason: "parser busy", nextAttemptAt: 250)),
                of: id, lease: job.lease, now: 200) == .waiting)
            #expect(try await store.status(now: 200).originals == 1)
            job = try #require(try await store.claimJobs(limit: 1, now: 300, worker: "w", lease: 60).first)
            #expect(job.unparsedOriginalIDs == [originalID])
            let parsed = try ParsedOriginal(receipt: Sample.receipt(total: 1_000), warnings: [], for: id)
            #expect(try await store.commit(
                PipelineTrip(storedReceipts: [(originalID, parsed)], end: .archived), of: id, lease: job.lease, now: 300)
                == .archived)
            let status = try await store.status(now: 300)
            #expect(status.originals == 1 && status.receipts == 1)
            #expect(try await store.receipts(for: id).map(\.originalID) == [originalID])
            #expect(try await store.claimJobs(limit: 1, now: 400, worker: "w", lease: 60).isEmpty)
            #expect(try await store.verify().isIntact)
        }
    }

    @Test("full-text lookup: Cyrillic and Latin words, any case, apostrophe forms, prefixes, all words required")
    func fullText() async throws {
        try await TestServer.withStore { store, _ in
            try await Sample.archive(
                store, 1, receipt: Sample.receipt(fiscalSign: "1", seller: "ООО «Ёлка» Toshkent"))
            try await Sample.archive(
                store, 2,
                receipt: Sample.receipt(
                    fiscalSign: "2", seller: "O‘zbekiston Pochtasi",
                    items: [
                        ReceiptItem(
                            name: "Choy ko'k", quantity: ExactDecimal(1), lineTotal: Sample.uzs(100), discount: Sample.uzs(0),
                            other: Sample.uzs(0), vatRate: nil, vatAmount: Sample.uzs(0), mxikName: "Ichimliklar"),
                    ]))
            func found(_ words: String) async throws -> [Int64] {
                try await store.lookup(.text(words), limit: 10, offset: 0).map(\.transactionID.rawValue).sorted()
            }
            #expect(try await found("ёлка") == [1])
            #expect(try await found("ЁЛК") == [1])
            #expect(try await found("кофе") == [1])
            #expect(try await found("латте кофе") == [1])
            #expect(try await found("croiss") == [1])
            #expect(try await found("ozbekiston") == [2])
            #expect(try await found("o'zbek") == [2])
            #expect(try await found("oʻzbekiston pochta") == [2])
            #expect(try await found("ko‘k") == [2])
            #expect(try await found("ichimlik") == [1, 2])
            #expect(try await found("toshkent pochta") == [])
            #expect(try await found("qahva") == [1])
            #expect(try await found("' & | ! :* ()") == [])
            #expect(try await found("x'); DROP TABLE receipts; --") == [])
            #expect(try await found("кофе") == [1])
        }
    }

    @Test("claims: two claimers at once never get the same job, and together get every due job")
    func concurrentClaims() async throws {
        try await TestServer.withStore { store, _ in
            let ids = (1...300).map { TransactionID(Int64($0)) }
            _ = try await store.track(ids.map { TrackRequest(id: $0, type: .payment) }, now: 100)
            func drain(_ worker: String) async throws -> [TransactionID] {
                var claimed: [TransactionID] = []
                while true {
                    let jobs = try await store.claimJobs(limit: 7, now: 200, worker: worker, lease: 600)
                    if jobs.isEmpty { return claimed }
                    #expect(jobs.allSatisfy { $0.worker == worker && $0.leaseUntil == 800 })
                    claimed += jobs.map(\.id)
                }
            }
            async let a = drain("a")
            async let b = drain("b")
            let (first, second) = try await (a, b)
            #expect(Set(first).isDisjoint(with: Set(second)))
            #expect((first + second).sorted() == ids)
            #expect(Set(try await store.leaseHolders(now: 200)) == Set(["a", "b"].filter { w in
                (w == "a" ? first : second).isEmpty == false
            }))
            #expect(try await store.nextDueTime() == 800)
            let released = try await store.releaseLeases(heldBy: "a")
            #expect(released == first.count)
        }
    }

    @Test("a stale lease's commit is refused and writes nothing")
    func fencedCommit() async throws {
        try await TestServer.withStore { store, _ in
            let id: TransactionID = 42
            _ = try await store.track([TrackRequest(id: id, type: .payment)], now: 100)
            let stale = try #require(try await store.claimJobs(limit: 1, now: 100, worker: "w1", lease: 10).first)
            let fresh = try #require(try await store.claimJobs(limit: 1, now: 200, worker: "w2", lease: 10).first)
            #expect(fresh.leaseToken != stale.leaseToken)
            let trip = PipelineTrip(payment: Sample.payment(1_000, date: 150), end: .waiting(
                step: .receiptLink, reason: "not yet", nextAttemptAt: 500))
            await #expect {
                try await store.commit(trip, of: id, lease: stale.lease, now: 210)
            } throws: { error in
                (error as? ArchiveError)?.code == .staleLease
            }
            let record = try #require(try await store.transaction(id))
            #expect(record.payment == nil)
            #expect(record.events.isEmpty)
            #expect(try await store.chainHead() == IntegrityChain.genesis)
            #expect(try await store.commit(trip, of: id, lease: fresh.lease, now: 210) == .waiting)
            #expect(try await store.transaction(id)?.events.count == 1)
        }
    }

    @Test("an undecodable row is quarantined by the claim, which still returns the others")
    func quarantine() async throws {
        try await TestServer.withStore { store, configuration in
            _ = try await store.track([1, 2].map { TrackRequest(id: $0, type: .payment) }, now: 100)
            try await TestServer.raw(database: configuration.database) { c in
                try await c.simple("UPDATE transactions SET state = 'waiting', step = 'bogus' WHERE id = 1")
            }
            let jobs = try await store.claimJobs(limit: 10, now: 100, worker: "w", lease: 60)
            #expect(jobs.map(\.id) == [2])
            let status = try await store.status(now: 100)
            #expect(status.quarantined.map(\.id) == [1])
            #expect(status.countsByState[.quarantined] == 1)
        }
    }

    @Test("operations: two processes racing for the last refundable amount, exactly one passes its check")
    func operationRace() async throws {
        try await TestServer.withStore { store, configuration in
            try await Sample.archive(store, 7, amount: 1_000)
            let other = try await PostgresArchiveStore.open(configuration)
            defer { Task { await other.close() } }
            @Sendable func refund(_ on: PostgresArchiveStore) async -> Bool {
                let intent = OperationIntent(transactionID: 7, kind: .refund(Sample.uzs(800)), user: "t")
                do {
                    _ = try await on.beginOperation(intent, now: 1_790_000_100) { context in
                        guard let remaining = context.remainingRefundable, remaining.minorUnits >= 800 else {
                            throw ArchiveError(.refused, "not enough left")
                        }
                    }
                    return true
                } catch {
                    return false
                }
            }
            async let a = refund(store)
            async let b = refund(other)
            let results = await [a, b]
            #expect(results.filter { $0 }.count == 1)
            let pending = try await store.pendingOperations(dueBy: nil)
            #expect(pending.count == 1)
            try await store.completeOperation(pending[0].id, outcome: .succeeded(status: .refunded, mxID: "m"), now: 1_790_000_200)
            let report = try await store.verify()
            #expect(report.isIntact, "\(report.problems)")
            #expect(try await store.transaction(7)?.events.map(\.kind) == [.payment, .refund])
        }
    }

    @Test("tampering as a superuser with triggers and foreign keys off is caught by verify")
    func tamper() async throws {
        try await TestServer.withStore { store, configuration in
            for id in 1...3 { try await Sample.archive(store, TransactionID(Int64(id)), amount: 1_000 * Int64(id)) }
            #expect(try await store.verify().isIntact)
            // Direct edits are refused while the triggers are on.
            await #expect(throws: (any Error).self) {
                try await TestServer.raw(database: configuration.database) { c in
                    try await c.simple("UPDATE events SET amount = 1 WHERE transaction_id = 1")
                }
            }
            try await TestServer.raw(database: configuration.database) { c in
                try await c.simple("SET session_replication_role = replica")
                try await c.simple("UPDATE originals SET data = decode('00', 'hex') WHERE transaction_id = 1")
                try await c.simple("UPDATE events SET amount = 5 WHERE transaction_id = 2")
                try await c.simple("DELETE FROM chain WHERE seq = 5")
            }
            let report = try await store.verify()
            let kinds = Set(report.problems.map(\.kind))
            #expect(kinds.contains(.originalAltered))
            #expect(report.problems.contains { $0.kind == .rowAltered && $0.table == "events" })
            #expect(report.problems.contains { $0.kind == .chainBroken && $0.rowID == 6 })
            #expect(report.problems.contains { $0.kind == .rowUnchained })
        }
    }

    @Test("deleting the last chain links is caught by the kept head")
    func truncatedChain() async throws {
        try await TestServer.withStore { store, configuration in
            try await Sample.archive(store, 1)
            try await TestServer.raw(database: configuration.database) { c in
                try await c.simple("SET session_replication_role = replica")
                try await c.simple("DELETE FROM chain WHERE seq = 2")
            }
            let report = try await store.verify()
            #expect(report.problems.contains { $0.kind == .chainBroken && $0.message.contains("end of the chain") })
        }
    }

    @Test("a register snapshot does not see what commits after it")
    func snapshot() async throws {
        try await TestServer.withStore { store, _ in
            let month = try #require(YearMonth(parsing: "2026-09"))
            try await Sample.archive(store, 1, date: 1_790_000_000)
            let snapshot = try await store.registerSnapshot()
            let head = try await snapshot.chainHead()
            try await Sample.archive(store, 2, date: 1_790_000_500)
            var seen: [Int64] = []
            try await snapshot.forEachRegisterEntry(in: month) { seen.append($0.transactionID.rawValue) }
            #expect(seen == [1])
            #expect(try await snapshot.chainHead() == head)
            var now: [Int64] = []
            try await store.forEachRegisterEntry(in: month) { now.append($0.transactionID.rawValue) }
            #expect(now == [1, 2])
            #expect(try await store.monthsWithEvents() == [month])
        }
    }
}

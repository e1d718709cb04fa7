import Archive
import ArchiveTestSupport
import SQLiteArchive
import FiscalCore
import Foundation
import Testing

@Suite("Report snapshots")
struct SnapshotTests {
    @Test("a snapshot keeps seeing the archive as it was while new events are committed", arguments: TestBackend.available)
    func frozen(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let month = YearMonth(year: 2026, month: 10)
        let day = Sample.tashkent(2026, 10, 15, 12)
        _ = try await store.track([TrackRequest(id: 1, type: .payment), TrackRequest(id: 2, type: .p2p)], now: day)
        try await store.recordPaymentInfo(1, Sample.payment(100_00, date: day), now: day)
        let snapshot = try await store.registerSnapshot()
        let headBefore = try await snapshot.chainHead()
        let changeBefore = try await snapshot.lastChangeAt()

        try await store.recordPaymentInfo(2, Sample.payment(250_00, date: day + 60), now: day + 60)

        var frozen: [TransactionID] = []
        try await snapshot.forEachRegisterEntry(in: month) { frozen.append($0.transactionID) }
        var live: [TransactionID] = []
        try await store.forEachRegisterEntry(in: month) { live.append($0.transactionID) }
        #expect(frozen == [1])
        #expect(live == [1, 2])
        await #expect(try snapshot.chainHead() == headBefore)
        await #expect(try store.chainHead() != headBefore)
        await #expect(try snapshot.lastChangeAt() == changeBefore)
        await #expect(try store.lastChangeAt() == day + 60)
    }

    /// A report reads its register through one transaction and its VAT and totals through another (SQLite: two
    /// connections started under the write lock; PostgreSQL: two connections importing one exported snapshot), at
    /// the same time: what either sees must be the moment the snapshot was taken.
    @Test("a snapshot's VAT and totals are of the moment of its register", arguments: TestBackend.available)
    func figuresFrozen(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let month = YearMonth(year: 2026, month: 9)
        try await Sample.archive(store, 1, amount: 100_00, date: 1_790_000_000)
        let vatBefore = try await store.vatBreakdown(in: month)
        let live = try #require(store as? any MonthlyTotalsReader)
        let totalsBefore = try await live.monthlyTotals(in: month)
        let snapshot = try await store.registerSnapshot()

        try await Sample.archive(
            store, 2, amount: 250_00, date: 1_790_000_060,
            receipt: Sample.receipt(total: 250_00, fiscalSign: "088681055846", number: "1020388"), now: 1_790_000_060)

        // Read concurrently, as a report does.
        async let vat = snapshot.vatBreakdown(in: month)
        let totalsReader = try #require(snapshot as? any MonthlyTotalsReader)
        async let totals = totalsReader.monthlyTotals(in: month)
        var registered: [TransactionID] = []
        try await snapshot.forEachRegisterEntry(in: month) { registered.append($0.transactionID) }
        #expect(registered == [1])
        #expect(try await vat == vatBefore)
        #expect(try await totals == totalsBefore)
        // The live archive has moved on (so the comparisons above could fail).
        #expect(try await store.vatBreakdown(in: month) != vatBefore)
        #expect(try await live.monthlyTotals(in: month) != totalsBefore)
    }
}

/// SQLite takes a report's two read transactions under the write lock; while another process holds that lock (a
/// long write), the report must not wait on it or fail: one transaction serves every read.
@Suite struct SQLiteSnapshotLockTests {
    @Test func aHeldWriteLockLeavesOneTransactionForEveryRead() async throws {
        let store = try SQLiteArchiveStore.temporary()
        try await Sample.archive(store, 1, amount: 100_00, date: 1_790_000_000)
        // Another connection holds the write lock until the snapshot is taken.
        let lock = try WriteLockHolder(path: store.path)
        let snapshot = try await store.registerSnapshot()
        lock.release()
        let month = YearMonth(year: 2026, month: 9)
        var registered: [TransactionID] = []
        try await snapshot.forEachRegisterEntry(in: month) { registered.append($0.transactionID) }
        #expect(registered == [1])
        #expect(try await snapshot.vatBreakdown(in: month) == store.vatBreakdown(in: month))
    }
}

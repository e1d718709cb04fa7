import Archive
import ArchiveTestSupport
import SQLiteArchive
import FiscalCore
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
}

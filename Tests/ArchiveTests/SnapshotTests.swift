import Archive
import FiscalCore
import Testing

@Suite("Report snapshots")
struct SnapshotTests {
    @Test("a snapshot keeps seeing the archive as it was while new events are committed")
    func frozen() throws {
        let store = try ArchiveStore.temporary()
        let month = YearMonth(year: 2026, month: 10)
        let day = Sample.tashkent(2026, 10, 15, 12)
        _ = try store.track([TrackRequest(id: 1, type: .payment), TrackRequest(id: 2, type: .p2p)], now: day)
        try store.recordPaymentInfo(1, Sample.payment(100_00, date: day), now: day)
        let snapshot = try store.registerSnapshot()
        let headBefore = try snapshot.chainHead()
        let changeBefore = try snapshot.lastChangeAt()

        try store.recordPaymentInfo(2, Sample.payment(250_00, date: day + 60), now: day + 60)

        var frozen: [TransactionID] = []
        try snapshot.forEachRegisterEntry(in: month) { frozen.append($0.transactionID) }
        var live: [TransactionID] = []
        try store.forEachRegisterEntry(in: month) { live.append($0.transactionID) }
        #expect(frozen == [1])
        #expect(live == [1, 2])
        #expect(try snapshot.chainHead() == headBefore)
        #expect(try store.chainHead() != headBefore)
        #expect(try snapshot.lastChangeAt() == changeBefore)
        #expect(try store.lastChangeAt() == day + 60)
    }
}

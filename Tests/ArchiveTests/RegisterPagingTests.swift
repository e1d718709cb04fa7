import Archive
import FiscalCore
import SQLiteArchive
import Testing

/// SQLite reads a month's register in pages of 2,000 rows, each page starting after the last row read. Events share
/// seconds, so a page boundary can fall inside one second: every event must still come exactly once, in
/// (occurred_at, seq) order, and events of the neighbouring months must stay out.
@Suite struct RegisterPagingTests {
    @Test func pagesSplitInsideASecondLoseAndRepeatNothing() async throws {
        let store = try SQLiteArchiveStore.temporary()
        let month = YearMonth(year: 2026, month: 10)
        let start = month.startEpochSeconds
        // 4,500 events over 7 seconds (~640 in each), plus one just before and one at the end of the month.
        let seconds = [start - 1] + (0..<4_500).map { start + 100 + Int64($0 % 7) } + [month.endEpochSeconds]
        var batch: [BulkTransaction] = []
        for (index, second) in seconds.enumerated() {
            let id = TransactionID(Int64(1_000 + index))
            batch.append(BulkTransaction(
                request: TrackRequest(id: id, type: .payment), trackedAt: second,
                trip: PipelineTrip(
                    payment: PaymentSnapshot(amount: Money(minorUnits: 100, currency: .uzs), status: .completed, date: second),
                    end: .archived),
                tripAt: second))
        }
        try await store.importBulk(batch)
        var read: [(at: Int64, seq: Int64)] = []
        try await store.forEachRegisterEntry(in: month) { read.append(($0.occurredAt, $0.sequence)) }
        #expect(read.count == 4_500)
        #expect(Set(read.map(\.seq)).count == 4_500, "an event came twice")
        #expect(zip(read, read.dropFirst()).allSatisfy { ($0.at, $0.seq) < ($1.at, $1.seq) }, "out of order")
        #expect(read.allSatisfy { $0.at >= start && $0.at < month.endEpochSeconds })
    }
}

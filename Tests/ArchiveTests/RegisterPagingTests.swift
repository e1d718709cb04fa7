import Archive
import ArchiveTestSupport
import FiscalCore
import Testing

/// Both backends read a month's register in pages (SQLite 2,000 rows, PostgreSQL 5,000), each starting after the
/// last row read. Events share seconds, so page boundaries fall inside one second: every event must still come
/// exactly once, in (occurred_at, seq) order, through the archive and through a snapshot, and events of the
/// neighbouring months must stay out.
@Suite struct RegisterPagingTests {
    @Test(arguments: TestBackend.available) func pagesSplitInsideASecondLoseAndRepeatNothing(backend: TestBackend)
        async throws
    {
        let store = try await backend.makeArchive()
        let month = YearMonth(year: 2026, month: 10)
        let start = month.startEpochSeconds
        // 12,000 events over 7 seconds (past both page sizes), one just before the month and one at its end,
        // written directly: the register reads events and transactions only.
        let numbers = switch backend {
        case .sqlite: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12002) SELECT i FROM n"
        case .postgres: "SELECT i FROM generate_series(1, 12002) i"
        }
        try await Tamper.execute(store, """
            INSERT INTO transactions(id, type, state, next_attempt_at, tracked_at, updated_at, status)
                SELECT i, 'payment', 'archived', 0, 0, 0, 2 FROM (\(numbers)) AS numbers;
            INSERT INTO events(kind, transaction_id, amount, currency, occurred_at, source, recorded_at)
                SELECT 'payment', i, 100, 'UZS',
                    CASE WHEN i = 12001 THEN \(start - 1) WHEN i = 12002 THEN \(month.endEpochSeconds)
                         ELSE \(start + 100) + i % 7 END,
                    'gateway', 0
                FROM (\(numbers)) AS numbers
            """, keepingTriggers: true)
        var read: [(at: Int64, seq: Int64)] = []
        try await store.forEachRegisterEntry(in: month) { read.append(($0.occurredAt, $0.sequence)) }
        #expect(read.count == 12_000)
        #expect(Set(read.map(\.seq)).count == 12_000, "an event came twice")
        #expect(zip(read, read.dropFirst()).allSatisfy { ($0.at, $0.seq) < ($1.at, $1.seq) }, "out of order")
        #expect(read.allSatisfy { $0.at >= start && $0.at < month.endEpochSeconds })
        var throughSnapshot: [Int64] = []
        try await store.registerSnapshot().forEachRegisterEntry(in: month) { throughSnapshot.append($0.sequence) }
        #expect(throughSnapshot == read.map(\.seq))
    }
}

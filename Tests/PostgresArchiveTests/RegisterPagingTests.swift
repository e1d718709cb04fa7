import Archive
import FiscalCore
import Foundation
import Testing

@testable import PostgresArchive

/// PostgreSQL reads a month's register in pages of 5,000 rows, each after the last row read, in one transaction. A
/// page boundary falls inside one second here: every event must come exactly once, in (occurred_at, seq) order,
/// and the neighbouring months' events must stay out.
@Suite("PostgreSQL register pages", .enabled(if: TestServer.available, TestServer.skipReason))
struct PostgresRegisterPagingTests {
    @Test func pagesSplitInsideASecondLoseAndRepeatNothing() async throws {
        try await TestServer.withStore { store, _ in
            let month = YearMonth(year: 2026, month: 10)
            let start = month.startEpochSeconds
            // 12,000 events over 7 seconds, plus one just before the month and one at its end (rows written
            // directly: the register reads events and transactions only).
            try await store.tamper("""
                INSERT INTO transactions(id, type, state, next_attempt_at, tracked_at, updated_at, status)
                SELECT i, 'payment', 'archived', 0, 0, 0, 2 FROM generate_series(1, 12002) i;
                INSERT INTO events(kind, transaction_id, amount, currency, occurred_at, source, recorded_at)
                SELECT 'payment', i, 100, 'UZS',
                    CASE WHEN i = 12001 THEN \(start - 1) WHEN i = 12002 THEN \(month.endEpochSeconds)
                         ELSE \(start + 100) + i % 7 END,
                    'gateway', 0
                FROM generate_series(1, 12002) i
                """, keepingTriggers: true)
            var read: [(at: Int64, seq: Int64)] = []
            try await store.forEachRegisterEntry(in: month) { read.append(($0.occurredAt, $0.sequence)) }
            #expect(read.count == 12_000)
            #expect(Set(read.map(\.seq)).count == 12_000, "an event came twice")
            #expect(zip(read, read.dropFirst()).allSatisfy { ($0.at, $0.seq) < ($1.at, $1.seq) }, "out of order")
            #expect(read.allSatisfy { $0.at >= start && $0.at < month.endEpochSeconds })
            // The same through a snapshot.
            var snapshotCount = 0
            try await store.registerSnapshot().forEachRegisterEntry(in: month) { _ in snapshotCount += 1 }
            #expect(snapshotCount == 12_000)
        }
    }
}

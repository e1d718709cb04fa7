import Archive
import SQLiteArchive
import FiscalCore
import Foundation
import GRDB
import Testing

@Suite struct StoreTests {
    @Test func freshFileIsOwnerOnlyAndMigrated() async throws {
        let store = try SQLiteArchiveStore.temporary()
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        let permissions = try #require(attributes[.posixPermissions] as? NSNumber).intValue
        #expect(permissions & 0o777 == 0o600)
        let queue = try DatabaseQueue(path: store.path)
        let (migrations, journal, tables) = try await queue.read { db in
            (
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            )
        }
        #expect(migrations == ["v1", "v2-operation-settling", "v3-receipts-by-date", "v4-sync-path", "v5-recheck-schedule", "v6-lists-as-rows",
            "v7-vat-covering", "v8-last-change", "v9-vat-lookups"])
        #expect(journal == "wal")
        for table in ["transactions", "originals", "receipts", "receipt_items", "receipt_fts", "events", "operations", "chain"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        // Reopening an existing archive migrates nothing and keeps data.
        _ = try await store.track([TrackRequest(id: 1, type: .payment)], now: 10)
        let reopened = try SQLiteArchiveStore(path: store.path)
        await #expect(try reopened.transaction(1)?.state == .tracked)
        await #expect(try reopened.chainHead() == String(repeating: "0", count: 64))
    }

    @Test func trackIsIdempotent() async throws {
        let store = try SQLiteArchiveStore.temporary()
        let first = try await store.track(
            [TrackRequest(id: 1, type: .payment), TrackRequest(id: 2, type: .p2p, vendorOrderID: "A-2")], now: 100)
        #expect(first == TrackSummary(added: 2, alreadyKnown: 0))
        let second = try await store.track(
            [TrackRequest(id: 1, type: .payment, vendorOrderID: "A-1"), TrackRequest(id: 3, type: .payment)], now: 200)
        #expect(second == TrackSummary(added: 1, alreadyKnown: 1))
        let one = try await #require(try store.transaction(1))
        #expect(one.trackedAt == 100)
        #expect(one.vendorOrderID == "A-1")
        await #expect(try store.status(now: 200).total == 3)
    }

    @Test func trackIsAllOrNothing() async throws {
        let store = try SQLiteArchiveStore.temporary()
        _ = try await store.track([TrackRequest(id: 5, type: .payment)], now: 1)
        let error = await #expect(throws: ArchiveError.self) {
            try await store.track([TrackRequest(id: 6, type: .payment), TrackRequest(id: 5, type: .p2p)], now: 2)
        }
        #expect(error?.code == .conflict)
        #expect(error?.message == "Transaction 5 is already tracked as payment, not p2p")
        await #expect(try store.transaction(6) == nil)
        await #expect(try store.status(now: 2).total == 1)
    }

    @Test func metaRoundTrips() async throws {
        let store = try SQLiteArchiveStore.temporary()
        await #expect(try store.meta("last_sync_at") == nil)
        try await store.setMeta("last_sync_at", "123")
        try await store.setMeta("last_sync_at", "456")
        await #expect(try store.meta("last_sync_at") == "456")
        await #expect(try store.status(now: 0).lastSyncAt == 456)
    }

    @Test func lockedArchiveSaysSo() async throws {
        let store = try SQLiteArchiveStore.temporary()
        let impatient = try SQLiteArchiveStore(path: store.path, busyTimeout: 0.2)
        // Another connection holds the write lock, on a thread of its own, until it is told to let go.
        let holder = try DatabaseQueue(path: store.path)
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? holder.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.signal()
                release.wait()
                try db.execute(sql: "ROLLBACK")
            }
            released.signal()
        }
        func wait(for semaphore: DispatchSemaphore) async {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    semaphore.wait()
                    continuation.resume()
                }
            }
        }
        await wait(for: locked)
        let error = await #expect(throws: ArchiveError.self) { try await impatient.setMeta("last_sync_at", "1") }
        #expect(error?.code == .locked)
        #expect(error?.description.contains("locked by another process") == true)
        // Once the holder has let go (awaited: on a busy machine its thread may not run within the 0.2 s the
        // impatient store waits), the same write goes through.
        release.signal()
        await wait(for: released)
        try await impatient.setMeta("last_sync_at", "1")
    }
}

/// The named leases that let several `run`s share one archive while only one exports a month.
@Suite struct NamedLeaseTests {
    @Test("one holder at a time across connections; the holder renews; it expires; it can be given back")
    func exportLease() async throws {
        let store = try SQLiteArchiveStore.temporary()
        let other = try SQLiteArchiveStore(path: store.path)
        await #expect(try store.acquireLease("monthly-export", owner: "a", until: 200, now: 100))
        await #expect(try !other.acquireLease("monthly-export", owner: "b", until: 250, now: 150))
        await #expect(try store.acquireLease("monthly-export", owner: "a", until: 300, now: 199))
        await #expect(try !other.acquireLease("monthly-export", owner: "b", until: 350, now: 250))
        // Expired: another may take it.
        await #expect(try other.acquireLease("monthly-export", owner: "b", until: 400, now: 300))
        await #expect(try !store.acquireLease("monthly-export", owner: "a", until: 450, now: 350))
        // Only the holder can give it back.
        try await store.releaseLease("monthly-export", owner: "a")
        await #expect(try !store.acquireLease("monthly-export", owner: "a", until: 450, now: 351))
        try await other.releaseLease("monthly-export", owner: "b")
        await #expect(try store.acquireLease("monthly-export", owner: "a", until: 450, now: 352))
    }
}

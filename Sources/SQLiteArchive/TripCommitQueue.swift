import Archive
import FiscalCore
import Synchronization

/// Trips waiting for the archive's one writer, committed together: a group commit.
///
/// SQLite writes one transaction at a time, and a one-receipt commit writes ~43 WAL frames (the leaf pages of the
/// indexes on `transactions`, `events`, `receipts`, the items, chain, counters and full-text tables) and syncs the
/// WAL. When several workers finish trips at once, the trips that arrived while the writer was busy are written in
/// one transaction: the pages they share are written once, and the WAL is synced once. Nothing else changes:
/// - each trip runs in a savepoint of its own, so a trip that fails (a stale lease, a missing original) is rolled
///   back and refused alone, and the others commit;
/// - a caller learns its trip's outcome only after the transaction committed (or failed: then every trip of it
///   fails, and none was written), so an acknowledged trip is as durable as before, and `kill -9` anywhere loses or
///   duplicates nothing;
/// - one worker alone finds the queue empty and commits its trip by itself, as before.
final class TripCommitQueue: Sendable {
    struct Request: Sendable {
        let id: TransactionID
        let trip: PipelineTrip
        let lease: PipelineLease
        let now: Int64
        let reply: CheckedContinuation<Result<PipelineState, ArchiveError>, Never>
    }

    /// At most this many trips in one transaction, so that one transaction stays short.
    static let batchLimit = 32

    private struct State {
        var waiting: [Request] = []
        var draining = false
        var batches = 0
    }

    private let state = Mutex(State())

    /// Adds a request; true when the caller must start draining (no drain was running).
    func enqueue(_ request: Request) -> Bool {
        state.withLock { state in
            state.waiting.append(request)
            if state.draining { return false }
            state.draining = true
            return true
        }
    }

    /// The next trips to write, oldest first; nil (and draining ends) when none are waiting.
    func nextBatch() -> [Request]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.draining = false
                return nil
            }
            let count = min(state.waiting.count, Self.batchLimit)
            let batch = Array(state.waiting.prefix(count))
            state.waiting.removeFirst(count)
            state.batches += 1
            return batch
        }
    }

    /// How many trips wait for the writer, and how many batches were taken so far (for tests).
    var counts: (waiting: Int, batches: Int) {
        state.withLock { ($0.waiting.count, $0.batches) }
    }
}

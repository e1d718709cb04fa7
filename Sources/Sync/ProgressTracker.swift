import FiscalCore

/// Counts what a sync run did, shared by its workers.
actor ProgressTracker {
    private let started: ContinuousClock.Instant
    private var counts = SyncProgress()
    private var failures: [(TransactionID, String)] = []

    init(started: ContinuousClock.Instant, expected: Int) {
        self.started = started
        counts.expected = expected
    }

    func record(_ outcome: SyncEngine.StepOutcome, for id: TransactionID) {
        switch outcome {
        case .advanced:
            return
        case .archived:
            counts.archived += 1
        case .waiting:
            counts.waiting += 1
        case .failed(let reason):
            counts.failed += 1
            if failures.count < 1000 { failures.append((id, reason)) }
        }
        counts.processed += 1
        counts.expected = max(counts.expected, counts.processed)
    }

    func recheck(changed: Bool) {
        counts.rechecked += 1
        if changed { counts.changes += 1 }
    }

    func progress() -> SyncProgress {
        var snapshot = counts
        snapshot.elapsed = Self.seconds(ContinuousClock.now - started)
        return snapshot
    }

    func summary() -> SyncSummary {
        SyncSummary(progress: progress(), failures: failures, waiting: [], interrupted: false)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

import Archive
import FiscalCore

/// Hands a run's workers their jobs from batch claims: one `BEGIN IMMEDIATE` claim serves several workers, and
/// only one claim is in flight at a time.
actor JobFeed {
    private let archive: any ArchiveStore
    private let worker: String
    private let lease: Int64
    private let batch: Int
    private let clock: @Sendable () -> Int64
    private var buffer: [PipelineJob] = []
    private var refill: Task<Void, any Error>?
    private var exhausted = false

    init(archive: any ArchiveStore, worker: String, lease: Int64, batch: Int, clock: @escaping @Sendable () -> Int64) {
        self.archive = archive
        self.worker = worker
        self.lease = lease
        self.batch = max(1, batch)
        self.clock = clock
    }

    /// The next claimed job, or `nil` when a claim found nothing due.
    func next() async throws -> PipelineJob? {
        while true {
            if !buffer.isEmpty { return buffer.removeFirst() }
            if exhausted { return nil }
            let task: Task<Void, any Error>
            if let refill {
                task = refill
            } else {
                task = Task { try await self.fill() }
                refill = task
            }
            do {
                try await task.value
            } catch {
                if refill == task { refill = nil }
                throw error
            }
            if refill == task { refill = nil }
        }
    }

    /// Claimed jobs no worker took (the run is stopping): their leases are to be handed back.
    func leftovers() -> [PipelineJob] {
        defer { buffer = [] }
        exhausted = true
        return buffer
    }

    private func fill() async throws {
        let jobs = try await archive.claimJobs(limit: batch, now: clock(), worker: worker, lease: lease)
        if jobs.isEmpty { exhausted = true }
        buffer.append(contentsOf: jobs)
    }
}

import Archive
import CoreMetrics
import FiscalCore
import Foundation
import Logging
import PaySysClient
import ReceiptFetcher
import ReceiptParser

/// The pipeline: carries each due transaction through `payment_info` → `get_fiscal_cheque` → download → parse in
/// one trip, and commits what the trip learned at once, with bounded concurrency.
///
/// Workers take jobs from batch claims made under fenced leases; a trip writes nothing until it ends: archived
/// (payment snapshot, links, originals, receipts, events and chain links in one transaction), waiting (what it
/// learned so far, and when to try again) or failed. A crash, a restart or a second process running at the same
/// time never loses or duplicates anything: an unrecorded trip is simply made again. Parsing, hashing and
/// compression run on ``CPUWorkPool``; database waits go through GRDB's async access; so the cooperative pool is
/// left to network I/O.
public final class SyncEngine: Sendable {
    private let archive: any ArchiveStore
    private let gateway: PaySysClient
    private let fetcher: ReceiptFetcher
    private let configuration: SyncConfiguration
    /// How trips that stop short end (waiting with a backoff, or failed).
    private let ending: TripEnding
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private let cpu = CPUWorkPool.shared

    /// Creates an engine over shared components.
    public init(
        archive: any ArchiveStore, gateway: PaySysClient, fetcher: ReceiptFetcher, configuration: SyncConfiguration,
        logger: Logger, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.archive = archive
        self.gateway = gateway
        self.fetcher = fetcher
        self.configuration = configuration
        ending = TripEnding(configuration)
        self.logger = logger
        self.clock = clock
    }

    /// Runs until nothing is due (with `wait`: until nothing is due or waiting, or `maxWait` seconds passed).
    ///
    /// Cancelling the calling task stops the run after the trips in flight have been recorded.
    public func run(
        wait: Bool = false, maxWait: Int64? = nil, shouldStop: @escaping @Sendable () -> Bool = { false },
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncSummary {
        let stopping: @Sendable () -> Bool = { Task.isCancelled || shouldStop() }
        try await reclaimLeasesOfDeadWorkers()
        let initial = try await archive.status(now: clock())
        let pending = initial.total - (initial.countsByState[.archived] ?? 0) - (initial.countsByState[.failed] ?? 0)
            - (initial.countsByState[.quarantined] ?? 0)
        let tracker = ProgressTracker(started: ContinuousClock.now, expected: pending)
        let deadline = maxWait.map { clock() + $0 }
        while !stopping() {
            try await drainDueJobs(tracker: tracker, stopping: stopping, progress: progress)
            if stopping() { break }
            let rechecked = try await recheckArchived(tracker: tracker, progress: progress)
            if rechecked > 0 { continue }
            guard wait, let next = try await archive.nextDueTime() else { break }
            let now = clock()
            if let deadline, now >= deadline { break }
            let until = min(next, deadline ?? next)
            if until > now {
                logger.info("Waiting for transactions that are not ready yet", metadata: ["sync.resume_in": "\(until - now)s"])
                try? await Task.sleep(for: .seconds(until - now))
            }
        }
        var summary = await tracker.summary()
        summary.interrupted = stopping()
        summary.waiting = try await archive.status(now: clock()).waiting.map {
            ($0.id, $0.reason ?? "waiting", $0.nextAttemptAt ?? 0)
        }
        try await archive.setMeta("last_sync_at", String(clock()))
        return summary
    }

    /// Takes back the jobs claimed by sync processes of this host that died (killed, crashed) mid-trip: their
    /// trips were not recorded, so making them again duplicates nothing.
    private func reclaimLeasesOfDeadWorkers() async throws {
        for worker in try await archive.leaseHolders(now: clock()) where WorkerIdentity.isDeadLocalProcess(worker) {
            let count = try await archive.releaseLeases(heldBy: worker)
            logger.notice("Took back the jobs of a sync that died", metadata: ["worker": "\(worker)", "jobs": "\(count)"])
        }
    }

    // MARK: - Trips

    private func drainDueJobs(
        tracker: ProgressTracker, stopping: @escaping @Sendable () -> Bool,
        progress: @escaping @Sendable (SyncProgress) -> Void
    ) async throws {
        // One claim serves several workers; small enough that claimed-but-unstarted jobs stay few.
        let feed = JobFeed(
            archive: archive, worker: configuration.worker, lease: configuration.lease,
            batch: max(1, min(32, configuration.concurrency / 2)), clock: clock)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<configuration.concurrency {
                    group.addTask { [self] in
                        // A worker makes its next trip while its last one commits (one commit in flight per worker):
                        // the commit's wait for the writer and the disk is not added to every trip's network time.
                        // A trip is counted once its commit returned; the worker ends only after its last commit.
                        var committing: Task<Void, Never>?
                        do {
                            while !stopping() {
                                guard let job = try await feed.next() else { break }
                                let (trip, logger) = await makeTrip(job)
                                await committing?.value
                                committing = Task { [self] in
                                    let outcome = await record(trip, of: job, logger: logger)
                                    Counter(
                                        label: "fiscal_archive_sync_trips_total",
                                        dimensions: [("outcome", outcome.metricName)]
                                    ).increment()
                                    await tracker.record(outcome, for: job.id)
                                    progress(await tracker.progress())
                                }
                            }
                        } catch {
                            await committing?.value
                            throw error
                        }
                        await committing?.value
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            await handBack(feed)
            throw error
        }
        await handBack(feed)
    }

    /// Releases the leases of jobs claimed but not started (the run stops), so any worker may take them at once.
    private func handBack(_ feed: JobFeed) async {
        for job in await feed.leftovers() {
            do {
                try await archive.commit(PipelineTrip(end: .released), of: job.id, lease: job.lease, now: clock())
            } catch {
                logger.warning("Could not hand back an unstarted job; its lease expires instead", metadata: [
                    "transaction.id": "\(job.id)", "error": "\(error)",
                ])
            }
        }
    }

    /// What one trip ended in, for progress counting.
    enum StepOutcome: Sendable {
        /// Nothing finished in this run (handed back, or refused as stale).
        case advanced
        case archived
        case waiting(String)
        case failed(String)

        /// The outcome's name in `fiscal_archive_sync_trips_total{outcome}` (its rate is the steps per second).
        var metricName: String {
            switch self {
            case .advanced: "advanced"
            case .archived: "archived"
            case .waiting: "waiting"
            case .failed: "failed"
            }
        }
    }

    /// Makes the job's trip, ending it as the steps went (errors become a waiting or failed end), with the logger
    /// that names the transaction.
    private func makeTrip(_ job: PipelineJob) async -> (PipelineTrip, Logger) {
        var logger = self.logger
        logger[metadataKey: "transaction.id"] = "\(job.id)"
        var trip = PipelineTrip(end: .released)
        var step = job.step
        do {
            let end = try await travel(job, &trip, &step)
            trip.end = end
        } catch {
            if !(error is PaySysError || error is FetchError) {
                logger.error("A trip could not go on", metadata: ["pipeline.step": "\(step)", "error": "\(error)"])
            }
            var generator = SystemRandomNumberGenerator()
            trip.end = ending.end(after: error, job, step: step, now: clock(), using: &generator)
        }
        return (trip, logger)
    }

    /// Commits a trip. A refused (stale) write is logged and dropped; any other archive error counts an attempt
    /// and backs off, without the trip's data (the next trip learns it again).
    private func record(_ trip: PipelineTrip, of job: PipelineJob, logger: Logger) async -> StepOutcome {
        do {
            let state = try await archive.commit(trip, of: job.id, lease: job.lease, now: clock())
            switch trip.end {
            case .archived:
                return state == .archived ? .archived : .advanced
            case .waiting(_, let reason, _):
                return .waiting(reason)
            case .failed(_, let reason):
                logger.info("Transaction failed", metadata: ["reason": "\(reason)"])
                return .failed(reason)
            case .released:
                return .advanced
            }
        } catch where error.code == .staleLease {
            logger.warning("Refused a stale worker's write: another claim holds the job", metadata: [
                "lease": "\(job.lease)", "error": "\(error)",
            ])
            return .advanced
        } catch {
            let reason = "archive error: \(error)"
            logger.error("Could not record a trip; it is retried after a backoff", metadata: ["error": "\(error)"])
            let retry = PipelineTrip(end: waitEnd(job, step: job.step, reason: reason))
            do {
                try await archive.commit(retry, of: job.id, lease: job.lease, now: clock())
            } catch {
                // The lease then expires: the job is due again at its end, a backoff of its own.
                logger.error("Could not record the backoff either; the lease expires instead", metadata: [
                    "error": "\(error)",
                ])
            }
            return .waiting(reason)
        }
    }

    /// The trip itself: from the job's step to the end, writing nothing. Returns how it ended; `step` follows
    /// where it is (for errors thrown on the way).
    private func travel(_ job: PipelineJob, _ trip: inout PipelineTrip, _ step: inout PipelineStep) async throws
        -> PipelineTrip.End
    {
        if step == .paymentInfo {
            let info = try await gateway.paymentInfo(job.id)
            trip.payment = PaymentSnapshot(info)
            switch info.status {
            case .error:
                return .failed(step: step, reason: "PaySys reports the payment failed (status -1); no receipt exists")
            case .created:
                // A payment left unpaid gives up like a receipt that never appears: after the receipt deadline.
                return waitForReceipt(job, step: step, reason: "the payment is not completed yet (status 0)")
            default:
                step = .receiptLink
            }
        }
        var url = job.receiptURL
        var refundURLs = job.refundURLs
        if step == .receiptLink {
            let cheque: FiscalCheque
            do {
                cheque = try await gateway.fiscalCheque(job.id, type: job.type)
            } catch {
                // "Not found" from get_fiscal_cheque: the receipt is not registered yet.
                guard error.gatewayCode == -32314 else { throw error }
                return waitForReceipt(job, step: step, reason: "PaySys has no receipt link yet (\(error))")
            }
            guard !cheque.url.isEmpty else {
                return waitForReceipt(job, step: step, reason: "PaySys returned an empty receipt link")
            }
            for link in [cheque.url] + cheque.refundURLs {
                do {
                    _ = try ReceiptReference(url: link)
                } catch {
                    return .failed(step: step, reason: "PaySys returned a malformed receipt link: \(error)")
                }
            }
            trip.links = PipelineTrip.Links(url: cheque.url, refundURLs: cheque.refundURLs)
            url = cheque.url
            refundURLs = cheque.refundURLs
            step = .fetchReceipt
        }
        // Originals an earlier trip stored without a receipt (a parser failure since fixed, an older archive).
        for originalID in job.unparsedOriginalIDs {
            step = .parseReceipt
            guard let original = try await archive.original(id: originalID) else {
                return .failed(step: step, reason: "no stored original to parse")
            }
            let id = job.id
            do {
                let parsed = try await cpu.run {
                    let result = try ReceiptDocument.parse(original)
                    return try ParsedOriginal(receipt: result.receipt, warnings: result.warnings.map(\.description), for: id)
                }
                trip.storedReceipts.append((originalID, parsed))
            } catch {
                return .failed(step: step, reason: "the stored receipt could not be parsed: \(error)")
            }
        }
        step = .fetchReceipt
        guard let url else { return .failed(step: step, reason: "no receipt link left to download") }
        var links: [String] = []
        for link in [url] + refundURLs where !job.storedURLs.contains(link) && !links.contains(link) {
            links.append(link)
        }
        for link in links {
            let fetched = try await fetcher.fetch(link)
            switch fetched.state {
            case .receipt:
                let document = OriginalDocument(
                    bytes: fetched.bytes, url: fetched.url, httpStatus: fetched.httpStatus,
                    contentType: fetched.contentType, fetchedAt: fetched.fetchedAt,
                    format: fetched.format == .json ? .json : .html)
                let id = job.id
                let prepared = try await cpu.run { try Self.prepare(document, for: id) }
                switch prepared {
                case .truncated(let reason):
                    return waitForReceipt(job, step: step, reason: reason)
                case .original(let original, let parseError):
                    trip.originals.append(original)
                    if let parseError {
                        // A whole page that does not parse is kept, so a parser bug never costs the original:
                        // `requeue-failed` after a fix parses it again.
                        return .failed(step: .parseReceipt, reason: "the stored receipt could not be parsed: \(parseError)")
                    }
                }
            case .spaShell:
                return waitForReceipt(
                    job, step: step,
                    reason: "the receipt page is an SPA shell and no JSON receipt API is configured "
                        + "(FISCAL_ARCHIVE_RECEIPT_API_URL)")
            case .notFound:
                return waitForReceipt(
                    job, step: step, reason: "the receipt is not registered yet (\(fetched.format) answered not found)")
            case .unrecognized:
                return waitForReceipt(
                    job, step: step,
                    reason: "the receipt page was not recognised (HTTP \(fetched.httpStatus), \(fetched.bytes.count) bytes)")
            }
        }
        return .archived
    }

    /// A downloaded document after the CPU work: ready to store (with the parse error, if it did not parse), or
    /// cut off in transit.
    enum Prepared: Sendable {
        case original(PreparedOriginal, parseError: String?)
        case truncated(String)
    }

    /// Parses once, then hashes and compresses: the whole CPU cost of a page, run on ``CPUWorkPool``.
    ///
    /// A page cut off in transit still looks like a receipt: if it does not parse and does not end like a whole
    /// page, it is fetched again later rather than archived.
    static func prepare(_ document: OriginalDocument, for id: TransactionID) throws -> Prepared {
        var parsed: ParsedOriginal?
        var parseError: String?
        do {
            let result = try ReceiptDocument.parse(document.bytes, format: document.format, url: document.url)
            parsed = try ParsedOriginal(receipt: result.receipt, warnings: result.warnings.map(\.description), for: id)
        } catch {
            parseError = "\(error)"
        }
        if let parseError, document.format == .html, !endsLikeWholePage(document.bytes) {
            return .truncated("the receipt page arrived truncated (\(document.bytes.count) bytes, \(parseError))")
        }
        return .original(try PreparedOriginal(document, parsed: parsed), parseError: parseError)
    }

    /// Whether an HTML document ends with its closing `</html>` tag (whitespace aside).
    static func endsLikeWholePage(_ bytes: [UInt8]) -> Bool {
        let tail = String(decoding: bytes.suffix(64), as: UTF8.self).lowercased()
        return tail.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("</html>")
    }

    // MARK: - Waiting

    /// Waits at `step` with a backoff (see ``TripEnding``).
    private func waitEnd(_ job: PipelineJob, step: PipelineStep, reason: String) -> PipelineTrip.End {
        var generator = SystemRandomNumberGenerator()
        return ending.wait(job, step: step, reason: reason, now: clock(), using: &generator)
    }

    /// Waits for a receipt that is not there yet, or fails past the receipt deadline (see ``TripEnding``).
    private func waitForReceipt(_ job: PipelineJob, step: PipelineStep, reason: String) -> PipelineTrip.End {
        var generator = SystemRandomNumberGenerator()
        return ending.waitForReceipt(job, step: step, reason: reason, now: clock(), using: &generator)
    }

    // MARK: - Re-checks

    /// Asks `payment_info` again about archived transactions still inside the cancel/refund window.
    private func recheckArchived(tracker: ProgressTracker, progress: @escaping @Sendable (SyncProgress) -> Void)
        async throws -> Int
    {
        let ids = try await archive.claimRechecks(now: clock(), horizon: configuration.recheckHorizon, limit: 500)
        guard !ids.isEmpty else { return 0 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var iterator = ids.makeIterator()
            func next() -> TransactionID? { iterator.next() }
            for _ in 0..<configuration.concurrency {
                guard let id = next() else { break }
                group.addTask { [self] in await tracker.recheck(changed: await recheck(id)) }
            }
            while try await group.next() != nil {
                progress(await tracker.progress())
                if let id = next() { group.addTask { [self] in await tracker.recheck(changed: await recheck(id)) } }
            }
        }
        return ids.count
    }

    /// One re-check; returns whether the status changed.
    private func recheck(_ id: TransactionID) async -> Bool {
        do {
            guard let record = try await archive.transaction(id) else { return false }
            let before = record.payment?.status
            let info = try await gateway.paymentInfo(id)
            try await archive.recordPaymentInfo(id, PaymentSnapshot(info), now: clock())
            guard info.status != before else { return false }
            logger.info("Status change detected", metadata: [
                "transaction.id": "\(id)", "status.before": "\(before.map(\.description) ?? "none")",
                "status.after": "\(info.status)",
            ])
            if info.status == .cancelled || info.status == .refunded {
                // Best effort: without the links the refund is reported as lacking its receipt.
                _ = try? await RefundReceiptLinks.collect(
                    id, type: record.type, gateway: gateway, archive: archive, now: clock())
            }
            return true
        } catch {
            logger.warning("Re-check failed; it is tried again on the next run", metadata: [
                "transaction.id": "\(id)", "error": "\(error)",
            ])
            return false
        }
    }
}

extension PaySysError {
    /// The server's `Retry-After` on a 429, in seconds.
    var retryAfterSeconds: Int64? {
        if case .rateLimited(let seconds) = kind { return seconds.map { Int64($0) } }
        return nil
    }
}

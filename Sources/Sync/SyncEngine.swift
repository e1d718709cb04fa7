import Archive
import FiscalCore
import Foundation
import Logging
import PaySysClient
import ReceiptFetcher
import ReceiptParser

/// The pipeline: moves tracked transactions through `payment_info` → `get_fiscal_cheque` → download → parse →
/// archive, one committed step at a time, with bounded concurrency.
///
/// Every step is claimed from the archive under a lease and recorded in its own transaction, so a crash, a restart
/// or a second process running at the same time never loses or duplicates anything.
public final class SyncEngine: Sendable {
    private let archive: ArchiveStore
    private let gateway: PaySysClient
    private let fetcher: ReceiptFetcher
    private let configuration: SyncConfiguration
    private let logger: Logger
    private let clock: @Sendable () -> Int64

    /// Creates an engine over shared components.
    public init(
        archive: ArchiveStore, gateway: PaySysClient, fetcher: ReceiptFetcher, configuration: SyncConfiguration,
        logger: Logger, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.archive = archive
        self.gateway = gateway
        self.fetcher = fetcher
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
    }

    /// Runs until nothing is due (with `wait`: until nothing is due or waiting, or `maxWait` seconds passed).
    ///
    /// Cancelling the calling task stops the run after the steps in flight have been recorded.
    public func run(
        wait: Bool = false, maxWait: Int64? = nil, shouldStop: @escaping @Sendable () -> Bool = { false },
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncSummary {
        let stopping: @Sendable () -> Bool = { Task.isCancelled || shouldStop() }
        try reclaimLeasesOfDeadWorkers()
        let initial = try archive.status(now: clock())
        let pending = initial.total - (initial.countsByState[.archived] ?? 0) - (initial.countsByState[.failed] ?? 0)
        let tracker = ProgressTracker(started: ContinuousClock.now, expected: pending)
        let deadline = maxWait.map { clock() + $0 }
        while !stopping() {
            try await drainDueJobs(tracker: tracker, stopping: stopping, progress: progress)
            if stopping() { break }
            let rechecked = try await recheckArchived(tracker: tracker, progress: progress)
            if rechecked > 0 { continue }
            guard wait, let next = try archive.nextDueTime() else { break }
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
        summary.waiting = try archive.status(now: clock()).waiting.map { ($0.id, $0.reason ?? "waiting", $0.nextAttemptAt ?? 0) }
        try archive.setMeta("last_sync_at", String(clock()))
        return summary
    }

    /// Takes back the jobs claimed by sync processes of this host that died (killed, crashed) mid-step: their
    /// steps were not recorded, so doing them again duplicates nothing.
    private func reclaimLeasesOfDeadWorkers() throws {
        for worker in try archive.leaseHolders(now: clock()) where WorkerIdentity.isDeadLocalProcess(worker) {
            let count = try archive.releaseLeases(heldBy: worker)
            logger.notice("Took back the jobs of a sync that died", metadata: ["worker": "\(worker)", "jobs": "\(count)"])
        }
    }

    // MARK: - Pipeline steps

    private func drainDueJobs(
        tracker: ProgressTracker, stopping: @escaping @Sendable () -> Bool,
        progress: @escaping @Sendable (SyncProgress) -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<configuration.concurrency {
                group.addTask { [self] in
                    while !stopping() {
                        guard let job = try archive.claimDueJobs(
                            limit: 1, now: clock(), worker: configuration.worker, lease: configuration.lease
                        ).first else { return }
                        let outcome = await perform(job)
                        await tracker.record(outcome, for: job.id)
                        progress(await tracker.progress())
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// What one step ended in, for progress counting.
    enum StepOutcome: Sendable {
        /// The transaction moved on to another step (not finished in this run yet).
        case advanced
        case archived
        case waiting(String)
        case failed(String)
    }

    /// Performs the job's step and records its result; never throws (errors become waiting/failed records).
    func perform(_ job: PipelineJob) async -> StepOutcome {
        let id = job.id
        var logger = self.logger
        logger[metadataKey: "transaction.id"] = "\(id)"
        logger[metadataKey: "pipeline.step"] = "\(job.step)"
        do {
            let outcome: StepOutcome
            switch job.step {
            case .paymentInfo: outcome = try await fetchPaymentInfo(job)
            case .receiptLink: outcome = try await fetchReceiptLink(job)
            case .fetchReceipt: outcome = try await fetchReceipt(job)
            case .parseReceipt: outcome = try parseReceipt(job)
            }
            if case .advanced = outcome {
                // The step is recorded; hand the job back so any worker claims its next step.
                try archive.releaseLease(id, worker: configuration.worker)
            }
            return outcome
        } catch let error as PaySysError where error.isTransient {
            return await wait(job, reason: "PaySys: \(error)", retryAfter: error.retryAfterSeconds)
        } catch let error as PaySysError {
            return fail(job, reason: "PaySys: \(error)")
        } catch let error as FetchError where error.isTransient {
            return await wait(job, reason: error.description, retryAfter: error.retryAfter)
        } catch let error as FetchError {
            return fail(job, reason: error.description)
        } catch {
            // An archive error: the step is not recorded; release the lease so another run can retry it.
            logger.error("Could not record a pipeline step", metadata: ["error": "\(error)"])
            try? archive.releaseLease(id, worker: configuration.worker)
            return .waiting("archive error: \(error)")
        }
    }

    private func fetchPaymentInfo(_ job: PipelineJob) async throws -> StepOutcome {
        let info = try await gateway.paymentInfo(job.id)
        try archive.recordPaymentInfo(job.id, PaymentSnapshot(info), now: clock())
        switch info.status {
        case .error:
            return fail(job, reason: "PaySys reports the payment failed (status -1); no receipt exists")
        case .created:
            // A payment left unpaid gives up like a receipt that never appears: after the receipt deadline.
            return await waitForReceipt(job, reason: "the payment is not completed yet (status 0)")
        default:
            return .advanced
        }
    }

    private func fetchReceiptLink(_ job: PipelineJob) async throws -> StepOutcome {
        let cheque: FiscalCheque
        do {
            cheque = try await gateway.fiscalCheque(job.id, type: job.type)
        } catch {
            // "Not found" from get_fiscal_cheque: the receipt is not registered yet.
            guard error.gatewayCode == -32314 else { throw error }
            return await waitForReceipt(job, reason: "PaySys has no receipt link yet (\(error))")
        }
        guard !cheque.url.isEmpty else {
            return await waitForReceipt(job, reason: "PaySys returned an empty receipt link")
        }
        for link in [cheque.url] + cheque.refundURLs {
            do {
                _ = try ReceiptReference(url: link)
            } catch {
                return fail(job, reason: "PaySys returned a malformed receipt link: \(error)")
            }
        }
        try archive.recordReceiptLink(job.id, url: cheque.url, refundURLs: cheque.refundURLs, now: clock())
        return .advanced
    }

    private func fetchReceipt(_ job: PipelineJob) async throws -> StepOutcome {
        let links = ([job.receiptURL].compactMap { $0 } + job.refundURLs).filter { !job.storedURLs.contains($0) }
        guard let link = links.first else {
            return fail(job, reason: "no receipt link left to download")
        }
        let fetched = try await fetcher.fetch(link)
        switch fetched.state {
        case .receipt:
            let original = OriginalDocument(
                bytes: fetched.bytes, url: fetched.url, httpStatus: fetched.httpStatus, contentType: fetched.contentType,
                fetchedAt: fetched.fetchedAt, format: fetched.format == .json ? .json : .html)
            // A page cut off in transit still looks like a receipt: if it does not parse and does not end like a
            // whole page, fetch it again later. A whole page that does not parse is kept (the parse step records
            // why), so a parser bug never costs the original: `reparse` recovers it after a fix.
            if original.format == .html && !Self.endsLikeWholePage(fetched.bytes) {
                do {
                    _ = try ReceiptDocument.parse(fetched.bytes, format: original.format, url: fetched.url)
                } catch {
                    return await waitForReceipt(
                        job, reason: "the receipt page arrived truncated (\(fetched.bytes.count) bytes, \(error))")
                }
            }
            _ = try archive.recordOriginal(job.id, original, now: clock())
            return .advanced
        case .spaShell:
            return await waitForReceipt(
                job, reason: "the receipt page is an SPA shell and no JSON receipt API is configured "
                    + "(FISCAL_ARCHIVE_RECEIPT_API_URL)")
        case .notFound:
            return await waitForReceipt(job, reason: "the receipt is not registered yet (\(fetched.format) answered not found)")
        case .unrecognized:
            return await waitForReceipt(
                job, reason: "the receipt page was not recognised (HTTP \(fetched.httpStatus), \(fetched.bytes.count) bytes)")
        }
    }

    private func parseReceipt(_ job: PipelineJob) throws -> StepOutcome {
        guard let originalID = job.unparsedOriginalIDs.first, let original = try archive.original(id: originalID) else {
            return fail(job, reason: "no stored original to parse")
        }
        let parsed: ParsedReceipt
        do {
            parsed = try ReceiptDocument.parse(original)
        } catch {
            return fail(job, reason: "the stored receipt could not be parsed: \(error)")
        }
        try archive.recordArchived(
            job.id, originalID: originalID, receipt: parsed.receipt, warnings: parsed.warnings.map(\.description),
            now: clock())
        return job.unparsedOriginalIDs.count > 1 || job.refundURLs.contains(where: { !job.storedURLs.contains($0) })
            ? .advanced : .archived
    }

    /// Whether an HTML document ends with its closing `</html>` tag (whitespace aside).
    static func endsLikeWholePage(_ bytes: [UInt8]) -> Bool {
        let tail = String(decoding: bytes.suffix(64), as: UTF8.self).lowercased()
        return tail.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("</html>")
    }

    // MARK: - Waiting and failing

    private func wait(_ job: PipelineJob, reason: String, retryAfter: Int64? = nil) async -> StepOutcome {
        var generator = SystemRandomNumberGenerator()
        let backoff = Backoff(initial: configuration.retryInitial, max: configuration.retryMax)
        let now = clock()
        let next = now + backoff.delay(attempt: job.attempts, minimum: retryAfter ?? 0, using: &generator)
        do {
            try archive.recordWaiting(job.id, step: job.step, reason: reason, nextAttemptAt: next, now: now)
        } catch {
            logger.error("Could not record a waiting step", metadata: ["transaction.id": "\(job.id)", "error": "\(error)"])
            try? archive.releaseLease(job.id, worker: configuration.worker)
        }
        return .waiting(reason)
    }

    /// Waits for a receipt that is not there yet, or fails the job once the receipt deadline has passed.
    private func waitForReceipt(_ job: PipelineJob, reason: String) async -> StepOutcome {
        let now = clock()
        let since = job.firstWaitingAt ?? now
        if now - since >= configuration.receiptDeadline {
            let days = configuration.receiptDeadline / 86_400
            return fail(job, reason: "\(reason); still so after the receipt deadline (\(days) days)")
        }
        return await wait(job, reason: reason)
    }

    private func fail(_ job: PipelineJob, reason: String) -> StepOutcome {
        do {
            try archive.recordFailed(job.id, step: job.step, reason: reason, now: clock())
        } catch {
            logger.error("Could not record a failed step", metadata: ["transaction.id": "\(job.id)", "error": "\(error)"])
            try? archive.releaseLease(job.id, worker: configuration.worker)
        }
        logger.info("Transaction failed", metadata: ["transaction.id": "\(job.id)", "reason": "\(reason)"])
        return .failed(reason)
    }

    // MARK: - Re-checks

    /// Asks `payment_info` again about archived transactions still inside the cancel/refund window.
    private func recheckArchived(tracker: ProgressTracker, progress: @escaping @Sendable (SyncProgress) -> Void)
        async throws -> Int
    {
        let ids = try archive.dueRechecks(now: clock(), window: configuration.recheckWindow, limit: 500)
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
            guard let record = try archive.transaction(id) else { return false }
            let before = record.payment?.status
            let info = try await gateway.paymentInfo(id)
            try archive.recordPaymentInfo(id, PaymentSnapshot(info), now: clock())
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

import Archive
import FiscalCore
import Foundation

/// Puts transactions into given states the way the sync does: a claim, then one committed trip.
public enum TripFixture {
    /// Claims `id` (handing back any other job the claim took) for `worker`.
    public static func claim(
        _ archive: any ArchiveStore, _ id: TransactionID, worker: String = "fixture", now: Int64
    ) async throws -> PipelineJob {
        let jobs = try await archive.claimJobs(limit: 10_000, now: now, worker: worker, lease: 300)
        for other in jobs where other.id != id {
            try await archive.commit(PipelineTrip(end: .released), of: other.id, lease: other.lease, now: now)
        }
        guard let job = jobs.first(where: { $0.id == id }) else {
            throw ArchiveError(.notFound, "Transaction \(id) is not due, so it cannot be claimed", transactionID: id)
        }
        return job
    }

    /// Tracks `id` (if new) and commits one trip that archives it: payment, links, the original and its receipt.
    @discardableResult
    public static func archive(
        _ archive: any ArchiveStore, _ id: TransactionID, type: TransactionType = .payment, payment: PaymentSnapshot,
        url: String? = nil, refundURLs: [String] = [], original: OriginalDocument, receipt: FiscalReceipt,
        warnings: [String] = [], now: Int64
    ) async throws -> PipelineState {
        _ = try await archive.track([TrackRequest(id: id, type: type)], now: now)
        let job = try await claim(archive, id, now: now)
        let trip = PipelineTrip(
            payment: payment, links: .init(url: url ?? original.url, refundURLs: refundURLs),
            originals: [try PreparedOriginal(original, parsed: try ParsedOriginal(receipt: receipt, warnings: warnings, for: id))],
            end: .archived)
        return try await archive.commit(trip, of: id, lease: job.lease, now: now)
    }

    /// Tracks `id` (if new) and commits one trip that stores `original` without a receipt and fails the job at
    /// `step` with `reason` (what the sync does with a page that does not parse).
    public static func fail(
        _ archive: any ArchiveStore, _ id: TransactionID, type: TransactionType = .payment,
        payment: PaymentSnapshot? = nil, original: OriginalDocument? = nil, step: PipelineStep = .parseReceipt,
        reason: String, now: Int64
    ) async throws {
        _ = try await archive.track([TrackRequest(id: id, type: type)], now: now)
        let job = try await claim(archive, id, now: now)
        let trip = PipelineTrip(
            payment: payment, links: original.map { .init(url: $0.url, refundURLs: []) },
            originals: try original.map { [try PreparedOriginal($0)] } ?? [], end: .failed(step: step, reason: reason))
        try await archive.commit(trip, of: id, lease: job.lease, now: now)
    }
}

extension TripFixture {
    /// Claims `id` and commits one trip storing `original` (with its receipt when given), ending `.archived` (the
    /// archive keeps the job at `page_fetched` while an original has no receipt). Returns the job's new state.
    @discardableResult
    public static func store(
        _ archive: any ArchiveStore, _ id: TransactionID, original: OriginalDocument, receipt: FiscalReceipt?,
        warnings: [String] = [], now: Int64
    ) async throws -> PipelineState {
        let job = try await claim(archive, id, now: now)
        let parsed = try receipt.map { try ParsedOriginal(receipt: $0, warnings: warnings, for: id) }
        let trip = PipelineTrip(originals: [try PreparedOriginal(original, parsed: parsed)], end: .archived)
        return try await archive.commit(trip, of: id, lease: job.lease, now: now)
    }
}

import FiscalCore

/// Where a tracked transaction is in the pipeline.
public enum PipelineState: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Known by id only; next: `payment_info`.
    case tracked
    /// `payment_info` answered; next: `get_fiscal_cheque`.
    case infoFetched = "info_fetched"
    /// The receipt link is known; next: download it.
    case linkFetched = "link_fetched"
    /// The original is stored; next: parse and archive it.
    case pageFetched = "page_fetched"
    /// The receipt is archived (re-checks may still follow).
    case archived
    /// Not ready yet: retried at `next_attempt_at`, resuming ``PipelineJob/step``.
    case waiting
    /// Permanently failed, with the reason.
    case failed
    /// Its row could not be decoded (a damaged archive): set aside with the reason so that runs go on.
    case quarantined

    public var description: String { rawValue }
}

/// One step of the pipeline: what a worker does next with a job.
public enum PipelineStep: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Call `payment_info`.
    case paymentInfo = "payment_info"
    /// Call `get_fiscal_cheque`.
    case receiptLink = "receipt_link"
    /// Download the receipt page (or the JSON fallback).
    case fetchReceipt = "fetch_receipt"
    /// Parse the stored original and archive the receipt.
    case parseReceipt = "parse_receipt"

    public var description: String { rawValue }

    /// The step a job in `state` performs next (`nil` for archived, failed, and waiting, which stores its own).
    public static func next(after state: PipelineState) -> PipelineStep? {
        switch state {
        case .tracked: .paymentInfo
        case .infoFetched: .receiptLink
        case .linkFetched: .fetchReceipt
        case .pageFetched: .parseReceipt
        case .archived, .waiting, .failed, .quarantined: nil
        }
    }
}

/// A transaction claimed by a worker for one step, with what that step needs.
///
/// The claim is a lease held by ``worker`` until ``leaseUntil``: no other worker (in this or another process) gets
/// the same job before the lease expires or is released. Every `record…` call ends the lease; a
/// ``ArchiveStore/commit(_:of:lease:now:)`` checks the lease's token first.
public struct PipelineJob: Sendable, Hashable {
    public var id: TransactionID
    public var type: TransactionType
    /// The state the job was claimed in (`waiting` jobs report the state they wait in).
    public var state: PipelineState
    /// What to do now.
    public var step: PipelineStep
    /// Attempts so far of waiting steps (0 on the first try).
    public var attempts: Int
    /// When the job first started waiting (for the receipt deadline), if it ever did.
    public var firstWaitingAt: Int64?
    /// The last error or waiting reason, if any.
    public var lastError: String?
    public var vendorOrderID: String?
    /// What `payment_info` said, when it has answered.
    public var payment: PaymentSnapshot?
    /// The sale receipt link, once known.
    public var receiptURL: String?
    /// Refund receipt links, once known.
    public var refundURLs: [String]
    /// URLs whose original is already stored (a fetch step skips them).
    public var storedURLs: [String]
    /// Ids of stored originals that have no archived receipt yet (what ``PipelineStep/parseReceipt`` parses).
    public var unparsedOriginalIDs: [Int64]
    /// The worker holding the lease.
    public var worker: String
    /// When the lease ends (Unix seconds).
    public var leaseUntil: Int64
    /// The claim's fencing token (see ``PipelineLease``).
    public var leaseToken: Int64

    /// The lease this job was claimed under.
    public var lease: PipelineLease { PipelineLease(worker: worker, token: leaseToken) }

    /// Creates a job (the archive does; tests may too).
    public init(
        id: TransactionID, type: TransactionType, state: PipelineState, step: PipelineStep, attempts: Int,
        firstWaitingAt: Int64?, lastError: String?, vendorOrderID: String?, payment: PaymentSnapshot?,
        receiptURL: String?, refundURLs: [String], storedURLs: [String], unparsedOriginalIDs: [Int64],
        worker: String, leaseUntil: Int64, leaseToken: Int64 = 0
    ) {
        self.leaseToken = leaseToken
        self.id = id
        self.type = type
        self.state = state
        self.step = step
        self.attempts = attempts
        self.firstWaitingAt = firstWaitingAt
        self.lastError = lastError
        self.vendorOrderID = vendorOrderID
        self.payment = payment
        self.receiptURL = receiptURL
        self.refundURLs = refundURLs
        self.storedURLs = storedURLs
        self.unparsedOriginalIDs = unparsedOriginalIDs
        self.worker = worker
        self.leaseUntil = leaseUntil
    }
}

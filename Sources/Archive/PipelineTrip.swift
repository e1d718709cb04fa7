import FiscalCore
import Foundation

/// The lease a claim hands a worker: its name and the claim's fencing token.
///
/// Every pipeline write made under a lease checks the token; a worker that stalled past its lease, whose job another
/// worker has claimed since, gets ``ArchiveError/Code/staleLease`` and writes nothing.
public struct PipelineLease: Sendable, Hashable, CustomStringConvertible {
    /// The worker holding it (`host:pid:nonce`).
    public var worker: String
    /// The claim's token: unique and increasing per claim in one archive.
    public var token: Int64

    /// Creates a lease (the archive does; tests may too).
    public init(worker: String, token: Int64) {
        self.worker = worker
        self.token = token
    }

    public var description: String { "\(worker)#\(token)" }
}

/// A downloaded original made ready for the archive off the database: hashed and compressed once, with the receipt
/// parsed from it (when it parsed). Building one is the CPU-heavy part of storing a page; do it off the cooperative
/// pool.
public struct PreparedOriginal: Sendable {
    /// The document's metadata (url, status, type, fetch time, format); ``OriginalDocument/bytes`` is emptied once
    /// compressed, so a prepared page is not held twice in memory.
    public let document: OriginalDocument
    /// Hex SHA-256 of the raw bytes.
    public let sha256: String
    /// The raw size in bytes.
    public let size: Int
    /// The deflated bytes as stored.
    package let compressed: [UInt8]
    /// The receipt parsed from the bytes, if it parsed.
    public var parsed: ParsedOriginal?

    /// Hashes and compresses `document` (the bytes exactly as received).
    public init(_ document: OriginalDocument, parsed: ParsedOriginal? = nil) throws(ArchiveError) {
        sha256 = IntegrityChain.sha256Hex(document.bytes)
        size = document.bytes.count
        compressed = try Compression.deflate(document.bytes)
        var metadata = document
        metadata.bytes = []
        self.document = metadata
        self.parsed = parsed
    }
}

/// A receipt parsed from an original, with the parser's warnings, already encoded as the archive stores it (the
/// encoding is CPU work done where the parse is, not under the write lock).
public struct ParsedOriginal: Sendable, Hashable {
    public let receipt: FiscalReceipt
    public let warnings: [String]
    /// The receipt's stored JSON document.
    package let document: String

    /// Encodes a parsed receipt for `id`.
    public init(receipt: FiscalReceipt, warnings: [String], for id: TransactionID) throws(ArchiveError) {
        self.receipt = receipt
        self.warnings = warnings
        document = try StoredReceiptJSON.encode(receipt, id: id)
    }
}

/// What one trip of a job through the pipeline learned, committed at once by
/// ``ArchiveStore/commit(_:of:lease:now:)``: the payment snapshot, the receipt links, the originals with their receipts,
/// and how the trip ended. A trip that archives a receipt is one database transaction.
public struct PipelineTrip: Sendable {
    /// How the trip ended.
    public enum End: Sendable, Hashable {
        /// Every original has its receipt: the job is archived (or goes on to parse what is left).
        case archived
        /// Not ready: retried at `nextAttemptAt` from `step`. An attempt is counted.
        case waiting(step: PipelineStep, reason: String, nextAttemptAt: Int64)
        /// Permanently failed at `step`.
        case failed(step: PipelineStep, reason: String)
        /// Nothing to record (the run stops): the job is due again at once for any worker.
        case released
    }

    /// The receipt links `get_fiscal_cheque` returned.
    public struct Links: Sendable, Hashable {
        public var url: String
        public var refundURLs: [String]

        /// Creates links.
        public init(url: String, refundURLs: [String]) {
            self.url = url
            self.refundURLs = refundURLs
        }
    }

    /// A `payment_info` answer of this trip, if it asked.
    public var payment: PaymentSnapshot?
    /// The receipt links of this trip, if it asked.
    public var links: Links?
    /// Originals downloaded in this trip, with their receipts when they parsed.
    public var originals: [PreparedOriginal]
    /// Receipts parsed from originals stored by an earlier trip (by original id).
    public var storedReceipts: [(originalID: Int64, parsed: ParsedOriginal)]
    public var end: End

    /// Creates a trip.
    public init(
        payment: PaymentSnapshot? = nil, links: Links? = nil, originals: [PreparedOriginal] = [],
        storedReceipts: [(originalID: Int64, parsed: ParsedOriginal)] = [], end: End
    ) {
        self.payment = payment
        self.links = links
        self.originals = originals
        self.storedReceipts = storedReceipts
        self.end = end
    }
}

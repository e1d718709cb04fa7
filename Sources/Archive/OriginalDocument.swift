import FiscalCore

/// A downloaded receipt page or JSON payload, exactly as received, to be stored by
/// ``ArchiveStore/recordOriginal(_:_:now:)``.
public struct OriginalDocument: Sendable, Hashable {
    /// What the bytes are.
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        /// A legacy receipt page.
        case html
        /// A JSON receipt API payload.
        case json
    }

    /// The body exactly as received (not necessarily valid UTF-8).
    public var bytes: [UInt8]
    /// The URL it was fetched from (after redirects).
    public var url: String
    public var httpStatus: Int
    public var contentType: String?
    /// When it was fetched (Unix seconds).
    public var fetchedAt: Int64
    public var format: Format

    /// Creates a document.
    public init(bytes: [UInt8], url: String, httpStatus: Int, contentType: String?, fetchedAt: Int64, format: Format) {
        self.bytes = bytes
        self.url = url
        self.httpStatus = httpStatus
        self.contentType = contentType
        self.fetchedAt = fetchedAt
        self.format = format
    }
}

/// An original as the archive keeps it: decompressed bytes, the SHA-256 recorded at download, and whether the bytes
/// still hash to it.
public struct StoredOriginal: Sendable, Hashable {
    /// The archive's id of the original.
    public var id: Int64
    public var transactionID: TransactionID
    /// The bytes exactly as downloaded.
    public var bytes: [UInt8]
    /// Hex SHA-256 of the raw bytes, recorded when they were stored.
    public var sha256: String
    public var url: String
    public var httpStatus: Int
    public var contentType: String?
    public var fetchedAt: Int64
    public var format: OriginalDocument.Format
    /// Whether ``bytes`` hash to ``sha256`` now (re-checked on every read).
    public var hashMatches: Bool

    /// Creates a stored original.
    public init(
        id: Int64, transactionID: TransactionID, bytes: [UInt8], sha256: String, url: String, httpStatus: Int,
        contentType: String?, fetchedAt: Int64, format: OriginalDocument.Format, hashMatches: Bool
    ) {
        self.id = id
        self.transactionID = transactionID
        self.bytes = bytes
        self.sha256 = sha256
        self.url = url
        self.httpStatus = httpStatus
        self.contentType = contentType
        self.fetchedAt = fetchedAt
        self.format = format
        self.hashMatches = hashMatches
    }
}

/// An archived receipt with where it came from.
public struct ArchivedReceipt: Sendable, Hashable {
    public var transactionID: TransactionID
    public var receipt: FiscalReceipt
    /// Parser warnings recorded with it.
    public var warnings: [String]
    public var originalID: Int64
    /// Hex SHA-256 of the original's raw bytes.
    public var originalSHA256: String
    public var originalURL: String
    public var fetchedAt: Int64
    /// When it was archived (Unix seconds).
    public var archivedAt: Int64

    /// Creates an archived receipt.
    public init(
        transactionID: TransactionID, receipt: FiscalReceipt, warnings: [String], originalID: Int64,
        originalSHA256: String, originalURL: String, fetchedAt: Int64, archivedAt: Int64
    ) {
        self.transactionID = transactionID
        self.receipt = receipt
        self.warnings = warnings
        self.originalID = originalID
        self.originalSHA256 = originalSHA256
        self.originalURL = originalURL
        self.fetchedAt = fetchedAt
        self.archivedAt = archivedAt
    }
}

import FiscalCore

/// Why an archive operation failed: what went wrong, on which transaction or file, and the underlying cause.
///
/// Messages read as sentences and never carry a secret. Busy/locked SQLite errors map to ``Code/locked``
/// ("The archive is locked by another process").
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, for callers that map errors to exit codes or HTTP statuses.
    public enum Code: String, Sendable, Hashable {
        /// The file could not be created, opened or migrated.
        case open
        /// Another process holds the write lock longer than the busy timeout.
        case locked
        /// The named transaction, original or operation is not in the archive.
        case notFound
        /// The input contradicts what the archive already holds (a known id with another type, …).
        case conflict
        /// The input is not acceptable (an empty URL, a negative amount, …).
        case invalid
        /// A `check` closure of ``ArchiveStore/beginOperation(_:now:check:)`` refused the operation.
        case refused
        /// Stored data could not be decoded or decompressed.
        case corrupt
        /// A pipeline write under a lease that another claim has replaced (a stalled worker): refused.
        case staleLease
        /// Any other database failure.
        case database
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence saying what failed and on which input.
    public var message: String
    /// The transaction concerned, if any.
    public var transactionID: TransactionID?
    /// The underlying error (a GRDB `DatabaseError`, a refusal thrown by a `check`), if any.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(
        _ code: Code, _ message: String, transactionID: TransactionID? = nil, underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.transactionID = transactionID
        self.underlying = underlying
    }

    public var description: String {
        guard let underlying else { return message }
        if underlying is ArchiveError { return message }
        return "\(message) (\(underlying))"
    }
}

extension Optional {
    /// The value, or a "corrupt" archive error naming the column and transaction (every backend reads its rows
    /// this way).
    package func orCorrupt(_ column: String, _ id: TransactionID?) throws(ArchiveError) -> Wrapped {
        guard let self else {
            let subject = id.map { "transaction \($0)" } ?? "a row"
            throw ArchiveError(.corrupt, "The archive holds an unreadable \(column) for \(subject)", transactionID: id)
        }
        return self
    }
}

import FiscalCore

/// What ``ArchiveStore/verify()`` found.
public struct VerificationReport: Sendable, Hashable {
    /// One thing that does not match.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The kind of mismatch.
        public enum Kind: String, Sendable, Hashable {
            /// An original's bytes no longer hash to its recorded SHA-256 (or cannot be decompressed).
            case originalAltered = "original_altered"
            /// A covered row's fields differ from what its chain link recorded.
            case rowAltered = "row_altered"
            /// A chain link names a row that no longer exists.
            case rowMissing = "row_missing"
            /// A covered row has no chain link.
            case rowUnchained = "row_unchained"
            /// A link's hash or previous hash does not follow from its predecessor, or links are missing.
            case chainBroken = "chain_broken"
        }

        public var kind: Kind
        /// `originals`, `events`, `operations` or `chain`.
        public var table: String
        /// The row id concerned (the chain sequence for `chain`).
        public var rowID: Int64
        /// A sentence saying what is wrong and where.
        public var message: String

        /// Creates a problem.
        public init(kind: Kind, table: String, rowID: Int64, message: String) {
            self.kind = kind
            self.table = table
            self.rowID = rowID
            self.message = message
        }

        public var description: String { message }
    }

    public var originalsChecked: Int
    public var linksChecked: Int
    public var problems: [Problem]
    /// The head the chain has when recomputed.
    public var chainHead: String

    /// Creates a report.
    public init(originalsChecked: Int, linksChecked: Int, problems: [Problem], chainHead: String) {
        self.originalsChecked = originalsChecked
        self.linksChecked = linksChecked
        self.problems = problems
        self.chainHead = chainHead
    }

    /// True when nothing was found.
    public var isIntact: Bool { problems.isEmpty }
}

/// What ``ArchiveStore/reparse(_:)`` did.
public struct ReparseSummary: Sendable, Hashable {
    /// One original that could not be parsed again (its previous receipt, if any, is kept).
    public struct Failure: Sendable, Hashable {
        public var originalID: Int64
        public var transactionID: TransactionID
        public var reason: String

        /// Creates a failure.
        public init(originalID: Int64, transactionID: TransactionID, reason: String) {
            self.originalID = originalID
            self.transactionID = transactionID
            self.reason = reason
        }
    }

    /// Originals parsed and their receipts rewritten or, for originals that had none, stored.
    public var rebuilt: Int
    /// Of those, receipts whose content changed.
    public var changed: Int
    public var failures: [Failure]
    /// Transactions of originals that had never parsed and now do (a failed one is back in the queue).
    public var recovered: [TransactionID]

    /// Creates a summary.
    public init(rebuilt: Int, changed: Int, failures: [Failure], recovered: [TransactionID] = []) {
        self.rebuilt = rebuilt
        self.changed = changed
        self.recovered = recovered
        self.failures = failures
    }
}

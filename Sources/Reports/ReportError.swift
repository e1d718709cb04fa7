import Archive
import FiscalCore

/// A report that could not be written, with what failed and on which input.
public struct ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// The source streamed an event outside the requested month (a broken `RegisterReader`).
        case entryOutsideMonth
        /// The output file could not be created, written or moved into place.
        case output
        /// The source's events changed between the two passes of an HTML report (the archive was written to
        /// meanwhile); the summary would not match the register, so nothing was written.
        case sourceChanged
        /// The database's totals of the month differ from the sums of its streamed register (a damaged index or a
        /// broken backend); nothing was written.
        case totalsDiffer
    }

    /// What went wrong.
    public var code: Code
    /// A sentence saying what failed and on which input.
    public var message: String
    /// The file involved, if any.
    public var path: String?

    /// Creates an error.
    public init(code: Code, message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String {
        if let path { return "\(message) (\(path))" }
        return message
    }

    static func outsideMonth(_ entry: RegisterEntry, month: YearMonth) -> ReportError {
        ReportError(
            code: .entryOutsideMonth,
            message: "Event \(entry.sequence) (\(entry.event.rawValue) of transaction \(entry.transactionID)) at "
                + "\(Tashkent.iso8601(epochSeconds: entry.occurredAt)) is outside \(month)")
    }
}

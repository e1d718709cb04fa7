/// Why a workbook could not be read: what was wrong, and in which part of the file.
///
/// The `description` reads as a sentence and names the limit or the part (`xl/worksheets/sheet1.xml`), so that an
/// accountant can tell a damaged file from a hostile one.
public struct SpreadsheetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is, for callers and tests that branch on it.
    public enum Kind: String, Sendable, Hashable {
        /// Not a ZIP file, or a damaged one.
        case notAWorkbook
        /// A part the format requires is missing or does not say what it must.
        case malformed
        /// A bound of `SpreadsheetLimits` was reached.
        case limitExceeded
        /// A document type declaration (and so, possibly, entities) in one of the workbook's XML parts.
        case documentType
        /// A link to something outside the workbook.
        case externalReference
        /// The sheet asked for is not in the workbook.
        case noSuchSheet
    }

    public var kind: Kind
    /// The ZIP entry concerned, when there is one.
    public var part: String?
    public var message: String

    public init(_ kind: Kind, part: String? = nil, _ message: String) {
        self.kind = kind
        self.part = part
        self.message = message
    }

    public var description: String {
        if let part { return "\(part): \(message)" }
        return message
    }
}

import FiscalCore

/// The `parse --json` line format of DESIGN.md: one JSON object per file, `file`, `state` and `error` first, then
/// the receipt's members (``FiscalReceipt/jsonMembers``) and its `warnings`.
///
/// `error` is `null` when the file parsed and the reason otherwise, so a script tells a failed page from an empty
/// one; for a file that is not a receipt (or failed) every receipt member is present and `null`.
public enum ReceiptJSONFormat {
    /// One JSON object, without a trailing newline.
    public static func line(file: String, state: PageState, parsed: ParsedReceipt?, error: String? = nil) -> String {
        var members: [ExactJSON.Member] = [
            .init("file", .string(file)), .init("state", .string(state.rawValue)), .init("error", .optional(error)),
        ]
        if let parsed {
            members += parsed.receipt.jsonMembers
            members.append(.init("warnings", .array(parsed.warnings.map { .string($0.description) })))
        } else {
            members += FiscalReceipt.jsonMemberNames.map { .init($0, .null) }
            members.append(.init("warnings", .null))
        }
        return ExactJSON.object(members).description
    }
}

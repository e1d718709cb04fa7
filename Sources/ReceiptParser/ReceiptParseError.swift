/// Why a receipt page or JSON payload could not be turned into a receipt: the page state, the field, where it was
/// looked for (a row label, an XPath or a JSON key) and the reason.
public struct ReceiptParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the input was classified as; `.receipt` when it looked like a receipt but a field was bad.
    public var state: PageState
    /// The receipt field concerned (`"total"`, `"items[3].vatAmount"`), if any.
    public var field: String?
    /// Where the field was looked for: a row label (`row "Jami to`lov:"`), an XPath or a JSON key path.
    public var location: String?
    /// What is wrong, as a sentence fragment.
    public var reason: String

    /// Creates an error.
    public init(state: PageState, field: String? = nil, location: String? = nil, reason: String) {
        self.state = state
        self.field = field
        self.location = location
        self.reason = reason
    }

    /// A sentence naming the state, the field, where it was looked for and why it failed.
    public var description: String {
        switch state {
        case .spaShell:
            return "The page is a SPA shell without receipt data (\(reason))"
        case .notFound:
            return "The receipt is not found (\(reason))"
        case .unrecognized:
            return "Not a receipt page (\(reason))"
        case .receipt:
            var message = "Receipt field \(field ?? "?")"
            if let location { message += " (\(location))" }
            return message + ": \(reason)"
        }
    }

    static func missing(_ field: String, at location: String) -> ReceiptParseError {
        ReceiptParseError(state: .receipt, field: field, location: location, reason: "missing")
    }

    static func invalid(_ field: String, at location: String, text: String, _ why: String) -> ReceiptParseError {
        ReceiptParseError(state: .receipt, field: field, location: location, reason: "\(why): \"\(text.prefix(80))\"")
    }
}

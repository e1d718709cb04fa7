/// What a downloaded receipt page (or JSON answer) turned out to be.
public enum PageState: String, Sendable, Hashable, CaseIterable {
    /// A receipt with data: parse it.
    case receipt
    /// The newer site's empty React shell: no data in it, fall back to the JSON API.
    case spaShell = "spa-shell"
    /// The viewer says the receipt does not exist (yet): retry later, fail after a deadline.
    case notFound = "not-found"
    /// Neither a receipt nor a known non-receipt answer.
    case unrecognized
}

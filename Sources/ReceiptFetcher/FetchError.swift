/// Why a receipt could not be downloaded, and whether trying again later may help.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: String, Sendable, Hashable {
        /// The link points to a host outside the allowlist (permanent: never fetched).
        case hostNotAllowed
        /// A redirect left the allowlist, or there were too many (permanent).
        case badRedirect
        /// The answer is larger than the size cap (permanent).
        case tooLarge
        /// The request timed out (transient).
        case timeout
        /// The connection failed or was dropped (transient).
        case connection
        /// The server answered 5xx (transient).
        case serverError
        /// The server answered 429; see ``retryAfter`` (transient).
        case rateLimited
        /// Another unexpected HTTP status (permanent).
        case unexpectedStatus
        /// The link itself is malformed (permanent).
        case badURL
        /// The fetcher is misconfigured (permanent).
        case configuration
    }

    public var kind: Kind
    /// The URL that was being fetched.
    public var url: String?
    /// What happened, as a sentence fragment.
    public var reason: String
    /// Seconds the server asked to wait (429 `Retry-After`).
    public var retryAfter: Int64?

    public init(_ kind: Kind, url: String?, reason: String, retryAfter: Int64? = nil) {
        self.kind = kind
        self.url = url
        self.reason = reason
        self.retryAfter = retryAfter
    }

    /// Whether the same request may succeed later.
    public var isTransient: Bool {
        switch kind {
        case .timeout, .connection, .serverError, .rateLimited: true
        case .hostNotAllowed, .badRedirect, .tooLarge, .unexpectedStatus, .badURL, .configuration: false
        }
    }

    public var description: String {
        if let url { return "Receipt download failed for \(url): \(reason)" }
        return "Receipt download failed: \(reason)"
    }
}

import Hummingbird

/// A request the web UI refuses or cannot serve, with a message safe to show (no paths, no secrets, no traces).
///
/// Thrown by handlers and turned into an HTML page or a JSON body in one place, ``ErrorAndHeadersMiddleware``.
struct WebError: Error, Sendable {
    /// The HTTP status.
    var status: HTTPResponse.Status
    /// A sentence for the client.
    var message: String
    /// The bad element of an ingest list, if any.
    var index: Int?
    /// Extra response headers (e.g. `WWW-Authenticate`).
    var headers: HTTPFields

    /// Creates an error.
    init(_ status: HTTPResponse.Status, _ message: String, index: Int? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.index = index
        self.headers = headers
    }
}

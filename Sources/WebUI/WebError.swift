import Hummingbird

/// A request the web UI refuses or cannot serve, with a message safe to show (no paths, no secrets, no traces).
///
/// An `HTTPResponseError`: on its own it answers with its status, headers and a JSON `{"error": …}` body (API
/// routes) or a plain-text one. Behind ``ErrorAndHeadersMiddleware`` — every route is — pages get the HTML error
/// page instead, and every response the security headers.
struct WebError: HTTPResponseError, Sendable {
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

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response: Response
        if ErrorAndHeadersMiddleware<BasicRequestContext>.wantsJSON(request) {
            response = JSONResponse.error(message, status: status, index: index)
        } else {
            var fields = HTTPFields()
            fields[.contentType] = "text/plain; charset=utf-8"
            response = Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
        }
        response.headers.append(contentsOf: headers)
        return response
    }
}

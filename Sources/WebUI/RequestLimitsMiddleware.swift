import Hummingbird
import NIOCore

/// Refuses oversized requests before any handler runs: query strings over the cap get 414, declared bodies over
/// the cap get 413 (bodies without a declared length are capped again when handlers read them).
struct RequestLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxQueryBytes: Int
    let maxBodyBytes: Int
    /// The longest path accepted.
    static var maxPathBytes: Int { 1024 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let query = request.uri.query, query.utf8.count > maxQueryBytes {
            throw WebError(.uriTooLong, "The query string is too long (at most \(maxQueryBytes) bytes)")
        }
        if request.uri.path.utf8.count > Self.maxPathBytes {
            throw WebError(.uriTooLong, "The address is too long")
        }
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared), length >= 0 else {
                throw WebError(.badRequest, "The Content-Length header is not a number")
            }
            if length > maxBodyBytes {
                throw WebError(.contentTooLarge, "The request body is too large (at most \(maxBodyBytes) bytes)")
            }
        }
        return try await next(request, context)
    }
}

extension Request {
    /// The body, refused with 413 past `limit` bytes.
    ///
    /// Only a body that is too large is a 413: a client that stops sending halfway (or disconnects) gets a 400,
    /// which it will not read but which the log records for what it was.
    func collectBody(limit: Int) async throws(WebError) -> [UInt8] {
        do {
            let buffer = try await body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw WebError(.contentTooLarge, "The request body is too large (at most \(limit) bytes)")
        } catch {
            throw WebError(.badRequest, "The request body was not received completely")
        }
    }
}

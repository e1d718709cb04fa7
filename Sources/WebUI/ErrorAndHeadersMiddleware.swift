import Archive
import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: turns every error into a plain page or JSON body that shows no trace, path or
/// secret, and puts the security headers on every response, errors and 404s included.
struct ErrorAndHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The policy of every page: nothing but our own inline styles, `data:` images and same-origin frames (the
    /// sandboxed original); no script at all.
    static var pagePolicy: String {
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'"
    }

    let renderer: PageRenderer
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = errorResponse(error, request: request)
        }
        Self.addSecurityHeaders(&response.headers)
        return response
    }

    /// Adds the headers every response carries; a route that set a stricter policy of its own keeps it.
    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        if headers[.contentSecurityPolicy] == nil { headers[.contentSecurityPolicy] = pagePolicy }
        headers[.xContentTypeOptions] = "nosniff"
        if headers[HTTPField.Name.xFrameOptions] == nil { headers[HTTPField.Name.xFrameOptions] = "DENY" }
        headers[HTTPField.Name.referrerPolicy] = "no-referrer"
        headers[HTTPField.Name.crossOriginOpenerPolicy] = "same-origin"
        headers[HTTPField.Name.crossOriginResourcePolicy] = "same-origin"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }

    private func errorResponse(_ error: any Error, request: Request) -> Response {
        let status: HTTPResponse.Status
        let message: String
        var index: Int?
        var extraHeaders: HTTPFields = [:]
        switch error {
        case let error as WebError:
            status = error.status
            message = error.message
            index = error.index
            extraHeaders = error.headers
        case let error as ArchiveError:
            switch error.code {
            case .locked:
                status = .serviceUnavailable
                message = "The archive is busy; try again in a moment"
            case .notFound:
                status = .notFound
                message = "Not found in the archive"
            default:
                status = .internalServerError
                message = "The archive could not be read"
            }
            logger.error(
                "archive error serving request",
                metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
        case let error as any HTTPResponseError:
            status = error.status
            message = Self.sentence(for: error.status)
        default:
            status = .internalServerError
            message = "Internal error"
            logger.error(
                "unexpected error serving request",
                metadata: ["http.path": "\(request.uri.path)", "error.type": "\(type(of: error))"])
        }
        var response =
            Self.wantsJSON(request)
            ? JSONResponse.error(message, status: status, index: index)
            : HTMLResponse.page(
                renderer.render("error", ErrorPage(chrome: Chrome(signedIn: false), title: Self.title(for: status), message: message)),
                status: status)
        response.headers.append(contentsOf: extraHeaders)
        return response
    }

    /// API routes answer errors in JSON, pages in HTML.
    static func wantsJSON(_ request: Request) -> Bool { request.uri.path.hasPrefix("/api/") }

    static func title(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "Bad request"
        case 401: "Sign-in required"
        case 403: "Forbidden"
        case 404: "Not found"
        case 405: "Method not allowed"
        case 413: "Request too large"
        case 414: "Address too long"
        case 415: "Unsupported content type"
        case 500..<600: "Server error"
        default: "Request refused"
        }
    }

    static func sentence(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "There is nothing at this address"
        case 413: "The request body is too large"
        case 400..<500: "The request was refused (\(status.code))"
        default: "Internal error"
        }
    }
}

extension HTTPField.Name {
    static var xFrameOptions: Self { known("X-Frame-Options") }
    static var referrerPolicy: Self { known("Referrer-Policy") }
    static var crossOriginOpenerPolicy: Self { known("Cross-Origin-Opener-Policy") }
    static var crossOriginResourcePolicy: Self { known("Cross-Origin-Resource-Policy") }
    static var xOriginalSHA256: Self { known("X-Original-SHA256") }
    static var xOriginalIntact: Self { known("X-Original-Intact") }

    /// A header name written in this file: valid by construction.
    private static func known(_ name: String) -> Self {
        guard let field = Self(name) else { preconditionFailure("Invalid header name \(name)") }
        return field
    }
}

import Hummingbird

/// When a token is configured, every route but the sign-in form needs it: as `Authorization: Bearer …` or as the
/// login cookie. A wrong bearer token is refused even when a valid cookie comes with it.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AccessToken
    let renderer: PageRenderer
    /// The clock sessions expire by (Unix seconds).
    let now: @Sendable () -> Int64

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if request.uri.path == "/login" { return try await next(request, context) }
        switch token.check(request, now: now()) {
        case .bearer, .cookie:
            return try await next(request, context)
        case .missing, .wrong:
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer realm=\"fiscal-archive\""
            if ErrorAndHeadersMiddleware<Context>.wantsJSON(request) {
                throw WebError(.unauthorized, "Authentication required: send Authorization: Bearer <token>", headers: headers)
            }
            let page = LoginPage(
                chrome: Chrome(signedIn: false), message: nil, next: LoginRoutes.safeNext(request.uri.path))
            return HTMLResponse.page(renderer.render("login", page), status: .unauthorized, headers: headers)
        }
    }
}

/// What credentials a request carries.
enum Credential {
    case bearer, cookie, missing, wrong
}

extension AccessToken {
    /// Checks the request's bearer token, else its login cookie (expired at `now`: wrong).
    func check(_ request: Request, now: Int64) -> Credential {
        if let header = request.headers[.authorization] {
            guard let presented = Self.bearer(from: header), matches(presented) else { return .wrong }
            return .bearer
        }
        if let cookie = request.cookies[Self.cookieName] {
            return matchesCookie(cookie.value, now: now) ? .cookie : .wrong
        }
        return .missing
    }
}

import Hummingbird

/// The sign-in form that sets the login cookie, and sign-out.
enum LoginRoutes {
    /// Where to go after signing in: a local path only (`/…`, not `//host` or `/\host`), else `/`.
    static func safeNext(_ candidate: String?) -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.contains("\\"),
            candidate.count <= 512, !candidate.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }),
            candidate != "/login", candidate != "/logout"
        else { return "/" }
        return candidate
    }
}

extension WebRoutes {
    /// `GET /login`.
    func loginForm(_ request: Request) throws -> Response {
        guard token != nil else { return HTMLResponse.redirect(to: "/") }
        let fields = try FormFields.decode(LoginFields.self, from: request.uri.query)
        let page = LoginPage(chrome: Chrome(signedIn: false), message: nil, next: LoginRoutes.safeNext(FormFields.text(fields.next)))
        return HTMLResponse.page(renderer.render("login", page))
    }

    /// `POST /login`: checks the token (constant time) and sets the HttpOnly, SameSite=Strict cookie.
    func login(_ request: Request) async throws -> Response {
        guard let token else { return HTMLResponse.redirect(to: "/") }
        let body = try await request.collectBody(limit: configuration.maxBodyBytes)
        let fields = try FormFields.decode(LoginFields.self, from: String(decoding: body, as: UTF8.self))
        let next = LoginRoutes.safeNext(FormFields.text(fields.next))
        guard let presented = fields.token, token.matches(presented) else {
            logger.notice("web sign-in refused")
            let page = LoginPage(chrome: Chrome(signedIn: false), message: "That is not the access token.", next: next)
            return HTMLResponse.page(renderer.render("login", page), status: .unauthorized)
        }
        var response = HTMLResponse.redirect(to: next)
        response.setCookie(
            Cookie(
                name: AccessToken.cookieName, value: token.cookieValue(now: configuration.now()),
                maxAge: Int(AccessToken.sessionLifetime), path: "/",
                secure: configuration.secureCookie, httpOnly: true, sameSite: .strict))
        return response
    }

    /// `POST /logout`: clears the cookie.
    func logout(_ request: Request) -> Response {
        var response = HTMLResponse.redirect(to: token == nil ? "/" : "/login")
        response.setCookie(
            Cookie(
                name: AccessToken.cookieName, value: "", maxAge: 0, path: "/", secure: configuration.secureCookie,
                httpOnly: true, sameSite: .strict))
        return response
    }
}

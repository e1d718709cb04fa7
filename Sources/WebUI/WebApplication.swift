import Archive
import Hummingbird
import Logging

/// Builds the web UI and JSON API server for `fiscal-archive serve` (and `run --serve`).
///
/// Refuses to build when the configuration is unsafe: a non-loopback host without an access token, or a token
/// too short (``WebConfiguration/validate()``). The returned application is a `Service`: run it with
/// `runService()` or put it in a `ServiceGroup` beside the scheduler.
public func buildWebApplication(
    archive: any ArchiveStore, configuration: WebConfiguration, logger: Logger
) throws(WebConfigurationError) -> some ApplicationProtocol {
    try configuration.validate()
    let router = buildWebRouter(archive: archive, configuration: configuration, logger: logger)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        logger: logger)
}

/// The router of the web UI: every route, behind the error/headers, limits and (with a token) auth middleware.
///
/// The test seam: `Application(router: buildWebRouter(…)).test(.router) { … }`. It does not validate the host
/// (``buildWebApplication(archive:configuration:logger:)`` does).
public func buildWebRouter(
    archive: any ArchiveStore, configuration: WebConfiguration, logger: Logger
) -> Router<BasicRequestContext> {
    let renderer: PageRenderer
    do {
        renderer = try PageRenderer()
    } catch {
        // The templates are constants compiled into the module; the tests render every one of them.
        preconditionFailure("The web UI templates do not parse: \(error)")
    }
    let token = configuration.effectiveToken.map(AccessToken.init)
    let routes = WebRoutes(
        archive: archive, configuration: configuration, logger: logger, renderer: renderer, token: token,
        reports: ReportGate(configuration.reportRenderer))

    let router = Router(context: BasicRequestContext.self)
    // Middleware first: routes added afterwards are wrapped by it (and so is the not-found responder).
    router.add(middleware: ErrorAndHeadersMiddleware(renderer: renderer, logger: logger))
    router.add(
        middleware: RequestLimitsMiddleware(
            maxQueryBytes: configuration.maxQueryBytes, maxBodyBytes: configuration.maxBodyBytes))
    if let token {
        router.add(middleware: AuthMiddleware(token: token, renderer: renderer, now: configuration.now))
    }

    router.addRoutes(routes.collection())
    return router
}

extension WebRoutes {
    /// Every route of the web UI and the JSON API. `GET` routes only read; what changes state is a `POST`.
    func collection() -> RouteCollection<BasicRequestContext> {
        let routes = RouteCollection(context: BasicRequestContext.self)
        routes.get("/") { request, _ in home(request) }
        routes.get("/search") { request, _ in try await searchPage(request) }
        routes.get("/receipts/:id") { request, context in try await receiptPage(request, context: context) }
        routes.get("/receipts/:id/original") { request, context in try await original(request, context: context) }
        routes.get("/months") { request, _ in try await monthsPage(request) }
        routes.get("/months/:file") { request, context in try await monthReport(request, context: context) }
        routes.get("/status") { request, _ in try await statusPage(request) }
        routes.get("/metrics") { _, _ in try await metrics() }
        routes.get("/login") { request, _ in try loginForm(request) }
        routes.post("/login") { request, _ in try await login(request) }
        routes.post("/logout") { request, _ in logout(request) }

        routes.post("/api/transactions") { request, _ in try await ingest(request) }
        routes.get("/api/receipts/:id") { request, context in try await receiptJSON(request, context: context) }
        routes.get("/api/search") { request, _ in try await searchJSON(request) }
        return routes
    }
}

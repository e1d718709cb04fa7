import Archive
import FiscalCore
import Hummingbird

extension WebRoutes {
    /// `POST /api/transactions`: tracks one transaction or a list, all or nothing.
    ///
    /// Always needs the token as `Authorization: Bearer …` (a browser's login cookie is not enough, so no page can
    /// make a signed-in auditor's browser track anything); with no token configured the endpoint is disabled (403).
    func ingest(_ request: Request) async throws -> Response {
        guard let token else { throw WebError(.forbidden, "ingest disabled: no token configured") }
        guard token.check(request, now: configuration.now()) == .bearer else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer realm=\"fiscal-archive\""
            throw WebError(.unauthorized, "The ingest API needs Authorization: Bearer <token>", headers: headers)
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw WebError(.unsupportedMediaType, "Send the body as Content-Type: application/json")
        }
        let bytes = try await request.collectBody(limit: configuration.maxBodyBytes)
        let requests = try IngestRequest.parse(bytes, maxItems: configuration.maxIngestItems)
        let summary: TrackSummary
        do {
            summary = try await archive.track(requests, now: configuration.now())
        } catch {
            guard error.code == .conflict || error.code == .invalid else { throw error }
            throw WebError(.conflict, error.message)
        }
        logger.info(
            "transactions tracked through the API",
            metadata: ["track.added": "\(summary.added)", "track.already_known": "\(summary.alreadyKnown)"])
        return JSONResponse.body(
            .object([("added", .integer(Int64(summary.added))), ("already_known", .integer(Int64(summary.alreadyKnown)))]),
            status: summary.added > 0 ? .created : .ok)
    }

    /// `GET /api/receipts/{id}`: the parsed receipt in the `parse --json` form, with the original's integrity.
    func receiptJSON(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = try Self.transactionID(context)
        guard let archived = try await archive.receipt(for: id) else {
            throw WebError(.notFound, "No receipt is archived for transaction \(id)")
        }
        let original = try await archive.original(for: id)
        var members: [(String, ExactJSON)] = [("transactionId", .integer(id.rawValue))]
        members += archived.receipt.jsonMembers.map { ($0.key, $0.value) }
        members.append(("warnings", .array(archived.warnings.map(ExactJSON.string))))
        members.append((
            "original",
            .object([
                ("url", .string(archived.originalURL)), ("sha256", .string(archived.originalSHA256)),
                ("fetchedAt", .string(Tashkent.iso8601(epochSeconds: archived.fetchedAt))),
                ("intact", original.map { ExactJSON.bool($0.hashMatches && $0.sha256 == archived.originalSHA256) } ?? .null),
            ])
        ))
        return JSONResponse.body(.object(members))
    }

    /// `GET /api/search?q=…`: the same search as the page, as JSON.
    func searchJSON(_ request: Request) async throws -> Response {
        let search = try SearchRequest(FormFields.decode(SearchFields.self, from: request.uri.query))
        let (hits, hasMore) = try await run(search)
        return JSONResponse.body(
            .object([
                ("query", .string(search.interpretation)), ("page", .integer(Int64(search.page))),
                ("pageSize", .integer(Int64(configuration.pageSize))), ("hasMore", .bool(hasMore)),
                ("hits", .array(hits.map { ReceiptJSON.hit($0.0, matchedBy: $0.1) })),
            ]))
    }
}

import Archive
import FiscalCore
import Hummingbird
import Logging

/// The handlers of the web UI and the JSON API, sharing the archive, the configuration and the templates.
struct WebRoutes: Sendable {
    let archive: any ArchiveStore
    let configuration: WebConfiguration
    let logger: Logger
    let renderer: PageRenderer
    let token: AccessToken?
    let reports: ReportGate

    /// The frame of a page for this request: "Sign out" only for cookie sessions.
    func chrome(_ request: Request) -> Chrome {
        guard let token else { return Chrome(signedIn: false) }
        return Chrome(signedIn: token.check(request, now: configuration.now()) == .cookie)
    }

    // MARK: - Search

    /// `GET /`.
    func home(_ request: Request) -> Response {
        HTMLResponse.page(renderer.render("home", HomePage(chrome: chrome(request), form: SearchForm())))
    }

    /// `GET /search`.
    func searchPage(_ request: Request) async throws -> Response {
        let fields = try FormFields.decode(SearchFields.self, from: request.uri.query)
        let search: SearchRequest
        do {
            search = try SearchRequest(fields)
        } catch {
            var form = SearchForm()
            form.q = FormFields.text(fields.q) ?? ""
            let page = SearchPage(
                chrome: chrome(request), form: form, error: error.message, interpretation: "", hits: [],
                hasHits: false, page: 1, prev: nil, next: nil)
            return HTMLResponse.page(renderer.render("search", page), status: error.status)
        }
        let (hits, hasMore) = try await run(search)
        let rows = hits.map { hit, matchedBy in
            HitRow(
                id: hit.transactionID.description, link: Display.receiptPath(hit.transactionID),
                type: hit.type.rawValue, paidAt: Display.time(hit.paidAt ?? hit.issuedAt),
                amount: Display.money(hit.amount ?? hit.receiptTotal), status: Display.status(hit.status),
                seller: hit.sellerName ?? "—", sellerTIN: hit.sellerTIN ?? "", fiscalSign: hit.fiscalSign ?? "—",
                terminalReceipt: hit.terminalID.map { "\($0)/\(hit.receiptNumber ?? "")" } ?? "—",
                receiptKind: Display.kind(hit.receiptKind), state: Display.state(hit.state),
                stateClass: Self.stateClass(hit.state), matchedBy: search.lookups.count > 1 ? matchedBy : nil)
        }
        let page = SearchPage(
            chrome: chrome(request), form: search.form, error: nil, interpretation: search.interpretation,
            hits: rows, hasHits: !rows.isEmpty, page: search.page,
            prev: search.page > 1 ? "/search" + search.query(page: search.page - 1) : nil,
            next: hasMore ? "/search" + search.query(page: search.page + 1) : nil)
        return HTMLResponse.page(renderer.render("search", page))
    }

    /// Runs every lookup of a search and merges the hits (first match wins), one page of them.
    func run(_ search: SearchRequest) async throws -> (hits: [(LookupHit, String)], hasMore: Bool) {
        let size = configuration.pageSize
        let offset = (search.page - 1) * size
        if search.lookups.count == 1, let only = search.lookups.first {
            let query = LookupQuery(only.criterion, dates: search.dates, amounts: search.amounts)
            let hits = try await archive.lookup(query, limit: size + 1, offset: offset)
            return (hits.prefix(size).map { ($0, only.label) }, hits.count > size)
        }
        var merged: [(LookupHit, String)] = []
        var seen: Set<TransactionID> = []
        for lookup in search.lookups {
            let query = LookupQuery(lookup.criterion, dates: search.dates, amounts: search.amounts)
            for hit in try await archive.lookup(query, limit: offset + size + 1, offset: 0)
            where seen.insert(hit.transactionID).inserted {
                merged.append((hit, lookup.label))
            }
        }
        let page = merged.dropFirst(offset).prefix(size)
        return (Array(page), merged.count > offset + size)
    }

    /// The colour of a pipeline state.
    static func stateClass(_ state: PipelineState) -> String {
        switch state {
        case .archived: "ok"
        case .failed: "bad"
        case .waiting: "warn"
        default: ""
        }
    }
}

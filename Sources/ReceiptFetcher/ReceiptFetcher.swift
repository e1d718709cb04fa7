import AsyncHTTPClient
import Crypto
import FiscalCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ReceiptParser

/// A downloaded receipt document, exactly as received, with how it was classified.
public struct FetchedReceipt: Sendable {
    /// The body bytes exactly as received.
    public var bytes: [UInt8]
    /// The receipt link the bytes answer (also after redirects, and for the JSON fallback).
    public var url: String
    /// The HTTP status of the final answer.
    public var httpStatus: Int
    /// The `Content-Type` header, if any.
    public var contentType: String?
    /// When the answer arrived (Unix seconds).
    public var fetchedAt: Int64
    /// `html` for the page, `json` for the JSON API fallback.
    public var format: FiscalReceipt.Source
    /// What the document is.
    public var state: PageState
}

/// Downloads receipt pages from allowlisted hosts, with a size cap, timeouts, redirects kept inside the
/// allowlist, a request-rate limit, and the JSON API as a fallback when the page is an SPA shell.
public final class ReceiptFetcher: Sendable {
    /// How the fetcher behaves.
    public struct Configuration: Sendable {
        /// Hosts that may be contacted (pages, redirects and the JSON API alike).
        public var allowlist: HostAllowlist
        /// Largest body accepted, in bytes.
        public var maxBytes: Int
        /// Timeout of one request.
        public var timeout: TimeAmount
        /// Redirects followed at most (each checked against the allowlist).
        public var maxRedirects: Int
        /// At most this many requests per second to the receipt site (0: unlimited).
        public var requestsPerSecond: Int
        /// The JSON receipt API used when a page is an SPA shell; `nil` disables the fallback.
        public var jsonAPI: JSONAPI?

        /// The JSON receipt API endpoint and its signing key (from the user's configuration, never shipped).
        public struct JSONAPI: Sendable, CustomStringConvertible {
            public var url: String
            public var signingKey: String

            public init(url: String, signingKey: String) {
                self.url = url
                self.signingKey = signingKey
            }

            /// Redacts the key.
            public var description: String { "JSONAPI(url: \(url), signingKey: <redacted>)" }
        }

        public init(
            allowlist: HostAllowlist = .official, maxBytes: Int = 2 << 20, timeout: TimeAmount = .seconds(20),
            maxRedirects: Int = 5, requestsPerSecond: Int = 10, jsonAPI: JSONAPI? = nil
        ) {
            self.allowlist = allowlist
            self.maxBytes = maxBytes
            self.timeout = timeout
            self.maxRedirects = maxRedirects
            self.requestsPerSecond = requestsPerSecond
            self.jsonAPI = jsonAPI
        }
    }

    private let configuration: Configuration
    private let httpClient: HTTPClient
    private let logger: Logger
    private let limiter: RateLimiter
    private let now: @Sendable () -> Int64

    /// Creates a fetcher on a shared client. The client must not follow redirects by itself
    /// (`redirectConfiguration: .disallow`): the fetcher follows them, checking each against the allowlist.
    public init(
        configuration: Configuration, httpClient: HTTPClient, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.limiter = RateLimiter(perSecond: configuration.requestsPerSecond)
        self.now = now
    }

    /// Downloads a receipt link and classifies it; an SPA shell is replaced by the JSON API's answer when the
    /// API is configured.
    public func fetch(_ link: String) async throws(FetchError) -> FetchedReceipt {
        guard let url = URL(string: link), url.scheme != nil, url.host != nil else {
            throw FetchError(.badURL, url: link, reason: "not an absolute URL")
        }
        guard configuration.allowlist.allows(url) else {
            throw FetchError(
                .hostNotAllowed, url: link,
                reason: "host \(url.host ?? "?") is not in the receipt host allowlist (\(configuration.allowlist))")
        }
        var page = try await get(url, original: link)
        page.state = ReceiptPageParser.classify(html: page.bytes)
        guard page.state == .spaShell, let api = configuration.jsonAPI else { return page }
        logger.debug("Receipt page is an SPA shell; asking the JSON API", metadata: ["receipt.url": "\(link)"])
        return try await fetchFromAPI(api, link: link)
    }

    // MARK: - HTTP

    private func get(_ start: URL, original: String) async throws(FetchError) -> FetchedReceipt {
        var url = start
        for _ in 0...configuration.maxRedirects {
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .GET
            request.headers.add(name: "Accept", value: "text/html,application/xhtml+xml")
            request.headers.add(name: "User-Agent", value: "fiscal-archive/1.0")
            let (response, body) = try await execute(request, url: url.absoluteString)
            if (300..<400).contains(Int(response.status.code)) {
                guard let location = response.headers.first(name: "Location"),
                    let next = URL(string: location, relativeTo: url)?.absoluteURL
                else {
                    throw FetchError(.badRedirect, url: original, reason: "redirect without a usable Location")
                }
                guard configuration.allowlist.allows(next) else {
                    throw FetchError(
                        .badRedirect, url: original,
                        reason: "redirect to \(next.absoluteString) leaves the receipt host allowlist")
                }
                url = next
                continue
            }
            var fetched = try document(response: response, body: body, url: url.absoluteString, format: .html)
            if url != start {
                logger.debug("Receipt link redirected", metadata: ["receipt.url": "\(original)", "receipt.final_url": "\(url)"])
            }
            // The archive keys originals by the receipt link they answer, whatever redirects led to the bytes.
            fetched.url = original
            return fetched
        }
        throw FetchError(.badRedirect, url: original, reason: "more than \(configuration.maxRedirects) redirects")
    }

    private func fetchFromAPI(_ api: Configuration.JSONAPI, link: String) async throws(FetchError) -> FetchedReceipt {
        guard let apiURL = URL(string: api.url), configuration.allowlist.allows(apiURL) else {
            throw FetchError(.hostNotAllowed, url: api.url, reason: "the JSON receipt API host is not in the allowlist")
        }
        let reference: ReceiptReference
        do {
            reference = try ReceiptReference(url: link)
        } catch {
            throw FetchError(.badURL, url: link, reason: error.reason)
        }
        let timestamp = String(now())
        let payload = ReceiptAPIRequest(reference: reference)
        let signature = HMAC<SHA256>.authenticationCode(
            for: Array("\(reference.terminalID):\(reference.receiptNumber):\(timestamp)".utf8),
            using: SymmetricKey(data: Array(api.signingKey.utf8)))
        var request = HTTPClientRequest(url: api.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "x-timestamp", value: timestamp)
        request.headers.add(name: "x-signature", value: signature.map { String(format: "%02x", $0) }.joined())
        request.body = .bytes(ByteBuffer(bytes: payload.encoded()))
        let (response, body) = try await execute(request, url: api.url)
        var document = try document(response: response, body: body, url: api.url, format: .json)
        document.state = ReceiptJSONParser.classify(json: document.bytes)
        // The payload stands for the receipt at `link` (the API answers every receipt at one URL): keep the link as
        // the document's identity, so the archive knows which receipt link this original answers.
        document.url = link
        return document
    }

    private func execute(_ request: HTTPClientRequest, url: String) async throws(FetchError)
        -> (HTTPClientResponse, [UInt8])
    {
        await limiter.wait()
        do {
            let response = try await httpClient.execute(request, timeout: configuration.timeout)
            if let length = response.headers.first(name: "Content-Length").flatMap(Int.init),
                length > configuration.maxBytes
            {
                throw FetchError(.tooLarge, url: url, reason: "\(length) bytes exceed the \(configuration.maxBytes)-byte cap")
            }
            let buffer = try await response.body.collect(upTo: configuration.maxBytes)
            return (response, Array(buffer.readableBytesView))
        } catch let error as FetchError {
            throw error
        } catch is NIOTooManyBytesError {
            throw FetchError(.tooLarge, url: url, reason: "the body exceeds the \(configuration.maxBytes)-byte cap")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout
            || error == .connectTimeout
        {
            throw FetchError(.timeout, url: url, reason: "timed out (\(error))")
        } catch {
            throw FetchError(.connection, url: url, reason: "connection failed (\(error))")
        }
    }

    private func document(
        response: HTTPClientResponse, body: [UInt8], url: String, format: FiscalReceipt.Source
    ) throws(FetchError) -> FetchedReceipt {
        let status = Int(response.status.code)
        switch status {
        case 200..<300, 404:
            // A 404 page is kept: it is classified (not found / not registered yet), never parsed as a receipt.
            return FetchedReceipt(
                bytes: body, url: url, httpStatus: status, contentType: response.headers.first(name: "Content-Type"),
                fetchedAt: now(), format: format, state: .unrecognized)
        case 429:
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
            throw FetchError(.rateLimited, url: url, reason: "HTTP 429 Too Many Requests", retryAfter: retryAfter)
        case 500..<600:
            throw FetchError(.serverError, url: url, reason: "HTTP \(status)")
        default:
            throw FetchError(.unexpectedStatus, url: url, reason: "HTTP \(status)")
        }
    }
}

/// The body of a JSON receipt API request.
struct ReceiptAPIRequest: Encodable {
    var terminalId: String
    var paymentNo: String
    var paymentDate: String
    var fiscalSign: String
    var paymentType: String

    init(reference: ReceiptReference) {
        terminalId = reference.terminalID
        paymentNo = reference.receiptNumber
        paymentDate = reference.dateTimeCode
        fiscalSign = reference.fiscalSign
        paymentType = switch reference.pageKind {
        case .check: "CHECK"
        case .advance: "AVANS"
        case .credit: "CREDIT"
        case .epi, .root: "CHECK_EPI"
        }
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map(Array.init) ?? []
    }
}

/// Spaces requests out to at most `perSecond` per second.
actor RateLimiter {
    private let interval: Duration
    private var nextSlot: ContinuousClock.Instant

    init(perSecond: Int) {
        interval = perSecond > 0 ? .nanoseconds(1_000_000_000 / Int64(perSecond)) : .zero
        nextSlot = .now
    }

    func wait() async {
        guard interval > .zero else { return }
        let now = ContinuousClock.now
        let slot = max(now, nextSlot)
        nextSlot = slot + interval
        if slot > now { try? await Task.sleep(until: slot, clock: .continuous) }
    }
}

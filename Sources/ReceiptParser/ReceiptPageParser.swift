import FiscalCore

/// Parses the legacy server-rendered receipt pages of `ofd.soliq.uz` (`/epi`, `/check`, `/epi/avans`,
/// `/epi/kredit`) into a ``FiscalReceipt``.
///
/// The page is parsed by libxml2 with error recovery; rows are the innermost table rows (`tr[not(.//tr)]`: the
/// outer wrapper row contains the whole receipt) and every field is found by its label, compared after
/// whitespace, case and apostrophe normalisation — never by position. Money is read digit by digit into tiyin.
public enum ReceiptPageParser {
    /// XPath of the innermost table rows; the receipt's labels and values live only there. ``PageScan`` collects
    /// the same rows in one walk (a test checks they agree).
    static let innermostRowsXPath = "//tr[not(.//tr)]"
    /// XPath of the wrapper every legacy receipt page has.
    static let ticketWrapXPath = "//div[contains(concat(' ', normalize-space(@class), ' '), ' ticket-wrap ')]"
    /// XPath of the SPA shell's mount point.
    static let spaRootXPath = "//div[@id='root' or @id='app']"

    /// Classifies a page without extracting the receipt.
    public static func classify(html: [UInt8]) -> PageState {
        guard let document = HTMLDocument(parsing: html) else { return .unrecognized }
        return classify(document, scan: PageScan(document))
    }

    /// Parses a receipt page.
    ///
    /// - Parameters:
    ///   - html: the page bytes as downloaded (UTF-8).
    ///   - reference: the receipt link, if known: it supplies the fiscal sign when the page does not show it
    ///     (`/check`), the seconds of the issue time when its `c` names the same minute, and advance/credit
    ///     for `/epi/avans` and `/epi/kredit` links.
    /// - Throws: ``ReceiptParseError`` with state `.spaShell`, `.notFound` or `.unrecognized` when the page is not
    ///   a receipt, and with state `.receipt` naming the field and its row label when a field is missing or
    ///   malformed.
    public static func parse(html: [UInt8], reference: ReceiptReference? = nil) throws(ReceiptParseError)
        -> ParsedReceipt
    {
        guard let document = HTMLDocument(parsing: html) else {
            throw ReceiptParseError(state: .unrecognized, reason: "empty input or no HTML document")
        }
        let scan = PageScan(document)
        let state = classify(document, scan: scan)
        switch state {
        case .receipt: break
        case .spaShell: throw ReceiptParseError(state: state, location: spaRootXPath, reason: "no ticket-wrap, only a script mount point")
        case .notFound: throw ReceiptParseError(state: state, reason: "the page says the receipt was not found")
        case .unrecognized: throw ReceiptParseError(state: state, reason: "no receipt table, SPA shell or not-found message")
        }
        var extraction = PageExtraction(document: document, scan: scan, reference: reference)
        let receipt = try extraction.receipt()
        return ParsedReceipt(receipt: receipt, warnings: ConsistencyCheck.warnings(for: receipt))
    }

    // MARK: - Classification

    static func classify(_ document: HTMLDocument, scan: PageScan) -> PageState {
        if scan.hasTicketWrap {
            // The template without any item and with a "not found" message is the viewer's answer for an unknown
            // receipt, not a broken receipt.
            if !scan.innermostRows.contains(where: { $0.hasClass("products-row") }), looksNotFound(document) {
                return .notFound
            }
            return .receipt
        }
        if scan.innermostRows.contains(where: { row in
            let cells = row.children(named: "td")
            return cells.count >= 2 && TextNormalization.labelKey(cells[0].text) == "jami to'lov"
        }) {
            return .receipt
        }
        if scan.hasSPARoot { return .spaShell }
        if looksNotFound(document) { return .notFound }
        return .unrecognized
    }

    /// Phrases of the viewer's (and a generic server's) not-found answers, compared on label keys.
    static let notFoundPhrases = [
        "topilmadi", "not found", "не найден", "мавжуд эмас", "mavjud emas", "ro'yxatdan o'tmagan",
    ]

    private static func looksNotFound(_ document: HTMLDocument) -> Bool {
        for node in document.nodes("//title | //h1 | //h2 | //h3 | //h4 | //p | //div[not(.//div)]") {
            let key = TextNormalization.labelKey(node.text)
            guard !key.isEmpty, key.count < 400 else { continue }
            if notFoundPhrases.contains(where: { key.contains($0) }) { return true }
            if node.isElement("title") || node.isElement("h1"), key.hasPrefix("404") || key.contains("(#404)") {
                return true
            }
        }
        return false
    }
}

import CLibXML2
import FiscalCore

/// Parses the legacy server-rendered receipt pages of `ofd.soliq.uz` (`/epi`, `/check`, `/epi/avans`,
/// `/epi/kredit`) into a ``FiscalReceipt``.
///
/// The page is read by libxml2 with error recovery, in one streaming pass (``StreamingExtractor``); rows are the
/// innermost table rows (the outer wrapper row contains the whole receipt) and every field is found by its label
/// (``Labels``), compared after whitespace, case and apostrophe normalisation. Money, quantities and rates are read
/// digit by digit by ``DecimalGrammar``. ``Extractor/tree`` is the reference implementation the tests hold the
/// streaming one to.
public enum ReceiptPageParser {
    /// Which extractor reads the page.
    public enum Extractor: Sendable, Hashable, CaseIterable {
        /// libxml2's SAX interface, no tree: the production path.
        case streaming
        /// libxml2's tree, walked: the reference.
        case tree
    }

    /// libxml2's options for both extractors: recover, silent, no network.
    static let parseOptions = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
        | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue)

    /// XPath of the innermost table rows (what both extractors call rows; a test checks the tree walk agrees).
    static let innermostRowsXPath = "//tr[not(.//tr)]"
    /// XPath of the SPA shell's mount point (named in errors).
    static let spaRootXPath = "//div[@id='root' or @id='app']"

    static func facts(html: [UInt8], extractor: Extractor) -> PageFacts {
        switch extractor {
        case .streaming: StreamingExtractor.facts(html: html) ?? PageFacts()
        case .tree: TreeExtractor.facts(html: html) ?? PageFacts()
        }
    }

    /// Classifies a page without extracting the receipt.
    public static func classify(html: [UInt8], extractor: Extractor = .streaming) -> PageState {
        ReceiptAssembly.classify(facts(html: html, extractor: extractor))
    }

    /// Parses a receipt page.
    ///
    /// - Parameters:
    ///   - html: the page bytes as downloaded (UTF-8).
    ///   - reference: the receipt link, if known: it supplies the fiscal sign when the page does not show it
    ///     (`/check`), the seconds of the issue time when its `c` names the same minute, and advance/credit
    ///     for `/epi/avans` and `/epi/kredit` links.
    ///   - extractor: ``Extractor/streaming`` (default) or the reference ``Extractor/tree``.
    /// - Throws: ``ReceiptParseError`` with state `.spaShell`, `.notFound` or `.unrecognized` when the page is not
    ///   a receipt, and with state `.receipt` naming the field and its row label when a field is missing or
    ///   malformed.
    public static func parse(html: [UInt8], reference: ReceiptReference? = nil, extractor: Extractor = .streaming)
        throws(ReceiptParseError) -> ParsedReceipt
    {
        guard !html.isEmpty else {
            throw ReceiptParseError(state: .unrecognized, reason: "empty input or no HTML document")
        }
        return try ReceiptAssembly.parse(facts(html: html, extractor: extractor), reference: reference)
    }
}

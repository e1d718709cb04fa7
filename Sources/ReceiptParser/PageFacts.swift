/// Everything the receipt is built from, as one of the two extractors collects it from a page: the streaming
/// one (``StreamingExtractor``, libxml2's SAX interface, no tree) or the reference one (``TreeExtractor``, walking
/// libxml2's tree). ``ReceiptAssembly`` turns the facts into a receipt, so the two parsers can differ only here,
/// and the tests compare the facts of both on every page they have.
///
/// Texts are raw: entities decoded, comments excluded, whitespace as in the page (libxml2's own text content).
struct PageFacts: Equatable {
    /// A `div` with class `ticket-wrap` exists.
    var hasTicketWrap = false
    /// A `div` with id `root` or `app` (the SPA mount point) exists.
    var hasSPARoot = false
    /// Texts of `title`, `h1`…`h4`, `p` and innermost `div` elements (no `div` below them), where a not-found
    /// message would be; `title`/`h1` texts are flagged for the `404` rule. Left empty when
    /// ``readsMessageTexts`` is false: on a real receipt page one innermost `div` holds the whole receipt's text.
    var messageTexts: [MessageText] = []
    /// `h3` elements in document order.
    var headings: [Heading] = []
    /// Innermost table rows (`tr` without a `tr` below them), in document order.
    var rows: [Row] = []

    /// Whether classification reads ``messageTexts``: not for a page with a `ticket-wrap` and a product row, which
    /// is a receipt whatever its messages say (``ReceiptAssembly/classify(_:)``). Both extractors collect the
    /// texts only when this holds, once the rest of the facts are known.
    var readsMessageTexts: Bool { !(hasTicketWrap && rows.contains(where: \.isProductsRow)) }

    struct MessageText: Equatable {
        var text: String
        /// A `title` or `h1`.
        var isTitle: Bool
    }

    struct Heading: Equatable {
        var text: String
        /// The `style` attribute, if any.
        var style: String?
        /// The nearest enclosing `td`: its own text nodes concatenated (the seller's address; `nil` outside a
        /// cell) and the texts of its `i` children (the seller's TIN).
        var cellOwnText: String?
        var cellItalics: [String]
    }

    struct Row: Equatable {
        /// Inside a `table.products-tables` (an item row).
        var inProductsTable: Bool
        /// The row's class lists `products-row`.
        var isProductsRow: Bool
        /// Whether any element follows the row's nearest enclosing `table` in document order (a truncated
        /// download ends inside the receipt table, and libxml2 closes it without anything after); `true` for a
        /// row outside any table.
        var tableHasFollowingElement: Bool
        /// The `td` children, in order.
        var cells: [Cell]
    }

    struct Cell: Equatable {
        /// All text below the cell.
        var text: String
        /// The cell's class lists `price-sum`.
        var isPriceSum: Bool
        /// Texts of `span.left` elements below the cell ("Chek raqami : <b>84229</b>").
        var spans: [String]
        /// The text of the cell's only element child when that child is a `b` (the terminal id); else `nil`.
        var onlyBold: String?
        /// Texts of the cell's `i` children ("07.04.2026, 10:57").
        var italics: [String]
        /// When a `.markirovka_class` badge is below the cell: the texts of the first badge's following element
        /// siblings joined by a space (the marking codes); else `nil`.
        var markingCode: String?
    }
}

// The values the page templates render. Every field is plain text (or a flag, or a list) and is printed with
// mustache's escaping `{{ }}`: no model carries HTML.

/// What every page's frame needs.
struct Chrome {
    /// Whether a token is configured (then the "Sign out" button is shown to cookie sessions).
    var signedIn: Bool
}

/// The search form's current values.
struct SearchForm {
    var q = ""
    var terminal = ""
    var receipt = ""
    var from = ""
    var to = ""
    var min = ""
    var max = ""
    /// Whether any filter is set (the filters panel opens).
    var hasFilters = false
}

/// `GET /`.
struct HomePage {
    var chrome: Chrome
    var form: SearchForm
}

/// One result row.
struct HitRow {
    var id: String
    var link: String
    var type: String
    var paidAt: String
    var amount: String
    var status: String
    var seller: String
    var sellerTIN: String
    var fiscalSign: String
    var terminalReceipt: String
    var receiptKind: String
    var state: String
    var stateClass: String
    /// What matched, when the search ran several lookups.
    var matchedBy: String?
}

/// `GET /search`.
struct SearchPage {
    var chrome: Chrome
    var form: SearchForm
    var error: String?
    /// How the query was understood ("fiscal sign 088681055845").
    var interpretation: String
    var hits: [HitRow]
    var hasHits: Bool
    var page: Int
    var prev: String?
    var next: String?
}

/// A labelled value in a definition list.
struct Fact {
    var label: String
    var value: String
    /// Set when the value is a safe http(s) link.
    var link: String?
    /// A CSS class for the value (`bad`, `ok`, `mono`).
    var style: String = ""
}

/// One line of a rendered receipt.
struct ItemRow {
    var number: Int
    var name: String
    var quantity: String
    var unit: String?
    var lineTotal: String
    var discount: String?
    var other: String?
    var vat: String
    var mxik: String?
    var barcode: String?
    var markingCode: String?
    var commissioner: String?
}

/// The parsed receipt, laid out like the paper one.
struct ReceiptCard {
    var kind: String
    var sellerName: String
    var sellerTIN: String
    var sellerAddress: String
    var marketplace: String?
    var cashRegister: String?
    var terminal: String
    var number: String
    var fiscalSign: String
    var issuedAt: String
    var items: [ItemRow]
    var total: String
    var vatTotal: String
    var cash: String
    var card: String
    var cardType: String?
    var rrn: String?
    var source: String
}

/// The original's integrity and how to see it.
struct IntegrityView {
    var intact: Bool
    var sha256: String
    var facts: [Fact]
    var frameSource: String
    var textLink: String
    var downloadLink: String
    var isHTML: Bool
}

/// A row of the events table.
struct EventRow {
    var kind: String
    var amount: String
    var occurredAt: String
    var source: String
    var note: String
}

/// A row of the operations table.
struct OperationRow {
    var id: String
    var kind: String
    var amount: String
    var state: String
    var user: String
    var createdAt: String
    var completedAt: String
    var reason: String
}

/// `GET /receipts/{id}`.
struct ReceiptPage {
    var chrome: Chrome
    var id: String
    var type: String
    var state: String
    var stateClass: String
    var facts: [Fact]
    var receipt: ReceiptCard?
    var noReceipt: String?
    var warnings: [String]
    var notices: [String]
    var integrity: IntegrityView?
    var noOriginal: Bool
    var events: [EventRow]
    var operations: [OperationRow]
    var history: [Fact]
}

/// A row of the months list.
struct MonthRow {
    var label: String
    var value: String
    var htmlLink: String?
    var csvLink: String?
}

/// `GET /months`.
struct MonthsPage {
    var chrome: Chrome
    var months: [MonthRow]
    var reportsEnabled: Bool
}

/// A transaction that needs attention, on the status page.
struct AttentionRow {
    var id: String
    var link: String
    var step: String
    var reason: String
    var attempts: String
    var nextAttempt: String
}

/// `GET /status`.
struct StatusPage {
    var chrome: Chrome
    var states: [Fact]
    var totals: [Fact]
    var failures: [AttentionRow]
    var waiting: [AttentionRow]
}

/// `GET /login` and the 401 page.
struct LoginPage {
    var chrome: Chrome
    var message: String?
    var next: String
}

/// Any error page.
struct ErrorPage {
    var chrome: Chrome
    var title: String
    var message: String
}

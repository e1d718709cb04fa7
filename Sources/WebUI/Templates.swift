// The page templates. Every value is printed with `{{ }}`, which HTML-escapes `< > & " '`; there is no `{{{ }}}`
// or `{{& }}` anywhere (a test checks), so receipt text can never become markup. Pages extend `layout` through
// mustache inheritance instead of pasting rendered HTML into it.

enum Templates {
    /// Name → template text.
    static let all: [String: String] = [
        "layout": layout, "css": Stylesheet.css, "searchForm": searchForm, "home": home, "search": search,
        "receipt": receipt, "months": months, "status": status, "login": login, "error": error,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{{$title}}Receipts{{/title}} · fiscal-archive</title>
        <style>{{> css}}</style>
        </head>
        <body>
        <header class="top"><div class="wrap">
        <a class="brand" href="/">fiscal-archive</a>
        <nav><a href="/">Search</a><a href="/months">Months</a><a href="/status">Status</a></nav>
        {{#chrome.signedIn}}<form method="post" action="/logout" class="signout"><button type="submit">Sign out</button></form>{{/chrome.signedIn}}
        </div></header>
        <main class="wrap">
        {{$main}}{{/main}}
        </main>
        <footer class="wrap">Fiscal receipts archive · times are Asia/Tashkent (UTC+05:00)</footer>
        </body>
        </html>
        """

    static let searchForm = """
        <form class="search" method="get" action="/search" role="search">
        <div class="bar">
        <input type="search" name="q" value="{{form.q}}" aria-label="Search" placeholder="Transaction id, fiscal sign, TERMINAL/RECEIPT, TIN, or seller and item words">
        <button type="submit">Search</button>
        </div>
        <details{{#form.hasFilters}} open{{/form.hasFilters}}>
        <summary>Filters</summary>
        <div class="filters">
        <label>Terminal<input name="terminal" value="{{form.terminal}}" placeholder="EP000000000510"></label>
        <label>Receipt number<input name="receipt" value="{{form.receipt}}" inputmode="numeric"></label>
        <label>Paid from<input type="date" name="from" value="{{form.from}}"></label>
        <label>Paid to<input type="date" name="to" value="{{form.to}}"></label>
        <label>Amount from, UZS<input name="min" value="{{form.min}}" inputmode="decimal" placeholder="0.00"></label>
        <label>Amount to, UZS<input name="max" value="{{form.max}}" inputmode="decimal"></label>
        </div>
        </details>
        </form>
        """

    static let home = """
        {{<layout}}
        {{$title}}Search{{/title}}
        {{$main}}
        <h1>Find a receipt</h1>
        <p class="lead">One box for every identifier: a PaySys transaction id (<code>11424156</code>), a fiscal sign
        (<code>088681055845</code>), a terminal and receipt number (<code>EP000000000510/104636849</code>), a seller or
        commissioner TIN (9 or 14 digits), a receipt link, or words from seller and item names.</p>
        {{> searchForm}}
        {{/main}}
        {{/layout}}
        """

    static let search = """
        {{<layout}}
        {{$title}}Search{{/title}}
        {{$main}}
        {{> searchForm}}
        {{#error}}<p class="alert bad">{{.}}</p>{{/error}}
        {{^error}}
        <p class="muted">Searched for {{interpretation}} · page {{page}}</p>
        {{#hasHits}}
        <div class="scroll"><table class="hits">
        <thead><tr><th>Transaction</th><th>Paid</th><th class="num">Amount</th><th>Status</th><th>Seller</th><th>Fiscal sign</th><th>Terminal / receipt</th><th>Archive</th></tr></thead>
        <tbody>
        {{#hits}}<tr>
        <td><a href="{{link}}">{{id}}</a> <span class="tag">{{type}}</span>{{#matchedBy}}<div class="muted small">by {{.}}</div>{{/matchedBy}}</td>
        <td class="nowrap">{{paidAt}}</td>
        <td class="num">{{amount}}</td>
        <td class="nowrap">{{status}}</td>
        <td class="text">{{seller}}<div class="muted small">{{sellerTIN}}</div></td>
        <td class="mono">{{fiscalSign}}</td>
        <td class="mono">{{terminalReceipt}}</td>
        <td><span class="pill {{stateClass}}">{{state}}</span></td>
        </tr>
        {{/hits}}
        </tbody></table></div>
        {{/hasHits}}
        {{^hasHits}}<p class="empty">No transactions match.</p>{{/hasHits}}
        <nav class="pager">{{#prev}}<a href="{{.}}">← Previous</a>{{/prev}}{{#next}}<a href="{{.}}">Next →</a>{{/next}}</nav>
        {{/error}}
        {{/main}}
        {{/layout}}
        """

    static let receipt = """
        {{<layout}}
        {{$title}}Transaction {{id}}{{/title}}
        {{$main}}
        <div class="heading">
        <h1>Transaction {{id}} <span class="tag">{{type}}</span></h1>
        <span class="pill {{stateClass}}">{{state}}</span>
        {{#integrity}}{{#intact}}<span class="badge ok" title="SHA-256 re-checked just now">Original intact</span>{{/intact}}{{^intact}}<span class="badge bad" title="SHA-256 re-checked just now">Original ALTERED</span>{{/intact}}{{/integrity}}
        </div>
        {{#notices}}<p class="alert warn">{{.}}</p>{{/notices}}
        <div class="columns">
        <section class="paper-column">
        {{#receipt}}
        <article class="paper" aria-label="Receipt">
        <div class="center strong">{{sellerName}}</div>
        <div class="center">STIR {{sellerTIN}}</div>
        <div class="center small">{{sellerAddress}}</div>
        {{#marketplace}}<div class="center small">Marketplace: {{.}}</div>{{/marketplace}}
        {{#cashRegister}}<div class="center small">Cash register: {{.}}</div>{{/cashRegister}}
        <hr>
        <div class="center strong">{{kind}} receipt</div>
        <div class="row"><span>Terminal</span><span>{{terminal}}</span></div>
        <div class="row"><span>Receipt no.</span><span>{{number}}</span></div>
        <div class="row"><span>Date</span><span>{{issuedAt}}</span></div>
        <hr>
        {{#items}}
        <div class="item">
        <div class="name">{{number}}. {{name}}</div>
        <div class="row"><span>{{quantity}}{{#unit}} {{.}}{{/unit}}</span><span>{{lineTotal}}</span></div>
        {{#discount}}<div class="row small"><span>Discount</span><span>{{.}}</span></div>{{/discount}}
        {{#other}}<div class="row small"><span>Other</span><span>{{.}}</span></div>{{/other}}
        <div class="row small"><span>VAT</span><span>{{vat}}</span></div>
        {{#mxik}}<div class="small muted">MXIK {{.}}</div>{{/mxik}}
        {{#barcode}}<div class="small muted">Barcode {{.}}</div>{{/barcode}}
        {{#markingCode}}<div class="small muted">Marking {{.}}</div>{{/markingCode}}
        {{#commissioner}}<div class="small muted">Commissioner TIN {{.}}</div>{{/commissioner}}
        </div>
        {{/items}}
        <hr>
        <div class="row strong big"><span>Total</span><span>{{total}}</span></div>
        <div class="row"><span>incl. VAT</span><span>{{vatTotal}}</span></div>
        <div class="row"><span>Cash</span><span>{{cash}}</span></div>
        <div class="row"><span>Card</span><span>{{card}}</span></div>
        {{#cardType}}<div class="row small"><span>Card type</span><span>{{.}}</span></div>{{/cardType}}
        {{#rrn}}<div class="row small"><span>RRN</span><span>{{.}}</span></div>{{/rrn}}
        <hr>
        <div class="center small">Fiscal sign</div>
        <div class="center strong mono">{{fiscalSign}}</div>
        <div class="center small muted">parsed from the {{source}} original</div>
        </article>
        {{/receipt}}
        {{#noReceipt}}<div class="paper empty">{{.}}</div>{{/noReceipt}}
        {{#warnings}}<p class="alert warn small">Parser: {{.}}</p>{{/warnings}}
        </section>
        <section class="details">
        <h2>Transaction</h2>
        <dl>{{#facts}}<dt>{{label}}</dt><dd class="{{style}}">{{#link}}<a href="{{.}}" rel="noopener noreferrer">{{value}}</a>{{/link}}{{^link}}{{value}}{{/link}}</dd>{{/facts}}</dl>
        <h2>Events</h2>
        <table class="compact">
        <thead><tr><th>Event</th><th class="num">Amount</th><th>When</th><th>Source</th><th>Note</th></tr></thead>
        <tbody>{{#events}}<tr><td>{{kind}}</td><td class="num">{{amount}}</td><td class="nowrap">{{occurredAt}}</td><td>{{source}}</td><td class="text">{{note}}</td></tr>{{/events}}
        {{^events}}<tr><td colspan="5" class="muted">No events recorded yet.</td></tr>{{/events}}</tbody>
        </table>
        <h2>Operations through this tool</h2>
        <table class="compact">
        <thead><tr><th>#</th><th>Kind</th><th class="num">Amount</th><th>State</th><th>By</th><th>Asked</th><th>Done</th><th>Reason</th></tr></thead>
        <tbody>{{#operations}}<tr><td>{{id}}</td><td>{{kind}}</td><td class="num">{{amount}}</td><td>{{state}}</td><td>{{user}}</td><td class="nowrap">{{createdAt}}</td><td class="nowrap">{{completedAt}}</td><td class="text">{{reason}}</td></tr>{{/operations}}
        {{^operations}}<tr><td colspan="8" class="muted">None.</td></tr>{{/operations}}</tbody>
        </table>
        <h2>Status history</h2>
        <table class="compact"><tbody>{{#history}}<tr><td>{{value}}</td><td class="nowrap">{{label}}</td></tr>{{/history}}
        {{^history}}<tr><td class="muted">No status observed yet.</td></tr>{{/history}}</tbody></table>
        </section>
        </div>
        <section class="original">
        <h2>Original</h2>
        {{#integrity}}
        {{#intact}}<p class="alert ok">The original's SHA-256 was re-computed for this view and matches the hash recorded when it was downloaded: it has not been altered.</p>{{/intact}}
        {{^intact}}<p class="alert bad"><strong>ALTERED:</strong> the original's bytes no longer hash to the SHA-256 recorded when it was downloaded. Treat this receipt as tampered with.</p>{{/intact}}
        <dl class="wide">{{#facts}}<dt>{{label}}</dt><dd class="{{style}}">{{value}}</dd>{{/facts}}</dl>
        <p class="actions"><a href="{{frameSource}}">Open the original (sandboxed)</a> · <a href="{{textLink}}">View its source as text</a> · <a href="{{downloadLink}}">Download the bytes</a></p>
        <p class="muted small">The original is shown exactly as downloaded, inside a sandbox: its scripts do not run, its forms do not submit, and it cannot load anything from the network.</p>
        <iframe class="original-frame" sandbox src="{{frameSource}}" title="Original receipt page, sandboxed" referrerpolicy="no-referrer" loading="lazy"></iframe>
        {{/integrity}}
        {{#noOriginal}}<p class="muted">No original has been downloaded for this transaction yet.</p>{{/noOriginal}}
        </section>
        {{/main}}
        {{/layout}}
        """

    static let months = """
        {{<layout}}
        {{$title}}Months{{/title}}
        {{$main}}
        <h1>Monthly reports</h1>
        <p class="lead">The register and summary of each month with events, generated from the archive when you open them.</p>
        {{^reportsEnabled}}<p class="alert warn">Report generation is not configured for this server.</p>{{/reportsEnabled}}
        <table class="months">
        <thead><tr><th>Month</th><th>Report</th><th>Register</th></tr></thead>
        <tbody>
        {{#months}}<tr><td>{{label}} <span class="muted mono">{{value}}</span></td>
        <td>{{#htmlLink}}<a href="{{.}}">View HTML</a>{{/htmlLink}}{{^htmlLink}}—{{/htmlLink}}</td>
        <td>{{#csvLink}}<a href="{{.}}">Download CSV</a>{{/csvLink}}{{^csvLink}}—{{/csvLink}}</td></tr>
        {{/months}}
        {{^months}}<tr><td colspan="3" class="muted">No events archived yet.</td></tr>{{/months}}
        </tbody></table>
        {{/main}}
        {{/layout}}
        """

    static let status = """
        {{<layout}}
        {{$title}}Status{{/title}}
        {{$main}}
        <h1>Pipeline status</h1>
        <div class="cards">
        {{#states}}<div class="card"><div class="label">{{label}}</div><div class="value {{style}}">{{value}}</div></div>{{/states}}
        </div>
        <dl class="wide">{{#totals}}<dt>{{label}}</dt><dd class="{{style}}">{{value}}</dd>{{/totals}}</dl>
        <h2>Failed</h2>
        <table class="compact">
        <thead><tr><th>Transaction</th><th>Step</th><th>Reason</th><th class="num">Attempts</th></tr></thead>
        <tbody>{{#failures}}<tr><td><a href="{{link}}">{{id}}</a></td><td>{{step}}</td><td class="text">{{reason}}</td><td class="num">{{attempts}}</td></tr>{{/failures}}
        {{^failures}}<tr><td colspan="4" class="muted">No failures.</td></tr>{{/failures}}</tbody>
        </table>
        <h2>Waiting</h2>
        <table class="compact">
        <thead><tr><th>Transaction</th><th>Step</th><th>Reason</th><th class="num">Attempts</th><th>Next attempt</th></tr></thead>
        <tbody>{{#waiting}}<tr><td><a href="{{link}}">{{id}}</a></td><td>{{step}}</td><td class="text">{{reason}}</td><td class="num">{{attempts}}</td><td class="nowrap">{{nextAttempt}}</td></tr>{{/waiting}}
        {{^waiting}}<tr><td colspan="5" class="muted">Nothing is waiting.</td></tr>{{/waiting}}</tbody>
        </table>
        {{/main}}
        {{/layout}}
        """

    static let login = """
        {{<layout}}
        {{$title}}Sign in{{/title}}
        {{$main}}
        <div class="login">
        <h1>Sign in</h1>
        <p>This archive needs its access token.</p>
        {{#message}}<p class="alert bad">{{.}}</p>{{/message}}
        <form method="post" action="/login">
        <input type="hidden" name="next" value="{{next}}">
        <label>Access token<input type="password" name="token" autocomplete="current-password" required autofocus></label>
        <button type="submit">Sign in</button>
        </form>
        </div>
        {{/main}}
        {{/layout}}
        """

    static let error = """
        {{<layout}}
        {{$title}}{{title}}{{/title}}
        {{$main}}
        <h1>{{title}}</h1>
        <p class="alert bad">{{message}}</p>
        <p><a href="/">Back to search</a></p>
        {{/main}}
        {{/layout}}
        """
}

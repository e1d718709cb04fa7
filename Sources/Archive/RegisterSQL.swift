/// The register's page query, the same text for every backend (each supplies its own paging condition on
/// `e.occurred_at`/`e.seq` and its own parameter syntax): a page of the month's events, in order, each with its
/// transaction and the receipt the register shows for it — for a payment or p2p the transaction's first non-refund
/// receipt; for a refund or cancellation the first refund receipt whose total is the refunded amount, else the first
/// refund receipt — with, for those, the receipt's original URL.
///
/// The page of events is chosen first, in a subquery of its own, and only its rows are joined: written as one flat
/// join with the `LIMIT` outside, PostgreSQL's planner costed the per-row receipt look-ups (correlated subqueries)
/// into the index path and chose hash joins over every remaining event of the month instead, then a top-N sort —
/// each page did the work of the rest of the month (a 100,000-event month's register took 6 s of server time
/// instead of under 1 s).
package enum RegisterSQL {
    /// The query of one page: `condition` selects the events (aliased `e`), at most `limit` of them.
    package static func page(condition: String, limit: Int) -> String {
        """
        SELECT e.seq, e.kind, e.transaction_id, e.occurred_at, e.amount, e.currency, e.source, e.note,
            e.operation_id, t.type, t.status, t.vendor_order_id, t.receipt_url, t.paid_at, t.state, t.last_error,
            r.fiscal_sign, r.terminal_id, r.receipt_number, r.total, r.vat_total, r.currency AS receipt_currency,
            r.commissioner_tin, r.kind AS receipt_kind, r.issued_at AS receipt_issued_at, o.url AS receipt_original_url
        FROM (
            SELECT e.seq, e.kind, e.transaction_id, e.occurred_at, e.amount, e.currency, e.source, e.note,
                e.operation_id
            FROM events e
            WHERE \(condition)
            ORDER BY e.occurred_at, e.seq
            LIMIT \(limit)
        ) e
        JOIN transactions t ON t.id = e.transaction_id
        LEFT JOIN receipts r ON r.id = CASE WHEN e.kind IN ('payment', 'p2p')
            THEN (SELECT id FROM receipts WHERE transaction_id = e.transaction_id AND kind <> 'refund'
                  ORDER BY id LIMIT 1)
            ELSE COALESCE(
                (SELECT id FROM receipts WHERE transaction_id = e.transaction_id AND kind = 'refund'
                    AND total = -e.amount ORDER BY id LIMIT 1),
                (SELECT id FROM receipts WHERE transaction_id = e.transaction_id AND kind = 'refund'
                    ORDER BY id LIMIT 1))
            END
        LEFT JOIN originals o ON o.id = r.original_id AND e.kind NOT IN ('payment', 'p2p')
        ORDER BY e.occurred_at, e.seq
        """
    }
}

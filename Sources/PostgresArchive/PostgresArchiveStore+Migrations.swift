import Archive

/// The PostgreSQL schema, as versioned migrations recorded in `schema_migrations`. A shipped migration is never
/// edited: changes go in a new version.
///
/// It is the SQLite schema after its last migration (v6), written for PostgreSQL:
/// - every integer column is `bigint` (Unix seconds, minor units, ids); flags are `boolean`;
/// - ids are identity columns; originals' bytes are `bytea`, compressed exactly as SQLite stores them (so hashes,
///   sizes and chain payloads are equal in both backends);
/// - the FTS5 table becomes a `tsvector` column of `receipts` (configuration `simple`, fed with text the Swift side
///   has already normalised and lowercased, so matching does not depend on the server's locale) with a GIN index;
/// - the append-only triggers are plpgsql functions raising the same messages;
/// - `lease_sequence` becomes a sequence; `archive_counts` is kept by triggers that lock the two counters they
///   move in name order (no deadlock between concurrent state changes);
/// - the same CHECKs and the same partial indexes of the sync path (claims, lease holders, failures, quarantine,
///   re-checks, pending operations).
/// `user` is a reserved word in PostgreSQL: the column keeps its name and is always quoted.
enum PostgresMigrations {
    /// The migrations in order: (version, SQL).
    static let all: [(version: String, sql: String)] = [
        ("v1-schema", schemaV1),
        ("v1-append-only", appendOnlyV1),
        ("v1-counts", countsV1),
        ("v2-vat-covering", vatCoveringV2),
        ("v3-last-change", lastChangeV3),
        ("v4-register-covering", registerCoveringV4),
    ]

    /// The register shows, for each of a month's events, a receipt of its transaction (``RegisterSQL``): one
    /// look-up per event in `receipts_transaction`, then the receipt's row in the heap for its columns. The heap
    /// carries the stored JSON (2.4 GB, three rows a page, at a million receipts), so every event of a month read a
    /// page of its own. With the columns the register reads in the index (`INCLUDE`), the choice is an index-only
    /// scan (11 → 4 µs a row under `EXPLAIN ANALYZE`), and a million-event month's reports cost 0.4–4 s less machine
    /// CPU (alternated runs of each format). Keyed on `(transaction_id, kind, id)`, it serves the look-ups the
    /// narrower index served (first receipt of a kind, by `MIN(id)` or the first by id) as index-only scans too, in
    /// about the same size (119 MB against 111 MB); the VAT's and the totals' times are unchanged.
    static let registerCoveringV4 = """
        DROP INDEX receipts_transaction;
        CREATE INDEX receipts_transaction ON receipts(transaction_id, kind, id)
            INCLUDE (total, vat_total, currency, fiscal_sign, terminal_id, receipt_number, commissioner_tin, issued_at,
                original_id);
        """

    /// A report is dated by the archive's latest change (`lastChangeAt`): without these its `MAX`es read the whole
    /// of `transactions`, `events` and `originals` (0.46 s before a report of a million-event archive could start,
    /// growing with every month archived); with them each is the last entry of an index. `operations` is small.
    static let lastChangeV3 = """
        CREATE INDEX transactions_updated ON transactions(updated_at);
        CREATE INDEX events_recorded ON events(recorded_at);
        CREATE INDEX originals_stored ON originals(stored_at);
        """

    /// The VAT of a month reads, for each receipt of the month, its kind, currency and transaction, and whether it
    /// is its transaction's first sale receipt (the smallest non-refund id). Through the plain indexes each of
    /// those look-ups visited the `receipts` heap, which carries the stored JSON (2.4 GB at a million receipts):
    /// the VAT of a million-event month took 7.6 s, of which the heap ~2 s. With the columns in the indexes
    /// (`INCLUDE`), both are index-only scans (5.9 s measured). Same keys, so every other use is unchanged.
    static let vatCoveringV2 = """
        DROP INDEX receipts_issued;
        CREATE INDEX receipts_issued ON receipts(issued_at) INCLUDE (kind, currency, transaction_id, id);
        DROP INDEX receipts_transaction;
        CREATE INDEX receipts_transaction ON receipts(transaction_id, kind) INCLUDE (id);
        """

    /// The key of the advisory lock held (for the session) while migrating, so that two processes opening the same
    /// database at once migrate one after the other.
    static let lockKey: Int64 = 0x6669_7363_616c_0001

    static let schemaV1 = """
        CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL);

        CREATE TABLE transactions(
            id bigint PRIMARY KEY,
            type text NOT NULL CHECK (type IN ('payment', 'p2p')),
            vendor_order_id text,
            state text NOT NULL,
            step text,
            attempts bigint NOT NULL DEFAULT 0,
            next_attempt_at bigint NOT NULL,
            first_waiting_at bigint,
            last_error text,
            lease_owner text,
            lease_until bigint,
            lease_token bigint,
            due_at_claim bigint,
            tracked_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            amount bigint,
            currency text,
            status bigint,
            paid_at bigint,
            bank_transaction_id text,
            mx_id text,
            info_at bigint,
            last_recheck_at bigint,
            next_recheck_at bigint,
            receipt_url text
        );
        CREATE INDEX transactions_paid_at ON transactions(paid_at);
        CREATE INDEX transactions_pending ON transactions(next_attempt_at, id)
            WHERE state IN ('tracked', 'info_fetched', 'link_fetched', 'page_fetched', 'waiting');
        CREATE INDEX transactions_waiting ON transactions(next_attempt_at, id) WHERE state = 'waiting';
        CREATE INDEX transactions_leased ON transactions(lease_owner) WHERE lease_owner IS NOT NULL;
        CREATE INDEX transactions_failed ON transactions(updated_at, id) WHERE state = 'failed';
        CREATE INDEX transactions_quarantined ON transactions(updated_at, id) WHERE state = 'quarantined';
        CREATE INDEX transactions_recheck_due ON transactions(next_recheck_at) WHERE next_recheck_at IS NOT NULL;

        CREATE SEQUENCE lease_tokens;

        CREATE TABLE refund_links(
            transaction_id bigint NOT NULL REFERENCES transactions(id),
            position bigint NOT NULL,
            url text NOT NULL,
            PRIMARY KEY (transaction_id, position)
        );

        CREATE TABLE status_history(
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            transaction_id bigint NOT NULL REFERENCES transactions(id),
            status bigint NOT NULL,
            observed_at bigint NOT NULL
        );
        CREATE INDEX status_history_transaction ON status_history(transaction_id, id);

        CREATE TABLE originals(
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            transaction_id bigint NOT NULL REFERENCES transactions(id),
            url text NOT NULL,
            http_status bigint NOT NULL,
            content_type text,
            fetched_at bigint NOT NULL,
            format text NOT NULL,
            sha256 text NOT NULL,
            size bigint NOT NULL,
            data bytea NOT NULL,
            stored_at bigint NOT NULL,
            UNIQUE (transaction_id, sha256)
        );
        ALTER TABLE originals ALTER COLUMN data SET STORAGE EXTERNAL;

        CREATE TABLE receipts(
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            transaction_id bigint NOT NULL REFERENCES transactions(id),
            original_id bigint NOT NULL UNIQUE REFERENCES originals(id),
            kind text NOT NULL,
            source text NOT NULL,
            terminal_id text NOT NULL,
            receipt_number text NOT NULL,
            fiscal_sign text,
            issued_at bigint NOT NULL,
            seller_name text NOT NULL,
            seller_tin text NOT NULL,
            commissioner_tin text,
            total bigint NOT NULL,
            vat_total bigint NOT NULL,
            currency text NOT NULL,
            document text NOT NULL,
            archived_at bigint NOT NULL,
            search tsvector NOT NULL
        );
        CREATE INDEX receipts_transaction ON receipts(transaction_id, kind);
        CREATE INDEX receipts_fiscal_sign ON receipts(fiscal_sign);
        CREATE INDEX receipts_terminal ON receipts(terminal_id, receipt_number);
        CREATE INDEX receipts_seller_tin ON receipts(seller_tin);
        CREATE INDEX receipts_issued ON receipts(issued_at);
        CREATE INDEX receipts_search ON receipts USING gin(search);

        CREATE TABLE receipt_warnings(
            receipt_id bigint NOT NULL REFERENCES receipts(id) ON DELETE CASCADE,
            position bigint NOT NULL,
            text text NOT NULL,
            PRIMARY KEY (receipt_id, position)
        );

        CREATE TABLE receipt_items(
            receipt_id bigint NOT NULL REFERENCES receipts(id) ON DELETE CASCADE,
            position bigint NOT NULL,
            name text NOT NULL,
            quantity text NOT NULL,
            line_total bigint NOT NULL,
            discount bigint NOT NULL,
            other bigint NOT NULL,
            vat_rate text,
            vat_amount bigint NOT NULL,
            barcode text,
            mxik_code text,
            mxik_name text,
            unit text,
            marking_code text,
            commissioner_tin text,
            PRIMARY KEY (receipt_id, position)
        );
        CREATE INDEX receipt_items_commissioner ON receipt_items(commissioner_tin);

        CREATE TABLE operations(
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            transaction_id bigint NOT NULL REFERENCES transactions(id),
            kind text NOT NULL CHECK (kind IN ('refund', 'cancel')),
            amount bigint,
            currency text,
            "user" text NOT NULL,
            note text,
            created_at bigint NOT NULL,
            state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
            completed_at bigint,
            result_status bigint,
            mx_id text,
            reason text,
            next_check_at bigint,
            checks bigint NOT NULL DEFAULT 0,
            status_before bigint,
            refund_links_before bigint,
            cause text
        );
        CREATE INDEX operations_transaction ON operations(transaction_id, state);
        CREATE INDEX operations_settle_due ON operations(next_check_at) WHERE state = 'pending';
        CREATE INDEX operations_pending ON operations(id) WHERE state = 'pending';

        CREATE TABLE events(
            seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('payment', 'p2p', 'refund', 'cancellation')),
            transaction_id bigint NOT NULL REFERENCES transactions(id),
            amount bigint NOT NULL,
            currency text NOT NULL,
            occurred_at bigint NOT NULL,
            source text NOT NULL CHECK (source IN ('gateway', 'operation', 'detected')),
            operation_id bigint REFERENCES operations(id),
            detection_key text,
            note text,
            recorded_at bigint NOT NULL
        );
        CREATE UNIQUE INDEX events_one_payment ON events(transaction_id) WHERE kind IN ('payment', 'p2p');
        CREATE UNIQUE INDEX events_one_cancellation ON events(transaction_id) WHERE kind = 'cancellation';
        CREATE UNIQUE INDEX events_operation ON events(operation_id) WHERE operation_id IS NOT NULL;
        CREATE UNIQUE INDEX events_detection ON events(transaction_id, detection_key) WHERE detection_key IS NOT NULL;
        CREATE INDEX events_occurred ON events(occurred_at, seq);
        CREATE INDEX events_transaction ON events(transaction_id, seq);

        CREATE TABLE invoices(
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            invoice_id text NOT NULL UNIQUE,
            order_id text NOT NULL,
            vendor_id bigint,
            amount bigint NOT NULL,
            currency text NOT NULL,
            note text NOT NULL,
            status bigint NOT NULL,
            payment_url text NOT NULL,
            gateway_date bigint,
            "user" text NOT NULL,
            created_at bigint NOT NULL
        );

        CREATE TABLE chain(
            seq bigint PRIMARY KEY,
            kind text NOT NULL,
            ref_id bigint NOT NULL,
            payload_hash text NOT NULL,
            prev_hash text NOT NULL,
            hash text NOT NULL
        );
        CREATE INDEX chain_ref ON chain(kind, ref_id);

        CREATE TABLE chain_head(
            id bigint PRIMARY KEY CHECK (id = 1),
            seq bigint NOT NULL,
            hash text NOT NULL
        );
        INSERT INTO chain_head(id, seq, hash) VALUES (1, 0, '\(IntegrityChain.genesis)');
        """

    /// Guards against accidental edits, as SQLite's triggers do. A superuser can switch them off
    /// (`session_replication_role = replica`): the chain is what detects that (`verify`).
    static let appendOnlyV1 = """
        CREATE FUNCTION fiscal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
        END $$;
        CREATE TRIGGER chain_no_update BEFORE UPDATE ON chain
            FOR EACH ROW EXECUTE FUNCTION fiscal_append_only('the integrity chain is append-only');
        CREATE TRIGGER chain_no_delete BEFORE DELETE ON chain
            FOR EACH ROW EXECUTE FUNCTION fiscal_append_only('the integrity chain is append-only');
        CREATE TRIGGER chain_no_truncate BEFORE TRUNCATE ON chain
            FOR EACH STATEMENT EXECUTE FUNCTION fiscal_append_only('the integrity chain is append-only');
        CREATE TRIGGER originals_no_update BEFORE UPDATE ON originals
            FOR EACH ROW EXECUTE FUNCTION fiscal_append_only('originals are append-only');
        CREATE TRIGGER originals_no_delete BEFORE DELETE ON originals
            FOR EACH ROW EXECUTE FUNCTION fiscal_append_only('originals are append-only');
        CREATE TRIGGER originals_no_truncate BEFORE TRUNCATE ON originals
            FOR EACH STATEMENT EXECUTE FUNCTION fiscal_append_only('originals are append-only');
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            FOR EACH ROW EXECUTE FUNCTION fiscal_append_only('events are append-only');
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION fiscal_append_only('events are append-only');
        CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
            FOR EACH STATEMENT EXECUTE FUNCTION fiscal_append_only('events are append-only');
        CREATE TRIGGER operations_no_delete BEFORE DELETE ON operations
            FOR EACH ROW EXECUTE FUNCTION fiscal_append_only('the operations log is append-only');
        CREATE TRIGGER operations_no_truncate BEFORE TRUNCATE ON operations
            FOR EACH STATEMENT EXECUTE FUNCTION fiscal_append_only('the operations log is append-only');
        CREATE TRIGGER operations_complete_once BEFORE UPDATE ON operations
            FOR EACH ROW WHEN (OLD.state <> 'pending'
                OR NEW.transaction_id IS DISTINCT FROM OLD.transaction_id OR NEW.kind IS DISTINCT FROM OLD.kind
                OR NEW.amount IS DISTINCT FROM OLD.amount OR NEW.currency IS DISTINCT FROM OLD.currency
                OR NEW."user" IS DISTINCT FROM OLD."user" OR NEW.note IS DISTINCT FROM OLD.note
                OR NEW.created_at IS DISTINCT FROM OLD.created_at)
            EXECUTE FUNCTION fiscal_append_only('an operation is recorded once and completed once');
        """

    /// Counts by state and of originals, receipts and events, kept by triggers so that `status` costs the same at
    /// any size. A state change locks its two counters in name order, so two transactions moving rows between the
    /// same states in opposite directions wait for each other instead of deadlocking.
    static let countsV1 = """
        CREATE TABLE archive_counts(name text PRIMARY KEY, n bigint NOT NULL);
        INSERT INTO archive_counts(name, n) VALUES ('originals', 0), ('receipts', 0), ('events', 0);
        INSERT INTO archive_counts(name, n)
            SELECT 'state:' || s, 0 FROM unnest(ARRAY['tracked', 'info_fetched', 'link_fetched', 'page_fetched',
                'waiting', 'archived', 'failed', 'quarantined']) s;

        CREATE FUNCTION fiscal_count_move(old_name text, new_name text) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO archive_counts(name, n) VALUES (new_name, 0) ON CONFLICT (name) DO NOTHING;
            PERFORM 1 FROM archive_counts WHERE name IN (old_name, new_name) ORDER BY name FOR UPDATE;
            UPDATE archive_counts SET n = n - 1 WHERE name = old_name;
            UPDATE archive_counts SET n = n + 1 WHERE name = new_name;
        END $$;
        CREATE FUNCTION fiscal_count_transactions() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO archive_counts(name, n) VALUES ('state:' || NEW.state, 1)
                    ON CONFLICT (name) DO UPDATE SET n = archive_counts.n + 1;
            ELSIF TG_OP = 'UPDATE' THEN
                IF OLD.state IS DISTINCT FROM NEW.state THEN
                    PERFORM fiscal_count_move('state:' || OLD.state, 'state:' || NEW.state);
                END IF;
            ELSE
                UPDATE archive_counts SET n = n - 1 WHERE name = 'state:' || OLD.state;
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER transactions_count AFTER INSERT OR UPDATE OF state OR DELETE ON transactions
            FOR EACH ROW EXECUTE FUNCTION fiscal_count_transactions();
        CREATE FUNCTION fiscal_count_rows() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                UPDATE archive_counts SET n = n + 1 WHERE name = TG_ARGV[0];
            ELSE
                UPDATE archive_counts SET n = n - 1 WHERE name = TG_ARGV[0];
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER originals_count AFTER INSERT ON originals
            FOR EACH ROW EXECUTE FUNCTION fiscal_count_rows('originals');
        CREATE TRIGGER receipts_count AFTER INSERT OR DELETE ON receipts
            FOR EACH ROW EXECUTE FUNCTION fiscal_count_rows('receipts');
        CREATE TRIGGER events_count AFTER INSERT ON events
            FOR EACH ROW EXECUTE FUNCTION fiscal_count_rows('events');
        """
}

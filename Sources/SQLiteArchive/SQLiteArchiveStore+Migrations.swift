import Archive
import GRDB

extension SQLiteArchiveStore {
    /// The schema, as versioned migrations. A shipped migration is never edited: changes go in a new `"vN"`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: schemaV1)
            try db.execute(sql: appendOnlyTriggersV1)
        }
        // Money operations whose answer was lost are settled on a schedule: when the next check is due, how many
        // were made, what the gateway showed before the call (to recognise the call's effect), and why the outcome
        // became unknown in the first place.
        migrator.registerMigration("v2-operation-settling") { db in
            try db.execute(sql: """
                ALTER TABLE operations ADD COLUMN next_check_at INTEGER;
                ALTER TABLE operations ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE operations ADD COLUMN status_before INTEGER;
                ALTER TABLE operations ADD COLUMN refund_links_before INTEGER;
                ALTER TABLE operations ADD COLUMN cause TEXT;
                CREATE INDEX operations_settle_due ON operations(next_check_at) WHERE state = 'pending';
                """)
        }
        // VAT belongs to the month of the receipt's date: the VAT table scans receipts by it.
        migrator.registerMigration("v3-receipts-by-date") { db in
            try db.execute(sql: "CREATE INDEX receipts_issued ON receipts(issued_at)")
        }
        migrator.registerMigration("v4-sync-path") { db in
            try db.execute(sql: syncPathV4)
        }
        // Re-checks on a schedule (daily in the cancel window, then weekly to the horizon), each transaction at a
        // phase of its own: the claim seeks the due ones by index instead of scanning the window.
        migrator.registerMigration("v5-recheck-schedule") { db in
            try db.execute(sql: """
                ALTER TABLE transactions ADD COLUMN next_recheck_at INTEGER;
                UPDATE transactions SET next_recheck_at = COALESCE(last_recheck_at, info_at) + \(RecheckSchedule.firstSQL("id"))
                    WHERE info_at IS NOT NULL AND status IN (2, 6);
                CREATE INDEX transactions_recheck_due ON transactions(next_recheck_at) WHERE next_recheck_at IS NOT NULL;
                """)
        }
        // Lists are rows, not JSON text in a column: a transaction's refund-receipt links and a receipt's parser
        // warnings, each with its position.
        migrator.registerMigration("v6-lists-as-rows") { db in
            try db.execute(sql: """
                CREATE TABLE refund_links(
                    transaction_id INTEGER NOT NULL REFERENCES transactions(id),
                    position INTEGER NOT NULL,
                    url TEXT NOT NULL,
                    PRIMARY KEY (transaction_id, position)
                ) WITHOUT ROWID;
                INSERT INTO refund_links(transaction_id, position, url)
                    SELECT t.id, j.key, j.value FROM transactions t, json_each(t.refund_urls) j;
                ALTER TABLE transactions DROP COLUMN refund_urls;
                CREATE TABLE receipt_warnings(
                    receipt_id INTEGER NOT NULL REFERENCES receipts(id),
                    position INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    PRIMARY KEY (receipt_id, position)
                ) WITHOUT ROWID;
                INSERT INTO receipt_warnings(receipt_id, position, text)
                    SELECT r.id, j.key, j.value FROM receipts r, json_each(r.warnings) j;
                ALTER TABLE receipts DROP COLUMN warnings;
                """)
        }
        // The VAT reads each receipt of the month's kind, currency and transaction: in the index, the month's
        // receipts are read without visiting the table, whose rows carry the stored JSON.
        migrator.registerMigration("v7-vat-covering") { db in
            try db.execute(sql: """
                DROP INDEX receipts_issued;
                CREATE INDEX receipts_issued ON receipts(issued_at, kind, currency, transaction_id);
                """)
        }
        // A report is dated by the archive's latest change (`lastChangeAt`): without these its `MAX`es read the
        // whole of `transactions`, `events` and `originals` — ~1 s before a report of a million-event archive could
        // start, and growing with every month archived. `operations` is small (people start operations).
        migrator.registerMigration("v8-last-change") { db in
            try db.execute(sql: """
                CREATE INDEX transactions_updated ON transactions(updated_at);
                CREATE INDEX events_recorded ON events(recorded_at);
                CREATE INDEX originals_stored ON originals(stored_at);
                """)
        }
        // The VAT's other look-ups from indexes alone: per receipt of the month, its items' rate and amounts (the
        // primary key led to each item's row) and whether its transaction has an event of the kind in the month
        // (`events_one_payment` led to the payment's row for its time). The VAT of a million-event month in the
        // `sqlite3` shell: 5.8–6.2 → 3.8–4.4 s. One more index entry per item and per event written.
        migrator.registerMigration("v9-vat-lookups") { db in
            try db.execute(sql: """
                CREATE INDEX receipt_items_vat ON receipt_items(receipt_id, vat_rate, line_total, discount, vat_amount);
                CREATE INDEX events_transaction_kind ON events(transaction_id, kind, occurred_at);
                """)
        }
        return migrator
    }

    private static let schemaV1 = """
        CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);

        CREATE TABLE transactions(
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL CHECK (type IN ('payment', 'p2p')),
            vendor_order_id TEXT,
            state TEXT NOT NULL,
            step TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            first_waiting_at INTEGER,
            last_error TEXT,
            lease_owner TEXT,
            lease_until INTEGER,
            tracked_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            amount INTEGER,
            currency TEXT,
            status INTEGER,
            paid_at INTEGER,
            bank_transaction_id TEXT,
            mx_id TEXT,
            info_at INTEGER,
            last_recheck_at INTEGER,
            receipt_url TEXT,
            refund_urls TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX transactions_due ON transactions(state, next_attempt_at, id);
        CREATE INDEX transactions_paid_at ON transactions(paid_at);

        CREATE TABLE status_history(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            transaction_id INTEGER NOT NULL REFERENCES transactions(id),
            status INTEGER NOT NULL,
            observed_at INTEGER NOT NULL
        );
        CREATE INDEX status_history_transaction ON status_history(transaction_id, id);

        CREATE TABLE originals(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            transaction_id INTEGER NOT NULL REFERENCES transactions(id),
            url TEXT NOT NULL,
            http_status INTEGER NOT NULL,
            content_type TEXT,
            fetched_at INTEGER NOT NULL,
            format TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            data BLOB NOT NULL,
            stored_at INTEGER NOT NULL,
            UNIQUE (transaction_id, sha256)
        );

        CREATE TABLE receipts(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            transaction_id INTEGER NOT NULL REFERENCES transactions(id),
            original_id INTEGER NOT NULL UNIQUE REFERENCES originals(id),
            kind TEXT NOT NULL,
            source TEXT NOT NULL,
            terminal_id TEXT NOT NULL,
            receipt_number TEXT NOT NULL,
            fiscal_sign TEXT,
            issued_at INTEGER NOT NULL,
            seller_name TEXT NOT NULL,
            seller_tin TEXT NOT NULL,
            commissioner_tin TEXT,
            total INTEGER NOT NULL,
            vat_total INTEGER NOT NULL,
            currency TEXT NOT NULL,
            warnings TEXT NOT NULL,
            document TEXT NOT NULL,
            archived_at INTEGER NOT NULL
        );
        CREATE INDEX receipts_transaction ON receipts(transaction_id, kind);
        CREATE INDEX receipts_fiscal_sign ON receipts(fiscal_sign);
        CREATE INDEX receipts_terminal ON receipts(terminal_id, receipt_number);
        CREATE INDEX receipts_seller_tin ON receipts(seller_tin);

        CREATE TABLE receipt_items(
            receipt_id INTEGER NOT NULL REFERENCES receipts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            quantity TEXT NOT NULL,
            line_total INTEGER NOT NULL,
            discount INTEGER NOT NULL,
            other INTEGER NOT NULL,
            vat_rate TEXT,
            vat_amount INTEGER NOT NULL,
            barcode TEXT,
            mxik_code TEXT,
            mxik_name TEXT,
            unit TEXT,
            marking_code TEXT,
            commissioner_tin TEXT,
            PRIMARY KEY (receipt_id, position)
        );
        CREATE INDEX receipt_items_commissioner ON receipt_items(commissioner_tin);

        CREATE VIRTUAL TABLE receipt_fts USING fts5(
            seller_name, item_names, mxik_names,
            tokenize = "unicode61 remove_diacritics 2"
        );

        CREATE TABLE operations(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            transaction_id INTEGER NOT NULL REFERENCES transactions(id),
            kind TEXT NOT NULL CHECK (kind IN ('refund', 'cancel')),
            amount INTEGER,
            currency TEXT,
            user TEXT NOT NULL,
            note TEXT,
            created_at INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
            completed_at INTEGER,
            result_status INTEGER,
            mx_id TEXT,
            reason TEXT
        );
        CREATE INDEX operations_transaction ON operations(transaction_id, state);

        CREATE TABLE events(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('payment', 'p2p', 'refund', 'cancellation')),
            transaction_id INTEGER NOT NULL REFERENCES transactions(id),
            amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('gateway', 'operation', 'detected')),
            operation_id INTEGER REFERENCES operations(id),
            detection_key TEXT,
            note TEXT,
            recorded_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX events_one_payment ON events(transaction_id) WHERE kind IN ('payment', 'p2p');
        CREATE UNIQUE INDEX events_one_cancellation ON events(transaction_id) WHERE kind = 'cancellation';
        CREATE UNIQUE INDEX events_operation ON events(operation_id) WHERE operation_id IS NOT NULL;
        CREATE UNIQUE INDEX events_detection ON events(transaction_id, detection_key) WHERE detection_key IS NOT NULL;
        CREATE INDEX events_occurred ON events(occurred_at, seq);
        CREATE INDEX events_transaction ON events(transaction_id, seq);

        CREATE TABLE invoices(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            invoice_id TEXT NOT NULL UNIQUE,
            order_id TEXT NOT NULL,
            vendor_id INTEGER,
            amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            note TEXT NOT NULL,
            status INTEGER NOT NULL,
            payment_url TEXT NOT NULL,
            gateway_date INTEGER,
            user TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );

        CREATE TABLE chain(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            ref_id INTEGER NOT NULL,
            payload_hash TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX chain_ref ON chain(kind, ref_id);
        """

    /// Guards against accidental edits. A determined attacker with the file can drop them: the chain is what
    /// detects that (``ArchiveStore/verify()``).
    private static let appendOnlyTriggersV1 = """
        CREATE TRIGGER chain_no_update BEFORE UPDATE ON chain
            BEGIN SELECT RAISE(ABORT, 'the integrity chain is append-only'); END;
        CREATE TRIGGER chain_no_delete BEFORE DELETE ON chain
            BEGIN SELECT RAISE(ABORT, 'the integrity chain is append-only'); END;
        CREATE TRIGGER originals_no_update BEFORE UPDATE ON originals
            BEGIN SELECT RAISE(ABORT, 'originals are append-only'); END;
        CREATE TRIGGER originals_no_delete BEFORE DELETE ON originals
            BEGIN SELECT RAISE(ABORT, 'originals are append-only'); END;
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER operations_no_delete BEFORE DELETE ON operations
            BEGIN SELECT RAISE(ABORT, 'the operations log is append-only'); END;
        CREATE TRIGGER operations_complete_once BEFORE UPDATE ON operations
            WHEN OLD.state <> 'pending'
                OR NEW.transaction_id IS NOT OLD.transaction_id OR NEW.kind IS NOT OLD.kind
                OR NEW.amount IS NOT OLD.amount OR NEW.currency IS NOT OLD.currency OR NEW.user IS NOT OLD.user
                OR NEW.note IS NOT OLD.note OR NEW.created_at IS NOT OLD.created_at
            BEGIN SELECT RAISE(ABORT, 'an operation is recorded once and completed once'); END;
        """

    /// The sync path at any archive size (issue 17) and fenced leases (issue 11):
    /// - `transactions_pending`: a partial index holding only the rows a sync may still work on, so claims and the
    ///   next due time seek among pending work, never among the archived mass. A claim moves `next_attempt_at` to
    ///   the end of its lease, so "due" is one range (`next_attempt_at <= now`) whether or not a lease is held;
    /// - `lease_token`: the fencing token of the current claim; every pipeline write checks it; `due_at_claim`:
    ///   when the job was due before its claim, restored when the lease is handed back unused;
    /// - `transactions_leased`, `transactions_failed`, `transactions_quarantined`, `operations_pending`: the lease
    ///   holders and the lines `status` lists, each a seek over its own few rows;
    /// - `chain_head`: the latest link, kept in the same transaction as the append (O(1), no search);
    /// - `archive_counts`: counts by state and of originals, receipts and events, kept by triggers, so `status`
    ///   costs the same at any size.
    private static let syncPathV4 = """
        ALTER TABLE transactions ADD COLUMN lease_token INTEGER;
        ALTER TABLE transactions ADD COLUMN due_at_claim INTEGER;
        UPDATE transactions SET next_attempt_at = MAX(next_attempt_at, lease_until)
            WHERE lease_until IS NOT NULL AND state IN ('tracked', 'info_fetched', 'link_fetched', 'page_fetched',
                'waiting');
        CREATE INDEX transactions_pending ON transactions(next_attempt_at, id)
            WHERE state IN ('tracked', 'info_fetched', 'link_fetched', 'page_fetched', 'waiting');
        CREATE INDEX transactions_leased ON transactions(lease_owner) WHERE lease_owner IS NOT NULL;
        CREATE INDEX transactions_failed ON transactions(updated_at, id) WHERE state = 'failed';
        CREATE INDEX transactions_quarantined ON transactions(updated_at, id) WHERE state = 'quarantined';
        CREATE INDEX operations_pending ON operations(id) WHERE state = 'pending';

        CREATE TABLE lease_sequence(id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
        INSERT INTO lease_sequence(id, value) VALUES (1, 0);

        CREATE TABLE chain_head(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL
        );
        INSERT INTO chain_head(id, seq, hash)
            SELECT 1, COALESCE((SELECT MAX(seq) FROM chain), 0),
                COALESCE((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1), '\(IntegrityChain.genesis)');

        CREATE TABLE archive_counts(name TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO archive_counts(name, n)
            SELECT 'state:' || state, COUNT(*) FROM transactions GROUP BY state;
        INSERT INTO archive_counts(name, n) VALUES
            ('originals', (SELECT COUNT(*) FROM originals)),
            ('receipts', (SELECT COUNT(*) FROM receipts)),
            ('events', (SELECT COUNT(*) FROM events));
        CREATE TRIGGER transactions_count_insert AFTER INSERT ON transactions BEGIN
            INSERT OR IGNORE INTO archive_counts(name, n) VALUES ('state:' || NEW.state, 0);
            UPDATE archive_counts SET n = n + 1 WHERE name = 'state:' || NEW.state;
        END;
        CREATE TRIGGER transactions_count_update AFTER UPDATE OF state ON transactions
            WHEN OLD.state IS NOT NEW.state BEGIN
            UPDATE archive_counts SET n = n - 1 WHERE name = 'state:' || OLD.state;
            INSERT OR IGNORE INTO archive_counts(name, n) VALUES ('state:' || NEW.state, 0);
            UPDATE archive_counts SET n = n + 1 WHERE name = 'state:' || NEW.state;
        END;
        CREATE TRIGGER transactions_count_delete AFTER DELETE ON transactions BEGIN
            UPDATE archive_counts SET n = n - 1 WHERE name = 'state:' || OLD.state;
        END;
        CREATE TRIGGER originals_count AFTER INSERT ON originals BEGIN
            UPDATE archive_counts SET n = n + 1 WHERE name = 'originals';
        END;
        CREATE TRIGGER receipts_count_insert AFTER INSERT ON receipts BEGIN
            UPDATE archive_counts SET n = n + 1 WHERE name = 'receipts';
        END;
        CREATE TRIGGER receipts_count_delete AFTER DELETE ON receipts BEGIN
            UPDATE archive_counts SET n = n - 1 WHERE name = 'receipts';
        END;
        CREATE TRIGGER events_count AFTER INSERT ON events BEGIN
            UPDATE archive_counts SET n = n + 1 WHERE name = 'events';
        END;
        """
}

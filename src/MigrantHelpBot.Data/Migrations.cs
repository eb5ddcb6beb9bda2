namespace MigrantHelpBot.Data;

/// <summary>
/// One schema step, with its SQL for each engine and, where data must be rewritten by code, a step run after the SQL in
/// the same transaction. Append new steps; never edit applied ones.
/// </summary>
internal sealed record Migration(int Version, string Name, string Sqlite, string Postgres,
    Func<Database, System.Data.Common.DbConnection, System.Data.Common.DbTransaction, CancellationToken, Task>? Code = null);

internal static class Migrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "turn state, activity log, outbox, direct line, settings",
            Sqlite: """
            CREATE TABLE bot_state (
                key TEXT NOT NULL PRIMARY KEY,
                etag TEXT NOT NULL,
                data TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE activity_log_seq (
                conversation_key TEXT NOT NULL PRIMARY KEY,
                last_seq INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE activity_log (
                conversation_key TEXT NOT NULL,
                seq INTEGER NOT NULL,
                activity TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (conversation_key, seq)
            ) WITHOUT ROWID;
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                idempotency_key TEXT NOT NULL UNIQUE,
                channel TEXT NOT NULL,
                conversation_key TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                lease_owner TEXT,
                lease_until INTEGER,
                last_error TEXT,
                created_at INTEGER NOT NULL,
                sent_at INTEGER
            );
            CREATE INDEX ix_outbox_pending ON outbox (status, conversation_key, id);
            CREATE TABLE directline_conversations (
                id TEXT NOT NULL PRIMARY KEY,
                user_id TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE settings (
                key TEXT NOT NULL PRIMARY KEY,
                value TEXT NOT NULL
            ) WITHOUT ROWID;
            """,
            Postgres: """
            CREATE TABLE bot_state (
                key TEXT NOT NULL PRIMARY KEY,
                etag TEXT NOT NULL,
                data TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            CREATE TABLE activity_log_seq (
                conversation_key TEXT NOT NULL PRIMARY KEY,
                last_seq BIGINT NOT NULL
            );
            CREATE TABLE activity_log (
                conversation_key TEXT NOT NULL,
                seq BIGINT NOT NULL,
                activity TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (conversation_key, seq)
            );
            CREATE TABLE outbox (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                idempotency_key TEXT NOT NULL UNIQUE,
                channel TEXT NOT NULL,
                conversation_key TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at BIGINT NOT NULL,
                lease_owner TEXT,
                lease_until BIGINT,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                sent_at BIGINT
            );
            CREATE INDEX ix_outbox_pending ON outbox (status, conversation_key, id);
            CREATE TABLE directline_conversations (
                id TEXT NOT NULL PRIMARY KEY,
                user_id TEXT NOT NULL,
                created_at BIGINT NOT NULL
            );
            CREATE TABLE settings (
                key TEXT NOT NULL PRIMARY KEY,
                value TEXT NOT NULL
            );
            """),
        new(2, "domain events",
            Sqlite: """
            CREATE TABLE domain_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                conversation_key TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                handled_at INTEGER
            );
            CREATE INDEX ix_domain_events_kind ON domain_events (kind, handled_at, id);
            CREATE INDEX ix_domain_events_conversation ON domain_events (conversation_key);
            """,
            Postgres: """
            CREATE TABLE domain_events (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                kind TEXT NOT NULL,
                conversation_key TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                handled_at BIGINT
            );
            CREATE INDEX ix_domain_events_kind ON domain_events (kind, handled_at, id);
            CREATE INDEX ix_domain_events_conversation ON domain_events (conversation_key);
            """),
        new(3, "directory: organisations, audit, coverage gaps; API keys",
            Sqlite: """
            CREATE TABLE organizations (
                id TEXT NOT NULL PRIMARY KEY,
                data TEXT NOT NULL,
                version INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE directory_audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                organization_id TEXT NOT NULL,
                before TEXT,
                after TEXT
            );
            CREATE INDEX ix_directory_audit_org ON directory_audit (organization_id, id);
            CREATE TABLE directory_gaps (
                language TEXT NOT NULL,
                prefecture TEXT NOT NULL,
                category TEXT NOT NULL,
                requests INTEGER NOT NULL,
                emergencies INTEGER NOT NULL,
                first_seen INTEGER NOT NULL,
                last_seen INTEGER NOT NULL,
                PRIMARY KEY (language, prefecture, category)
            ) WITHOUT ROWID;
            CREATE TABLE api_keys (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                organization_id TEXT,
                secret_hash BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            ) WITHOUT ROWID;
            """,
            Postgres: """
            CREATE TABLE organizations (
                id TEXT NOT NULL PRIMARY KEY,
                data TEXT NOT NULL,
                version BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            CREATE TABLE directory_audit (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                organization_id TEXT NOT NULL,
                before TEXT,
                after TEXT
            );
            CREATE INDEX ix_directory_audit_org ON directory_audit (organization_id, id);
            CREATE TABLE directory_gaps (
                language TEXT NOT NULL,
                prefecture TEXT NOT NULL,
                category TEXT NOT NULL,
                requests BIGINT NOT NULL,
                emergencies BIGINT NOT NULL,
                first_seen BIGINT NOT NULL,
                last_seen BIGINT NOT NULL,
                PRIMARY KEY (language, prefecture, category)
            );
            CREATE TABLE api_keys (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                organization_id TEXT,
                secret_hash BYTEA NOT NULL,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT
            );
            """),
        new(4, "handoff: cases, case events, staff accounts and tokens, case audit",
            Sqlite: """
            CREATE TABLE cases (
                id TEXT NOT NULL PRIMARY KEY,
                source_event_id INTEGER NOT NULL UNIQUE,
                conversation_key TEXT NOT NULL,
                status TEXT NOT NULL,
                category TEXT,
                urgency TEXT NOT NULL,
                language TEXT NOT NULL,
                prefecture TEXT,
                organization_id TEXT,
                assignee_id TEXT,
                assignee_name TEXT,
                data TEXT NOT NULL,
                offer_expires_at INTEGER,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                closed_at INTEGER,
                version INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX ix_cases_conversation ON cases (conversation_key, status);
            CREATE INDEX ix_cases_organization ON cases (organization_id, status);
            CREATE INDEX ix_cases_offers ON cases (status, offer_expires_at);
            CREATE TABLE case_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                case_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                actor TEXT NOT NULL,
                text TEXT,
                data TEXT,
                delivery TEXT,
                delivery_error TEXT
            );
            CREATE INDEX ix_case_events_case ON case_events (case_id, id);
            CREATE INDEX ix_case_events_delivery ON case_events (delivery, id);
            CREATE TABLE staff (
                id TEXT NOT NULL PRIMARY KEY,
                email TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                organization_id TEXT,
                password_hash TEXT NOT NULL,
                failed_attempts INTEGER NOT NULL DEFAULT 0,
                locked_until INTEGER,
                created_at INTEGER NOT NULL,
                disabled_at INTEGER
            ) WITHOUT ROWID;
            CREATE TABLE staff_tokens (
                token_hash BLOB NOT NULL PRIMARY KEY,
                staff_id TEXT NOT NULL,
                expires_at INTEGER NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE case_audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                organization_id TEXT,
                action TEXT NOT NULL,
                case_id TEXT,
                detail TEXT
            );
            CREATE INDEX ix_case_audit_case ON case_audit (case_id, id);
            CREATE INDEX ix_case_audit_actor ON case_audit (actor, id);
            """,
            Postgres: """
            CREATE TABLE cases (
                id TEXT NOT NULL PRIMARY KEY,
                source_event_id BIGINT NOT NULL UNIQUE,
                conversation_key TEXT NOT NULL,
                status TEXT NOT NULL,
                category TEXT,
                urgency TEXT NOT NULL,
                language TEXT NOT NULL,
                prefecture TEXT,
                organization_id TEXT,
                assignee_id TEXT,
                assignee_name TEXT,
                data TEXT NOT NULL,
                offer_expires_at BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                closed_at BIGINT,
                version BIGINT NOT NULL
            );
            CREATE INDEX ix_cases_conversation ON cases (conversation_key, status);
            CREATE INDEX ix_cases_organization ON cases (organization_id, status);
            CREATE INDEX ix_cases_offers ON cases (status, offer_expires_at);
            CREATE TABLE case_events (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                case_id TEXT NOT NULL,
                at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                actor TEXT NOT NULL,
                text TEXT,
                data TEXT,
                delivery TEXT,
                delivery_error TEXT
            );
            CREATE INDEX ix_case_events_case ON case_events (case_id, id);
            CREATE INDEX ix_case_events_delivery ON case_events (delivery, id);
            CREATE TABLE staff (
                id TEXT NOT NULL PRIMARY KEY,
                email TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                organization_id TEXT,
                password_hash TEXT NOT NULL,
                failed_attempts BIGINT NOT NULL DEFAULT 0,
                locked_until BIGINT,
                created_at BIGINT NOT NULL,
                disabled_at BIGINT
            );
            CREATE TABLE staff_tokens (
                token_hash BYTEA NOT NULL PRIMARY KEY,
                staff_id TEXT NOT NULL,
                expires_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL
            );
            CREATE TABLE case_audit (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                organization_id TEXT,
                action TEXT NOT NULL,
                case_id TEXT,
                detail TEXT
            );
            CREATE INDEX ix_case_audit_case ON case_audit (case_id, id);
            CREATE INDEX ix_case_audit_actor ON case_audit (actor, id);
            """),
        new(5, "handoff: notices to organisations",
            Sqlite: """
            CREATE TABLE organization_notices (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                organization_id TEXT NOT NULL,
                type TEXT NOT NULL,
                reason TEXT,
                case_id TEXT NOT NULL,
                category TEXT,
                urgency TEXT NOT NULL,
                language TEXT NOT NULL,
                prefecture TEXT,
                at INTEGER NOT NULL,
                read_at INTEGER,
                read_by TEXT
            );
            CREATE INDEX ix_organization_notices_org ON organization_notices (organization_id, id);
            """,
            Postgres: """
            CREATE TABLE organization_notices (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                organization_id TEXT NOT NULL,
                type TEXT NOT NULL,
                reason TEXT,
                case_id TEXT NOT NULL,
                category TEXT,
                urgency TEXT NOT NULL,
                language TEXT NOT NULL,
                prefecture TEXT,
                at BIGINT NOT NULL,
                read_at BIGINT,
                read_by TEXT
            );
            CREATE INDEX ix_organization_notices_org ON organization_notices (organization_id, id);
            """),
        new(6, "channel users: LINE and Messenger language hints, last message, unfollow",
            Sqlite: """
            CREATE TABLE channel_users (
                channel TEXT NOT NULL,
                user_id TEXT NOT NULL,
                language TEXT,
                active INTEGER NOT NULL,
                last_inbound_at INTEGER,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (channel, user_id)
            ) WITHOUT ROWID;
            """,
            Postgres: """
            CREATE TABLE channel_users (
                channel TEXT NOT NULL,
                user_id TEXT NOT NULL,
                language TEXT,
                active BOOLEAN NOT NULL,
                last_inbound_at BIGINT,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (channel, user_id)
            );
            """),
        new(7, "case translations: machine translations of workers' words and staff replies, filled in by a worker, kept beside the original",
            Sqlite: """
            CREATE TABLE case_translations (
                case_id TEXT NOT NULL,
                source TEXT NOT NULL,
                target TEXT NOT NULL,
                priority INTEGER NOT NULL,
                status TEXT NOT NULL,
                text TEXT,
                detected TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                error TEXT,
                late INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (case_id, source, target)
            ) WITHOUT ROWID;
            CREATE INDEX ix_case_translations_due ON case_translations (status, priority, next_attempt_at);
            """,
            Postgres: """
            CREATE TABLE case_translations (
                case_id TEXT NOT NULL,
                source TEXT NOT NULL,
                target TEXT NOT NULL,
                priority INTEGER NOT NULL,
                status TEXT NOT NULL,
                text TEXT,
                detected TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at BIGINT NOT NULL,
                error TEXT,
                late INTEGER NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (case_id, source, target)
            );
            CREATE INDEX ix_case_translations_due ON case_translations (status, priority, next_attempt_at);
            """),
        new(8, "cases purged: when a case's personal data was removed (retention or the worker's request); the row stays as anonymous statistics",
            Sqlite: """
            ALTER TABLE cases ADD COLUMN purged_at INTEGER;
            CREATE INDEX ix_cases_closed ON cases (purged_at, closed_at);
            """,
            Postgres: """
            ALTER TABLE cases ADD COLUMN purged_at BIGINT;
            CREATE INDEX ix_cases_closed ON cases (purged_at, closed_at);
            """),
        new(9, "pseudonymous LINE and Messenger users: keys hold a keyed pseudonym; the account id is sealed in channel_users.address",
            Sqlite: "ALTER TABLE channel_users ADD COLUMN address TEXT;",
            Postgres: "ALTER TABLE channel_users ADD COLUMN address TEXT;",
            Code: PseudonymRekey.RunAsync),
    ];
}

namespace MigrantHelpBot.Data;

/// <summary>One schema step, with its SQL for each engine. Append new steps; never edit applied ones.</summary>
internal sealed record Migration(int Version, string Name, string Sqlite, string Postgres);

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
    ];
}

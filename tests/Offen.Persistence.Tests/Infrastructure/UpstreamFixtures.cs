using System.Security.Cryptography;
using Dapper;

namespace Offen.Persistence.Tests.Infrastructure;

/// <summary>
/// Databases as Go Offen left them (server.md §5.1, §5.2), written by hand per dialect the way GORM and gormigrate
/// create them: redundant UNIQUE on the keys, GORM's foreign keys on PostgreSQL/MySQL, go-sqlite3's text times.
/// </summary>
public static class UpstreamFixtures
{
    public static readonly string[] AllUpstreamIds =
    [
        "SCHEMA_INIT", "001_introduce_admin_level", "002_mysql_set_column_sizes", "003_version_salts",
        "004_add_tombstones_event_revs", "005_update_secrets_table", "006_gorm_upgrade", "007_account_customStyles",
    ];

    /// <summary>Offen 1.x today: GORM v2 AutoMigrate of the current models, all eight migration ids recorded.</summary>
    public static string[] CurrentSchema(Dialect dialect) => dialect switch
    {
        Dialect.Sqlite =>
        [
            "CREATE TABLE `accounts` (`account_id` text UNIQUE,`name` text,`public_key` text,`encrypted_private_key` text,`user_salt` text,`retired` numeric,`account_styles` text,`created` datetime,PRIMARY KEY (`account_id`))",
            "CREATE TABLE `account_users` (`account_user_id` text UNIQUE,`hashed_email` text,`hashed_password` text,`salt` text,`admin_level` integer,PRIMARY KEY (`account_user_id`))",
            "CREATE TABLE `account_user_relationships` (`relationship_id` text UNIQUE,`account_user_id` text,`account_id` text,`password_encrypted_key_encryption_key` text,`email_encrypted_key_encryption_key` text,`one_time_encrypted_key_encryption_key` text,PRIMARY KEY (`relationship_id`))",
            "CREATE TABLE `secrets` (`secret_id` text UNIQUE,`encrypted_secret` text,PRIMARY KEY (`secret_id`))",
            "CREATE TABLE `events` (`event_id` text UNIQUE,`sequence` text,`account_id` text,`secret_id` text,`payload` text,PRIMARY KEY (`event_id`))",
            "CREATE TABLE `tombstones` (`event_id` text,`account_id` text,`secret_id` text,`sequence` text,PRIMARY KEY (`event_id`))",
            "CREATE TABLE `migrations` (`id` text,PRIMARY KEY (`id`))",
        ],
        Dialect.Postgres =>
        [
            """CREATE TABLE "accounts" ("account_id" varchar(36) UNIQUE,"name" text,"public_key" text,"encrypted_private_key" text,"user_salt" text,"retired" boolean,"account_styles" text,"created" timestamptz,PRIMARY KEY ("account_id"))""",
            """CREATE TABLE "account_users" ("account_user_id" varchar(36) UNIQUE,"hashed_email" text,"hashed_password" text,"salt" text,"admin_level" bigint,PRIMARY KEY ("account_user_id"))""",
            """CREATE TABLE "account_user_relationships" ("relationship_id" varchar(36) UNIQUE,"account_user_id" varchar(36),"account_id" varchar(36),"password_encrypted_key_encryption_key" text,"email_encrypted_key_encryption_key" text,"one_time_encrypted_key_encryption_key" text,PRIMARY KEY ("relationship_id"),CONSTRAINT "fk_account_users_relationships" FOREIGN KEY ("account_user_id") REFERENCES "account_users"("account_user_id"))""",
            """CREATE TABLE "secrets" ("secret_id" varchar(64) UNIQUE,"encrypted_secret" text,PRIMARY KEY ("secret_id"))""",
            """CREATE TABLE "events" ("event_id" varchar(26) UNIQUE,"sequence" varchar(26),"account_id" varchar(36),"secret_id" varchar(64),"payload" text,PRIMARY KEY ("event_id"),CONSTRAINT "fk_accounts_events" FOREIGN KEY ("account_id") REFERENCES "accounts"("account_id"),CONSTRAINT "fk_events_secret" FOREIGN KEY ("secret_id") REFERENCES "secrets"("secret_id"))""",
            """CREATE TABLE "tombstones" ("event_id" text,"account_id" varchar(36),"secret_id" varchar(64),"sequence" varchar(26),PRIMARY KEY ("event_id"))""",
            """CREATE TABLE "migrations" ("id" varchar(255),PRIMARY KEY ("id"))""",
        ],
        _ =>
        [
            "CREATE TABLE `accounts` (`account_id` varchar(36) UNIQUE,`name` longtext,`public_key` text,`encrypted_private_key` text,`user_salt` longtext,`retired` boolean,`account_styles` text,`created` datetime(3) NULL,PRIMARY KEY (`account_id`))",
            "CREATE TABLE `account_users` (`account_user_id` varchar(36) UNIQUE,`hashed_email` longtext,`hashed_password` longtext,`salt` longtext,`admin_level` bigint,PRIMARY KEY (`account_user_id`))",
            "CREATE TABLE `account_user_relationships` (`relationship_id` varchar(36) UNIQUE,`account_user_id` varchar(36),`account_id` varchar(36),`password_encrypted_key_encryption_key` text,`email_encrypted_key_encryption_key` text,`one_time_encrypted_key_encryption_key` text,PRIMARY KEY (`relationship_id`),CONSTRAINT `fk_account_users_relationships` FOREIGN KEY (`account_user_id`) REFERENCES `account_users`(`account_user_id`))",
            "CREATE TABLE `secrets` (`secret_id` varchar(64) UNIQUE,`encrypted_secret` text,PRIMARY KEY (`secret_id`))",
            "CREATE TABLE `events` (`event_id` varchar(26) UNIQUE,`sequence` varchar(26),`account_id` varchar(36),`secret_id` varchar(64),`payload` text,PRIMARY KEY (`event_id`),CONSTRAINT `fk_accounts_events` FOREIGN KEY (`account_id`) REFERENCES `accounts`(`account_id`),CONSTRAINT `fk_events_secret` FOREIGN KEY (`secret_id`) REFERENCES `secrets`(`secret_id`))",
            "CREATE TABLE `tombstones` (`event_id` varchar(191),`account_id` varchar(36),`secret_id` varchar(64),`sequence` varchar(26),PRIMARY KEY (`event_id`))",
            "CREATE TABLE `migrations` (`id` varchar(255),PRIMARY KEY (`id`))",
        ],
    };

    /// <summary>
    /// An older Offen: GORM v1 types, at migration 002 (no tombstones, no events.sequence, no account_styles, bare
    /// base64 salts; on MySQL secrets.encrypted_secret still varchar(255)). With <paramref name="beforeAdminLevel"/> it is
    /// at SCHEMA_INIT only and account_users has no admin_level yet.
    /// </summary>
    public static string[] LegacySchema(Dialect dialect, bool beforeAdminLevel)
    {
        var adminLevel = beforeAdminLevel ? "" : dialect switch
        {
            Dialect.Sqlite => ",\"admin_level\" integer",
            Dialect.Postgres => ",\"admin_level\" integer",
            _ => ",`admin_level` int",
        };
        return dialect switch
        {
            Dialect.Sqlite =>
            [
                "CREATE TABLE \"accounts\" (\"account_id\" varchar(255),\"name\" varchar(255),\"public_key\" varchar(255),\"encrypted_private_key\" varchar(255),\"user_salt\" varchar(255),\"retired\" bool,\"created\" datetime , PRIMARY KEY (\"account_id\"))",
                $"CREATE TABLE \"account_users\" (\"account_user_id\" varchar(255),\"hashed_email\" varchar(255),\"hashed_password\" varchar(255),\"salt\" varchar(255){adminLevel} , PRIMARY KEY (\"account_user_id\"))",
                "CREATE TABLE \"account_user_relationships\" (\"relationship_id\" varchar(255),\"account_user_id\" varchar(255),\"account_id\" varchar(255),\"password_encrypted_key_encryption_key\" varchar(255),\"email_encrypted_key_encryption_key\" varchar(255),\"one_time_encrypted_key_encryption_key\" varchar(255) , PRIMARY KEY (\"relationship_id\"))",
                "CREATE TABLE \"secrets\" (\"secret_id\" varchar(255),\"encrypted_secret\" varchar(255) , PRIMARY KEY (\"secret_id\"))",
                "CREATE TABLE \"events\" (\"event_id\" varchar(255),\"account_id\" varchar(255),\"secret_id\" varchar(255),\"payload\" varchar(255) , PRIMARY KEY (\"event_id\"))",
                "CREATE TABLE \"migrations\" (\"id\" varchar(255) , PRIMARY KEY (\"id\"))",
            ],
            Dialect.Postgres =>
            [
                "CREATE TABLE \"accounts\" (\"account_id\" text,\"name\" text,\"public_key\" text,\"encrypted_private_key\" text,\"user_salt\" text,\"retired\" boolean,\"created\" timestamp with time zone , PRIMARY KEY (\"account_id\"))",
                $"CREATE TABLE \"account_users\" (\"account_user_id\" text,\"hashed_email\" text,\"hashed_password\" text,\"salt\" text{adminLevel} , PRIMARY KEY (\"account_user_id\"))",
                "CREATE TABLE \"account_user_relationships\" (\"relationship_id\" text,\"account_user_id\" text,\"account_id\" text,\"password_encrypted_key_encryption_key\" text,\"email_encrypted_key_encryption_key\" text,\"one_time_encrypted_key_encryption_key\" text , PRIMARY KEY (\"relationship_id\"))",
                "CREATE TABLE \"secrets\" (\"secret_id\" text,\"encrypted_secret\" text , PRIMARY KEY (\"secret_id\"))",
                "CREATE TABLE \"events\" (\"event_id\" text,\"account_id\" text,\"secret_id\" text,\"payload\" text , PRIMARY KEY (\"event_id\"))",
                "CREATE TABLE \"migrations\" (\"id\" varchar(255) , PRIMARY KEY (\"id\"))",
            ],
            _ =>
            [
                "CREATE TABLE `accounts` (`account_id` varchar(255),`name` varchar(255),`public_key` text,`encrypted_private_key` text,`user_salt` varchar(255),`retired` boolean,`created` timestamp NULL , PRIMARY KEY (`account_id`))",
                $"CREATE TABLE `account_users` (`account_user_id` varchar(255),`hashed_email` varchar(255),`hashed_password` varchar(255),`salt` varchar(255){adminLevel} , PRIMARY KEY (`account_user_id`))",
                "CREATE TABLE `account_user_relationships` (`relationship_id` varchar(255),`account_user_id` varchar(255),`account_id` varchar(255),`password_encrypted_key_encryption_key` text,`email_encrypted_key_encryption_key` text,`one_time_encrypted_key_encryption_key` text , PRIMARY KEY (`relationship_id`))",
                "CREATE TABLE `secrets` (`secret_id` varchar(255),`encrypted_secret` varchar(255) , PRIMARY KEY (`secret_id`))",
                "CREATE TABLE `events` (`event_id` varchar(255),`account_id` varchar(255),`secret_id` varchar(255),`payload` text , PRIMARY KEY (`event_id`))",
                "CREATE TABLE `migrations` (`id` varchar(255) , PRIMARY KEY (`id`))",
            ],
        };
    }

    /// <summary>The rows a fixture holds, so tests can compare what the store reads with what Go wrote.</summary>
    public sealed record Data(
        string AccountId,
        string RetiredAccountId,
        string RawSalt,
        string UserId,
        string SecretId,
        string[] EventIds,
        string AnonymousEventId,
        string AccountUserId,
        string PendingUserId,
        DateTimeOffset Created);

    /// <summary>Creates the schema and fills it as Go Offen would have: two accounts (one retired), a super admin with an
    /// accepted relationship, an invitee with a pending one, a visitor with a secret and three events plus an anonymous event.</summary>
    /// <param name="at003">a legacy database that already ran 003 (versioned salts), i.e. right before tombstones.</param>
    public static async Task<Data> BuildAsync(TestDb db, bool legacy, bool beforeAdminLevel = false, bool at003 = false)
    {
        var raw = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var bareSalts = legacy && !at003;
        var salt = bareSalts ? raw : "{1,} " + raw;
        var created = new DateTimeOffset(2024, 5, 1, 10, 11, 12, 123, TimeSpan.Zero);
        var d = new Data(
            Seed.NewId(), Seed.NewId(), raw, "visitor-" + Seed.NewId(), Offen.Crypto.SecretIds.Hash("visitor", salt),
            [Ulids.NewFor(created.AddDays(1)), Ulids.NewFor(created.AddDays(2)), Ulids.NewFor(created.AddDays(3))],
            Ulids.NewFor(created.AddDays(4)), Seed.NewId(), Seed.NewId(), created);
        d = d with { SecretId = Offen.Crypto.SecretIds.Hash(d.UserId, salt) };

        await using var c = await db.OpenRawAsync();
        var schema = legacy ? LegacySchema(db.Dialect, beforeAdminLevel) : CurrentSchema(db.Dialect);
        foreach (var ddl in schema) await c.ExecuteAsync(ddl);
        var ids = legacy ? (beforeAdminLevel ? AllUpstreamIds[..1] : at003 ? AllUpstreamIds[..4] : AllUpstreamIds[..3]) : AllUpstreamIds;
        foreach (var id in ids) await c.ExecuteAsync("INSERT INTO migrations (id) VALUES (@id)", new { id });

        // How each driver stored created: go-sqlite3 as text in its own layout (here with nanoseconds and an offset),
        // pgx as timestamptz, go-sql-driver as datetime in UTC.
        object createdValue = db.Dialect switch
        {
            Dialect.Sqlite => "2024-05-01 12:11:12.123000001+02:00",
            _ => created.UtcDateTime,
        };
        object retiredOther = db.Dialect == Dialect.Sqlite ? "2023-01-02 03:04:05+00:00" : new DateTime(2023, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var styles = legacy ? "" : ", account_styles";
        var stylesValue = legacy ? "" : ", @styles";
        var insertAccount = $"INSERT INTO accounts (account_id, name, public_key, encrypted_private_key, user_salt, retired{styles}, created) VALUES (@id, @name, @pk, @epk, @salt, @retired{stylesValue}, @created)";
        await c.ExecuteAsync(insertAccount, new { id = d.AccountId, name = "Upstream site", pk = """{"e":"AQAB","kty":"RSA","n":"xyz"}""", epk = "{1,} ZW5j bm9uY2U=", salt, retired = false, styles = "", created = createdValue });
        await c.ExecuteAsync(insertAccount, new { id = d.RetiredAccountId, name = "Old site", pk = "{}", epk = "{1,} b2xk bm9uY2U=", salt = bareSalts ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)) : Seed.NewSalt(), retired = true, styles = "body{}", created = retiredOther });

        var adminCol = beforeAdminLevel ? "" : ", admin_level";
        var adminVal = beforeAdminLevel ? "" : ", @level";
        var insertUser = $"INSERT INTO account_users (account_user_id, hashed_email, hashed_password, salt{adminCol}) VALUES (@id, @email, @pw, @salt{adminVal})";
        var userSalt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(8));
        await c.ExecuteAsync(insertUser, new { id = d.AccountUserId, email = "{3,} ZW1haWw= c2FsdA==", pw = "{3,} cHc= c2FsdA==", salt = bareSalts ? userSalt : "{1,} " + userSalt, level = 1 });
        await c.ExecuteAsync(insertUser, new { id = d.PendingUserId, email = "{3,} aW52aXRlZQ== c2FsdA==", pw = "", salt = bareSalts ? userSalt : "{1,} " + userSalt, level = 0 });

        const string insertRel = "INSERT INTO account_user_relationships (relationship_id, account_user_id, account_id, password_encrypted_key_encryption_key, email_encrypted_key_encryption_key, one_time_encrypted_key_encryption_key) VALUES (@rid, @uid, @aid, @pw, @email, '')";
        await c.ExecuteAsync(insertRel, new { rid = Seed.NewId(), uid = d.AccountUserId, aid = d.AccountId, pw = "{1,} cHc= bm9uY2U=", email = "{1,} ZW0= bm9uY2U=" });
        await c.ExecuteAsync(insertRel, new { rid = Seed.NewId(), uid = d.PendingUserId, aid = d.AccountId, pw = "", email = "{1,} aW52 bm9uY2U=" });

        await c.ExecuteAsync("INSERT INTO secrets (secret_id, encrypted_secret) VALUES (@id, @s)", new { id = d.SecretId, s = "{1,} visitor-secret" });
        var seq = legacy ? "" : ", sequence";
        var seqValue = legacy ? "" : ", @seq";
        var insertEvent = $"INSERT INTO events (event_id{seq}, account_id, secret_id, payload) VALUES (@id{seqValue}, @aid, @sid, @payload)";
        foreach (var id in d.EventIds)
            await c.ExecuteAsync(insertEvent, new { id, seq = id, aid = d.AccountId, sid = d.SecretId, payload = "payload of " + id });
        await c.ExecuteAsync(insertEvent, new { id = d.AnonymousEventId, seq = d.AnonymousEventId, aid = d.AccountId, sid = (string?)null, payload = "anonymous" });
        if (!legacy)
        {
            await c.ExecuteAsync("INSERT INTO tombstones (event_id, account_id, secret_id, sequence) VALUES (@id, @aid, @sid, @seq)",
                new { id = Ulids.NewFor(created), aid = d.AccountId, sid = d.SecretId, seq = Ulids.NewFor(created.AddDays(5)) });
        }
        return d;
    }
}

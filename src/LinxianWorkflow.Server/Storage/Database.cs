using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LinxianWorkflow.Server.Storage;

/// <summary>A write lost a race: another command appended to the stream first, or took the same key.</summary>
public sealed class ConcurrencyConflictException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The database core: connections to one of two databases, their dialect (<see cref="IsPostgres"/>, <see cref="AnyOf"/>),
/// migrations with checksums, and the command path (a proposal's events and row, its idempotency record, and
/// <see cref="CommitAsync"/>: one accepted command, one transaction). The statements are shared (both speak
/// <c>INSERT … ON CONFLICT</c>); the schema differs only in types and lives in numbered scripts per dialect under
/// Migrations/. Every other query lives beside the feature that runs it (<c>OverviewQueries</c>, <c>ProposalQueries</c>,
/// <c>DisclosureQueries</c>, <c>UserQueries</c>, <c>NotificationQueries</c>, <c>LogQueries</c>, <c>TimerQueries</c>, …),
/// opening its connection here; the core keeps only the deployment's few settings besides (docs/decisions/0008).
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private const long MigrationLock = 0x4c696e7869616e; // "Linxian": one migrator at a time across nodes.

    private readonly NpgsqlDataSource? _postgres;
    private readonly NpgsqlDataSource? _postgresOwner;
    private readonly string? _sqlite;

    static Database()
    {
        UtcTimeHandler.Register();

        // Columns map to properties by name with the underscores dropped (step_entered_at → StepEnteredAt): no hand aliases.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public Database(StoreOptions options)
    {
        IsPostgres = options.IsPostgres;
        if (IsPostgres)
        {
            var app = options.Postgres ?? throw new InvalidOperationException("Storage:Postgres (a connection string) is required when Storage:Provider is postgres.");
            // The commit's statements have few shapes: let Npgsql prepare the frequent ones (unless the operator chose).
            var builder = new NpgsqlConnectionStringBuilder(app);
            if (builder.MaxAutoPrepare == 0)
            {
                builder.MaxAutoPrepare = 64;
            }

            _postgres = NpgsqlDataSource.Create(builder.ConnectionString);
            _postgresOwner = string.IsNullOrEmpty(options.PostgresMigrations) ? null : NpgsqlDataSource.Create(options.PostgresMigrations);
        }
        else
        {
            // The file is made 0600 before SQLite opens it: SQLite gives its -wal and -shm the database file's mode.
            var path = Path.GetFullPath(options.SqlitePath);
            Hosting.PrivateFiles.CreateDirectoryOf(path);
            using (new FileStream(path, Hosting.PrivateFiles.Create(FileMode.OpenOrCreate)))
            {
            }

            Hosting.PrivateFiles.Restrict(path, path + "-wal", path + "-shm");
            SqlitePath = path;
            _sqlite = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        }
    }

    public bool IsPostgres { get; }

    /// <summary>The SQLite file, in full (null on PostgreSQL).</summary>
    public string? SqlitePath { get; }

    /// <summary>
    /// Whether this store may change the schema: SQLite always (the service owns its file), PostgreSQL only when given
    /// the owner's login (Storage:PostgresMigrations). Otherwise the `migrate` command does it, and the service only checks.
    /// </summary>
    public bool CanMigrate => !IsPostgres || _postgresOwner is not null;

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(ct);
        }

        var connection = new SqliteConnection(_sqlite);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>A connection opened synchronously, for the few callers the framework asks synchronously (the data-protection key ring).</summary>
    public DbConnection Open()
    {
        if (_postgres is not null)
        {
            return _postgres.OpenConnection();
        }

        var connection = new SqliteConnection(_sqlite);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Applies every numbered script not yet applied, each in its own transaction; safe to run twice, and from two nodes at
    /// once. Each script's SHA-256 is kept with it: a script edited after it was applied is refused at start (name it and
    /// add a new script instead); scripts applied before checksums were kept get theirs recorded on first sight.
    /// </summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = _postgresOwner is not null ? await _postgresOwner.OpenConnectionAsync(ct) : await OpenAsync(ct);
        if (IsPostgres)
        {
            await connection.ExecuteAsync("SELECT pg_advisory_lock(@MigrationLock)", new { MigrationLock });
        }
        else
        {
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL");
        }

        try
        {
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)");
            await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_checksums (version integer PRIMARY KEY, sha256 text NOT NULL)");
            var applied = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations")).ToHashSet();
            var checksums = (await connection.QueryAsync<(long Version, string Sha256)>("SELECT version, sha256 FROM schema_checksums"))
                .ToDictionary(c => c.Version, c => c.Sha256);
            foreach (var (version, name, sql) in Scripts(IsPostgres ? "postgres" : "sqlite"))
            {
                var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
                if (applied.Contains(version))
                {
                    if (checksums.TryGetValue(version, out var recorded) && recorded != sha256)
                    {
                        throw new InvalidOperationException(
                            $"Migration {version:0000} ({name}) was changed after it was applied to this database (recorded SHA-256 {recorded}, this build's {sha256}). " +
                            "Applied scripts are never edited: restore the script as it was and put the change in a new numbered script.");
                    }

                    if (!checksums.ContainsKey(version))
                    {
                        await connection.ExecuteAsync("INSERT INTO schema_checksums (version, sha256) VALUES (@version, @sha256)", new { version, sha256 });
                    }

                    continue;
                }

                await using var tx = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(sql, transaction: tx);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, CURRENT_TIMESTAMP)",
                    new { version, name }, tx);
                await connection.ExecuteAsync("INSERT INTO schema_checksums (version, sha256) VALUES (@version, @sha256)", new { version, sha256 }, tx);
                await tx.CommitAsync(ct);
            }
        }
        finally
        {
            if (IsPostgres)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@MigrationLock)", new { MigrationLock });
            }
        }
    }

    /// <summary>The scripts of this build not yet applied to the database (all of them on an empty one), in order.</summary>
    public async Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        var exists = IsPostgres
            ? await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('schema_migrations') IS NOT NULL")
            : await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") > 0;
        var applied = exists ? (await connection.QueryAsync<long>("SELECT version FROM schema_migrations")).ToHashSet() : [];
        return [.. Scripts(IsPostgres ? "postgres" : "sqlite").Where(s => !applied.Contains(s.Version)).Select(s => s.Name)];
    }

    /// <summary>The numbered scripts of a dialect, in order (embedded from Storage/Migrations/&lt;dialect&gt;/NNNN_name.sql).</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts(string dialect)
    {
        var assembly = typeof(Database).Assembly;
        var prefix = $"{assembly.GetName().Name}.Storage.Migrations.{dialect}.";
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..];
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (int.Parse(file[..4], System.Globalization.CultureInfo.InvariantCulture), file, reader.ReadToEnd());
            })
            .OrderBy(s => s.Item1)];
    }

    /// <summary>
    /// A consistent copy of the SQLite store in <paramref name="file"/> (new, 0600) by SQLite's online backup API, while
    /// the service runs: one read transaction's snapshot, the WAL's committed pages included (a file copy is neither).
    /// Returns how many events and the newest checkpoint's size the copy holds, read from the copy.
    /// </summary>
    public async Task<(long Events, long CheckpointSize)> BackupSqliteAsync(string file, CancellationToken ct = default)
    {
        if (_sqlite is null)
        {
            throw new InvalidOperationException("The online backup is SQLite's; back PostgreSQL up with pg_dump (docs/operations.md).");
        }

        Hosting.PrivateFiles.CreateDirectoryOf(file);
        using (new FileStream(file, Hosting.PrivateFiles.Create(FileMode.CreateNew)))
        {
        }

        try
        {
            await using var source = (SqliteConnection)await OpenAsync(ct);
            await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(file), Pooling = false }.ToString());
            await target.OpenAsync(ct);
            source.BackupDatabase(target);
            // One file to keep: the copy leaves WAL mode (a restored store returns to it at its first start).
            await target.ExecuteAsync("PRAGMA journal_mode = DELETE");
            var check = await target.ExecuteScalarAsync<string>("PRAGMA integrity_check");
            return check == "ok"
                ? (await target.ExecuteScalarAsync<long>("SELECT count(*) FROM events"), await target.ExecuteScalarAsync<long?>("SELECT max(size) FROM checkpoints") ?? 0)
                : throw new InvalidOperationException($"The backup {file} failed SQLite's integrity check: {check}");
        }
        catch
        {
            // Never leave a half-written file that looks like a backup.
            File.Delete(file);
            throw;
        }
    }

    /// <summary>"column is one of @list": an array parameter on PostgreSQL (Dapper hands Npgsql the array whole), a list Dapper expands on SQLite.</summary>
    public string AnyOf(string column, string list) => IsPostgres ? $"{column} = ANY(@{list})" : $"{column} IN @{list}";

    /// <summary>The columns of <see cref="ProposalRow"/> (the features that list proposals select them too).</summary>
    internal const string ProposalColumns =
        "id, village_path, village_code, township_code, title, category, amount_fen, status, result, current_step, step_kind, visit, version, " +
        "definition_key, profile_key, started_at, updated_at, step_entered_at, due_at, overdue, last_hash";

    /// <summary>A proposal's read row (the command path decides on it), or null.</summary>
    public async Task<ProposalRow?> GetProposalAsync(string id, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ProposalRow>($"SELECT {ProposalColumns} FROM proposals WHERE id = @id", new { id });
    }

    /// <summary>The answer kept for a caller's idempotency key, or null (the idempotency behaviour; its row is written by <see cref="CommitAsync"/>).</summary>
    public async Task<IdempotencyRow?> GetIdempotencyAsync(string userId, string key, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<IdempotencyRow>(
            "SELECT user_id, key, request_hash, status, response, created_at FROM idempotency_keys WHERE user_id = @userId AND key = @key",
            new { userId, key });
    }

    public async Task<List<StoredEvent>> LoadEventsAsync(string instanceId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        var rows = await connection.QueryAsync<EventRow>(
            "SELECT instance_id, seq AS sequence, record, prev_hash AS previous_hash, hash " +
            "FROM events WHERE instance_id = @instanceId ORDER BY seq",
            new { instanceId });
        return [.. rows.Select(r => new StoredEvent(r.InstanceId, r.Sequence, r.Record, r.PreviousHash.Trim(), r.Hash.Trim()))];
    }

    /// <summary>Writes one accepted command: events, read row, tasks, timers, disclosures, outbox and idempotency record, all or nothing.</summary>
    /// <exception cref="ConcurrencyConflictException">The stream moved past <see cref="Commit.ExpectedVersion"/>, or the idempotency key was taken meanwhile.</exception>
    public async Task CommitAsync(Commit commit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        try
        {
            if (IsPostgres)
            {
                // One multi-statement command is one implicit transaction on PostgreSQL: all or nothing, one round trip.
                await WriteAsync(connection, null, commit);
            }
            else
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await WriteAsync(connection, tx, commit);
                await tx.CommitAsync(ct);
            }
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            throw new ConcurrencyConflictException($"Instance {commit.InstanceId} moved past version {commit.ExpectedVersion}.", e);
        }
    }

    /// <summary>
    /// The whole commit as one multi-statement command: one round trip, then COMMIT. The events' primary key
    /// (proposal, seq) is the concurrency guard: a command decided on a stale version inserts a sequence
    /// number that exists, and the transaction fails as a whole.
    /// </summary>
    private static async Task WriteAsync(DbConnection connection, DbTransaction? tx, Commit c)
    {
        var b = new Batch();
        if (c.Attachment is { } a)
        {
            // The document with its event, all or nothing (the same file twice is stored once).
            b.Add("INSERT INTO attachments (sha256, media_type, size_bytes, content, stored_at, stored_by) " +
                $"VALUES ({b.P(a.Sha256)}, {b.P(a.MediaType)}, {b.P((long)a.Content.Length)}, {b.P(a.Content)}, {b.P(a.At.ToUniversalTime())}, {b.P(a.By)}) ON CONFLICT DO NOTHING");
        }

        if (c.Contact is { } contact)
        {
            b.Add("INSERT INTO objection_contacts (proposal_id, objection_id, contact, lodged_at) " +
                $"VALUES ({b.P(contact.ProposalId)}, {b.P(contact.ObjectionId)}, {b.P(contact.Contact)}, {b.P(contact.At.ToUniversalTime())})");
        }

        b.Values("events", ["instance_id", "seq", "at", "actor_id", "role", "type", "record", "prev_hash", "hash"], c.Events, e =>
        {
            var header = System.Text.Json.Nodes.JsonNode.Parse(e.Record)!;
            return [e.InstanceId, e.Sequence, DateTimeOffset.Parse((string)header["at"]!, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime(),
                (string)header["actor"]!["id"]!, (string)header["actor"]!["role"]!, (string)header["type"]!, e.Record, e.PreviousHash, e.Hash];
        });

        var p = c.Proposal;
        if (c.ExpectedVersion == 0)
        {
            b.Values("proposals",
                ["id", "village_path", "village_code", "township_code", "title", "category", "amount_fen", "status", "result", "current_step", "step_kind", "visit",
                    "version", "definition_key", "profile_key", "started_at", "updated_at", "step_entered_at", "due_at", "overdue", "last_hash"],
                [p],
                r => [r.Id, r.VillagePath, r.VillageCode, r.TownshipCode, r.Title, r.Category, r.AmountFen, r.Status, r.Result, r.CurrentStep, r.StepKind, r.Visit,
                    r.Version, r.DefinitionKey, r.ProfileKey, r.StartedAt, r.UpdatedAt, r.StepEnteredAt, r.DueAt, r.Overdue, r.LastHash]);
        }
        else
        {
            b.Add($"UPDATE proposals SET status = {b.P(p.Status)}, result = {b.P(p.Result)}, current_step = {b.P(p.CurrentStep)}, step_kind = {b.P(p.StepKind)}, " +
                $"visit = {b.P(p.Visit)}, version = {b.P(p.Version)}, definition_key = {b.P(p.DefinitionKey)}, profile_key = {b.P(p.ProfileKey)}, " +
                $"updated_at = {b.P(p.UpdatedAt)}, step_entered_at = {b.P(p.StepEnteredAt)}, " +
                $"due_at = {b.P(p.DueAt)}, overdue = {b.P(p.Overdue)}, last_hash = {b.P(p.LastHash)} WHERE id = {b.P(p.Id)} AND version = {b.P(c.ExpectedVersion)}");
            b.Add($"UPDATE open_tasks SET closed_at = {b.P(c.At)}, closed_by = {b.P(c.ActorId)} WHERE instance_id = {b.P(c.InstanceId)} AND closed_at IS NULL");
        }

        b.Values("open_tasks", ["instance_id", "task", "role", "visit", "village_path", "step_id", "due_at", "remind_at", "opened_at"], c.OpenTasks,
            t => [t.InstanceId, t.Task, t.Role, t.Visit, t.VillagePath, t.StepId, t.DueAt, t.RemindAt, t.OpenedAt],
            "ON CONFLICT (instance_id, task, role, visit) DO UPDATE SET closed_at = NULL, closed_by = NULL, due_at = excluded.due_at, remind_at = excluded.remind_at");
        b.Values("timers", ["instance_id", "timer_id", "step_id", "visit", "purpose", "on_expiry", "objection_id", "due_at", "status", "created_at"], c.NewTimers,
            t => [t.InstanceId, t.TimerId, t.StepId, t.Visit, t.Purpose, t.OnExpiry, t.ObjectionId, t.DueAt, t.Status, t.CreatedAt],
            "ON CONFLICT DO NOTHING");
        foreach (var (timerId, status) in c.SettledTimers)
        {
            b.Add($"UPDATE timers SET status = {b.P(status)}, settled_at = {b.P(c.At)} " +
                $"WHERE instance_id = {b.P(c.InstanceId)} AND timer_id = {b.P(timerId)} AND status = 'pending'");
        }

        b.Values("disclosures",
            ["instance_id", "step_id", "visit", "village_code", "title", "notice_text", "channels", "period_days", "published_at", "closable_from", "closed_at", "event_seq", "event_hash"],
            c.Disclosures,
            d => [d.InstanceId, d.StepId, d.Visit, d.VillageCode, d.Title, d.NoticeText, d.Channels, d.PeriodDays, d.PublishedAt, d.ClosableFrom, d.ClosedAt, d.EventSeq, d.EventHash],
            "ON CONFLICT (instance_id, step_id, visit) DO NOTHING");
        foreach (var (stepId, visit) in c.ClosedDisclosures)
        {
            b.Add($"UPDATE disclosures SET closed_at = {b.P(c.At)} WHERE instance_id = {b.P(c.InstanceId)} AND step_id = {b.P(stepId)} AND visit = {b.P(visit)}");
        }

        b.Values("outbox", ["instance_id", "kind", "payload", "created_at"], c.Outbox, o => [c.InstanceId, o.Kind, o.Payload, c.At]);
        b.Values("notifications", ["instance_id", "role", "area_path", "kind", "step_id", "text_zh", "text_en", "params", "created_at"], c.Notifications,
            n => [n.InstanceId, n.Role, n.AreaPath, n.Kind, n.StepId, n.TextZh, n.TextEn, n.Params, n.CreatedAt]);
        b.Values("overview_tallies", ["township_code", "metric", "step_id", "bucket", "n"], c.Tallies, t => [t.TownshipCode, t.Metric, t.StepId, t.Bucket, t.N],
            TallyConflict);
        if (c.Idempotency is { } k)
        {
            b.Values("idempotency_keys", ["user_id", "key", "request_hash", "status", "response", "created_at"], [k],
                r => [r.UserId, r.Key, r.RequestHash, r.Status, r.Response, r.CreatedAt]);
        }

        await connection.ExecuteAsync(b.Sql, b.Args, tx);
    }

    private const string TallyConflict = "ON CONFLICT (township_code, metric, step_id, bucket) DO UPDATE SET n = overview_tallies.n + excluded.n";

    /// <summary>Statements and their parameters, gathered into one command.</summary>
    internal sealed class Batch
    {
        private readonly System.Text.StringBuilder _sql = new();
        private int _count;

        public DynamicParameters Args { get; } = new();

        public string Sql => _sql.ToString();

        /// <summary>A parameter for <paramref name="value"/>; returns its placeholder.</summary>
        public string P(object? value)
        {
            var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"p{_count++}");
            Args.Add(name, value);
            return "@" + name;
        }

        public void Add(string statement) => _sql.Append(statement).Append(";\n");

        /// <summary>One multi-row INSERT of <paramref name="rows"/> (nothing when empty).</summary>
        public void Values<T>(string table, string[] columns, IReadOnlyList<T> rows, Func<T, object?[]> values, string suffix = "")
        {
            if (rows.Count == 0)
            {
                return;
            }

            _sql.Append("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns).Append(") VALUES ");
            for (var i = 0; i < rows.Count; i++)
            {
                _sql.Append(i == 0 ? "(" : ", (").AppendJoin(", ", values(rows[i]).Select(P)).Append(')');
            }

            Add(suffix.Length == 0 ? "" : " " + suffix);
        }
    }

    /// <summary>"(role = r0 AND path under g0) OR (…)": one indexed probe per grant.</summary>
    internal static void AppendGrants(System.Text.StringBuilder sql, DynamicParameters args, string roleColumn, string pathColumn, IReadOnlyList<Engine.RoleGrant> grants)
    {
        sql.Append('(');
        for (var i = 0; i < grants.Count; i++)
        {
            sql.Append(i == 0 ? "(" : " OR (").Append(System.Globalization.CultureInfo.InvariantCulture, $"{roleColumn} = @r{i} AND ");
            args.Add($"r{i}", grants[i].Role);
            AppendScopes(sql, args, pathColumn, [grants[i].Scope], $"g{i}");
            sql.Append(')');
        }

        sql.Append(')');
    }

    /// <summary>"path is one of the scopes or under one" ("" is everywhere, no scope is nowhere).</summary>
    internal static void AppendScopes(System.Text.StringBuilder sql, DynamicParameters args, string column, IReadOnlyCollection<string> scopes, string prefix = "s")
    {
        if (scopes.Any(s => s.Length == 0))
        {
            sql.Append("1 = 1");
            return;
        }

        if (scopes.Count == 0)
        {
            sql.Append("1 = 0");
            return;
        }

        sql.Append('(');
        var i = 0;
        foreach (var scope in scopes)
        {
            sql.Append(i == 0 ? "" : " OR ").Append(System.Globalization.CultureInfo.InvariantCulture, $"{column} = @{prefix}{i} OR {column} LIKE @{prefix}{i}l");
            args.Add($"{prefix}{i}", scope);
            args.Add($"{prefix}{i}l", scope + "/%");
            i++;
        }

        sql.Append(')');
    }

    private static bool IsUniqueViolation(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException lite => lite.SqliteErrorCode == 19 && lite.SqliteExtendedErrorCode is 1555 or 2067, // SQLITE_CONSTRAINT_PRIMARYKEY / _UNIQUE
        _ => false,
    };

    private sealed class EventRow
    {
        public string InstanceId { get; set; } = "";
        public int Sequence { get; set; }
        public string Record { get; set; } = "";
        public string PreviousHash { get; set; } = "";
        public string Hash { get; set; } = "";
    }

    // The settings: the deployment's own few values (the shared demo clock's offset, the overview's one-time refill, the
    // demo's seed). Read before any feature is added (the clock is built with the store), and owned by no one feature.
    public async Task<string?> GetSettingAsync(string key, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>("SELECT value FROM settings WHERE key = @key", new { key });
    }

    /// <summary>Sets a numeric setting only upwards (the demo clock's offset never goes back, whichever node writes last).</summary>
    public async Task RaiseSettingAsync(string key, long value, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value " +
            "WHERE CAST(settings.value AS bigint) < CAST(excluded.value AS bigint)",
            new { key, value = value.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    public async Task SetSettingAsync(string key, string value, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value", new { key, value });
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (_postgresOwner is not null)
        {
            await _postgresOwner.DisposeAsync();
        }

        if (_sqlite is not null)
        {
            SqliteConnection.ClearAllPools();
        }
    }
}

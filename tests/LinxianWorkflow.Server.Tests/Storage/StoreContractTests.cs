using System.Data.Common;
using Dapper;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Samples;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.AuditLog;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Features.Noticeboard;
using LinxianWorkflow.Server.Features.Overview;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Notifications;
using LinxianWorkflow.Server.Scheduling;
using LinxianWorkflow.Server.Storage;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Npgsql;

namespace LinxianWorkflow.Server.Tests.Storage;

// One contract, two stores: the same tests against SQLite and a real PostgreSQL (the classes at the bottom).

public abstract class StoreContractTests : IAsyncLifetime
{
    private static readonly WorkflowLibrary Library = new(new WorkflowOptions { CountyProfiles = { ["141124"] = "linxian" } });

    protected Database Store { get; private set; } = null!;

    protected abstract Task<StoreOptions> OptionsAsync();

    public async Task InitializeAsync()
    {
        Store = new Database(await OptionsAsync());
        await Store.MigrateAsync();
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();

    [Fact]
    public async Task Migrating_twice_changes_nothing_and_records_each_script_once()
    {
        await Store.MigrateAsync();
        await using var connection = await Store.OpenAsync();
        var applied = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
        Assert.Equal(Database.Scripts(Store.IsPostgres ? "postgres" : "sqlite").Select(s => (long)s.Version), applied);
    }

    [Fact]
    public async Task A_script_changed_after_it_was_applied_is_refused_at_start_naming_it()
    {
        // As if this build's 0002 differed from the one the database ran: its recorded checksum no longer matches.
        await using (var owner = await OpenOwnerAsync())
        {
            Assert.Equal(1, await owner.ExecuteAsync("UPDATE schema_checksums SET sha256 = @other WHERE version = 2", new { other = new string('0', 64) }));
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.MigrateAsync());
        Assert.Contains("Migration 0002", refused.Message, StringComparison.Ordinal);
        Assert.Contains("new numbered script", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A connection as the schema's owner (the service's own login may not touch the migration tables).</summary>
    protected virtual async Task<DbConnection> OpenOwnerAsync() => await Store.OpenAsync();

    [Fact]
    public async Task A_sample_proposal_is_stored_event_by_event_and_reads_back_hash_by_hash()
    {
        var id = await WalkAsync(steps: 1000);

        var stored = await Store.LoadEventsAsync(id);
        Assert.Null(EventCodec.Verify(id, stored));
        var state = InstanceState.From(stored.Select(e => EventCodec.Decode(e.Record)));
        Assert.Equal(InstanceStatus.Ended, state.Status);
        var row = await Store.GetProposalAsync(id);
        Assert.Equal(state.Version, row!.Version);
        Assert.Equal("ended", row.Status);
        Assert.Equal(stored[^1].Hash, row.LastHash.Trim());
        Assert.All(await new TimerQueries(Store).OfProposalAsync(id), t => Assert.NotEqual("pending", t.Status));
        Assert.Equal(2, (await new DisclosureQueries(Store, Library).OfVillageAsync("141124109207")).Count(d => d.InstanceId == id && d.ClosedAt is not null));
    }

    [Fact]
    public async Task The_features_queries_read_every_column_by_its_underscored_name()
    {
        // Dapper maps step_entered_at to StepEnteredAt (no hand aliases): a column it failed to map would read as a default here.
        var ended = await WalkAsync(steps: 1000);
        var running = await WalkAsync(steps: 2);
        var started = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

        var listed = Assert.Single(await new Server.Features.Proposals.ProposalQueries(Store).ListAsync(new Server.Features.Proposals.ProposalFilter(Status: "running"), ["141124"]), p => p.Id == running);
        Assert.Equal(("141124/141124109/141124109207", "141124109207", "141124109"), (listed.VillagePath, listed.VillageCode, listed.TownshipCode));
        Assert.Equal(("硬化村内主干道800米", "public-welfare", 4_800_000L, "running"), (listed.Title, listed.Category, listed.AmountFen, listed.Status));
        Assert.Equal(started, listed.StartedAt);
        Assert.True(listed.Version > 2 && listed.Visit > 0 && listed.StepEnteredAt > started && listed.UpdatedAt > started);
        Assert.All(new[] { listed.CurrentStep, listed.StepKind, listed.DefinitionKey, listed.ProfileKey, listed.LastHash }, Assert.NotEmpty);
        var loaded = await Store.GetProposalAsync(running);
        Assert.Equal((listed.CurrentStep, listed.Version, listed.LastHash, listed.DueAt), (loaded!.CurrentStep, loaded.Version, loaded.LastHash, loaded.DueAt));

        await using (var connection = await Store.OpenAsync())
        {
            var role = await connection.QuerySingleAsync<string>("SELECT role FROM open_tasks WHERE instance_id = @running AND closed_at IS NULL LIMIT 1", new { running });
            var task = Assert.Single(await new Server.Features.Proposals.ProposalQueries(Store).InboxAsync([new Engine.RoleGrant(role, "141124")]), t => t.InstanceId == running && t.Role == role);
            Assert.Equal(("硬化村内主干道800米", "141124109207", listed.CurrentStep), (task.Title, task.VillageCode, task.StepId));
            Assert.NotEmpty(task.Task);
            Assert.True(task.OpenedAt > started);
        }

        var timers = await new TimerQueries(Store).OfProposalAsync(ended);
        Assert.NotEmpty(timers);
        Assert.All(timers, t =>
        {
            Assert.Equal(ended, t.InstanceId);
            Assert.All(new[] { t.TimerId, t.StepId, t.Purpose, t.OnExpiry, t.Status }, Assert.NotEmpty);
            Assert.True(t.Visit > 0 && t.DueAt > started && t.CreatedAt >= started);
        });

        var disclosures = new DisclosureQueries(Store, Library);
        var posted = (await disclosures.OfVillageAsync("141124109207")).Where(d => d.InstanceId == ended).ToList();
        Assert.Equal(2, posted.Count);
        Assert.All(posted, d =>
        {
            Assert.All(new[] { d.StepId, d.VillageCode, d.Title, d.NoticeText, d.Channels, d.EventHash }, Assert.NotEmpty);
            Assert.True(d.Visit > 0 && d.PeriodDays > 0 && d.EventSeq > 0 && d.PublishedAt > started && d.ClosableFrom > d.PublishedAt && d.ClosedAt > d.PublishedAt);
        });
        var streamed = new List<DisclosureRow>();
        await foreach (var d in disclosures.AllAsync())
        {
            streamed.Add(d);
        }

        static string Key(DisclosureRow d) => $"{d.InstanceId} {d.StepId} {d.Visit} {d.EventSeq} {d.EventHash} {d.PublishedAt:O} {d.ClosedAt:O} {d.Title}";
        Assert.Equal(posted.Select(Key).Order(), streamed.Where(d => d.InstanceId == ended).Select(Key).Order());
        Assert.Equal(Key(posted[0]), Key((await disclosures.ByEventAsync(ended, posted[0].EventSeq))!));
        Assert.Contains("141124109207", await disclosures.VillagesAsync());

        var overview = new OverviewQueries(Store);
        var standing = await overview.StandingCountsAsync(["141124109"], [listed.DefinitionKey]);
        Assert.Contains(standing, s => s.Township == "141124109" && s.Step == listed.CurrentStep && s.Status == "running" && s.Category == "public-welfare" && s.Band == 1 && s.N >= 1);
        Assert.Empty(await overview.StandingCountsAsync(["141124109"], ["no-such-procedure@1"]));
        Assert.Contains(await overview.TallyCountsAsync(null), t => t.Metric.Length > 0 && t.StepId.Length > 0 && t.N > 0);
        // The ended walk took its days from start to end: one bucket of tenths of a day holds it.
        var closing = await overview.CloseTimesAsync(["141124109"], [listed.DefinitionKey]);
        Assert.Contains(closing, c => c.Bucket > 0 && c.N >= 1);
    }

    [Fact]
    public async Task The_users_outbox_log_and_witness_queries_read_every_column_by_its_underscored_name()
    {
        // The queries moved out of the core's partial files (issue 15): each column read back, so one Dapper failed to map reads as a default.
        var at = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
        var users = new UserQueries(Store);
        var addresses = new AddressQueries(Store);
        Assert.True(await users.AddAsync(new UserRow { Id = "u-contract", UserName = "contract", DisplayName = "合同", PasswordHash = "hash", Grants = "[]", CreatedAt = at }));
        await addresses.SetUserAddressesAsync("u-contract", "13800000000", "wecom-contract", at);
        var user = (await users.FindAsync("contract"))!;
        Assert.Equal(("u-contract", "合同", "hash", "[]", at), (user.Id, user.DisplayName, user.PasswordHash, user.Grants, user.CreatedAt));
        Assert.Equal(("13800000000", "wecom-contract", (DateTimeOffset?)at, (DateTimeOffset?)null), (user.Phone, user.WeComId, user.WeComVerifiedAt, user.PhoneVerifiedAt));

        await addresses.PutAddressCodeAsync("u-contract", "sms", "13800000000", "code-hash", at.AddMinutes(10), at);
        var (code, spent) = await addresses.TakeCodeTryAsync("u-contract", "sms", 5, at);
        Assert.True(spent);
        Assert.Equal(("13800000000", "code-hash", 1, at.AddMinutes(10)), (code!.Address, code.CodeHash, code.Tries, code.ExpiresAt));
        var own = (await addresses.OwnAddressesAsync("u-contract"))!;
        Assert.Equal(("13800000000", "wecom-contract", (DateTimeOffset?)at, (DateTimeOffset?)at.AddMinutes(10)), (own.Phone, own.WeComId, own.WeComVerifiedAt, own.CodeExpiresAt));
        Assert.True(own.SmsWanted && own.WeComWanted);
        Assert.True(await addresses.ConfirmPhoneAsync("u-contract", "13800000000", at));
        var reachable = Assert.Single(await new DeliveryQueries(Store).ReachableUsersAsync(), u => u.Id == "u-contract");
        Assert.Equal(("contract", (DateTimeOffset?)at, "wecom-contract"), (reachable.UserName, reachable.PhoneVerifiedAt, reachable.WeComId));

        await users.AddTokenAsync(new TokenRow { TokenHash = "token-hash", UserId = "u-contract", Kind = "api", Name = "脚本", CreatedAt = at, ExpiresAt = at.AddDays(1) });
        var token = Assert.Single(await users.ListTokensAsync("u-contract"));
        Assert.Equal(("token-hash", "u-contract", "api", "脚本", at, (DateTimeOffset?)at.AddDays(1)), (token.TokenHash.Trim(), token.UserId, token.Kind, token.Name, token.CreatedAt, token.ExpiresAt));
        Assert.Equal("contract", (await users.ByTokenAsync("token-hash", at))!.UserName);
        var hit = await new RateLimits(Store).HitAsync("contract:1", TimeSpan.FromMinutes(1), at);
        Assert.Equal((1, at), (hit.Hits, hit.WindowStartedAt));

        var notifications = new NotificationQueries(Store);
        Assert.Equal(1, await notifications.AddOnceAsync([new NotificationRow
        {
            InstanceId = "T-contract", Role = "village-secretary", AreaPath = "141124/141124109/141124109207", Kind = "reminder", StepId = "step",
            TextZh = "提醒", TextEn = "Reminder", Params = "[\"a\"]", CreatedAt = at,
        }]));
        var notification = Assert.Single(await notifications.UnroutedAsync(100), n => n.InstanceId == "T-contract");
        Assert.Equal(("village-secretary", "141124/141124109/141124109207", "reminder", "step", "提醒", "Reminder", "[\"a\"]", at),
            (notification.Role, notification.AreaPath, notification.Kind, notification.StepId, notification.TextZh, notification.TextEn, notification.Params, notification.CreatedAt));
        var deliveries = new DeliveryQueries(Store);
        await deliveries.RouteAsync(notification.Id, [new DeliveryRow { NotificationId = notification.Id, Channel = "sms", Recipient = "u-contract", NextAttemptAt = at, CreatedAt = at }], at);
        Assert.Equal((DateTimeOffset?)at, Assert.Single(await notifications.ByIdAsync([notification.Id])).RoutedAt);
        var claimed = Assert.Single(await deliveries.ClaimDueAsync(at, at.AddMinutes(1), 10));
        Assert.Equal((notification.Id, "sms", "u-contract", "pending", 1, at, at), (claimed.NotificationId, claimed.Channel, claimed.Recipient, claimed.Status, claimed.Attempts, claimed.NextAttemptAt, claimed.CreatedAt));
        Assert.True(await deliveries.RecordAsync(claimed, "sent", at, null, "provider-1", at));
        Assert.True(await deliveries.RecordReceiptAsync("sms", "provider-1", "delivered", at, "DELIVRD"));
        var sent = Assert.Single(await deliveries.OfNotificationsAsync([notification.Id]));
        Assert.Equal(("sent", "provider-1", (DateTimeOffset?)at, "delivered", (DateTimeOffset?)at, "DELIVRD"), (sent.Status, sent.ProviderMessageId, sent.SentAt, sent.ReceiptStatus, sent.ReceiptAt, sent.ReceiptDetail));

        var id = await WalkAsync(steps: 2);
        var events = await Store.LoadEventsAsync(id);
        var log = new LogQueries(Store);
        var witnesses = new WitnessQueries(Store);
        await using (var connection = await Store.OpenAsync())
        {
            var feed = (await LogQueries.FeedAsync(connection, 1000)).Where(f => f.InstanceId == id).ToList();
            Assert.Equal(events.Select(e => (int?)e.Sequence), feed.Select(f => f.Seq));
            Assert.All(feed, f => Assert.True(f.OutboxId > 0 && f.Record is { Length: > 0 }));
            var leaves = events.Select((e, i) => new LogLeafRow { Position = i, InstanceId = id, Seq = e.Sequence, LeafHash = "leaf-" + i }).ToList();
            await LogQueries.AppendAsync(connection, leaves, [.. feed.Select(f => f.OutboxId).Distinct()], new CheckpointRow { Size = leaves.Count, Root = "root", Note = "note", CreatedAt = at }, at);
            Assert.True(await LogQueries.AddKeyAsync(connection, new LogKeyRow { Seq = 1, VerifierKey = "key", SignsAfter = 0, HandOver = "hand-over", CreatedAt = at }));
        }

        var checkpoint = (await log.LatestCheckpointAsync())!;
        Assert.Equal(((long)events.Count, "root", "note", at), (checkpoint.Size, checkpoint.Root.TrimEnd(), checkpoint.Note, checkpoint.CreatedAt)); // a fixed-width column on PostgreSQL pads it
        Assert.Equal("note", (await log.CheckpointAsync(events.Count))!.Note);
        var leaf = (await log.LeafAsync(id, events[1].Sequence))!;
        Assert.Equal((1L, id, events[1].Sequence, "leaf-1"), (leaf.Position, leaf.InstanceId, leaf.Seq, leaf.LeafHash.Trim()));
        Assert.Equal(events.Count, (await log.LeavesOfAsync(id)).Count);
        var entries = new List<LogEntryRow>();
        await foreach (var e in log.EntriesAsync(0, events.Count))
        {
            entries.Add(e);
        }

        Assert.Equal(events.Select(e => (id, e.Sequence, e.Record, e.PreviousHash, e.Hash)), entries.Select(e => (e.InstanceId, e.Seq, e.Record!, e.PrevHash!.Trim(), e.Hash!.Trim())));
        var key = Assert.Single(await log.KeysAsync());
        Assert.Equal((1, "key", 0L, "hand-over", at), (key.Seq, key.VerifierKey, key.SignsAfter, key.HandOver, key.CreatedAt));

        await witnesses.RegisterAsync("141124109", "witness-key", at, "u-contract");
        Assert.Equal("witness-key", await witnesses.KeyAsync("141124109"));
        Assert.True(await witnesses.AddRestartAsync(new WitnessRestartRow { Township = "141124109", Epoch = 1, HandOver = "restart", RestartSize = 1, AcceptedAt = at, AcceptedBy = "u-contract" }));
        var restart = (await witnesses.LastRestartAsync("141124109"))!;
        Assert.Equal(("141124109", 1, "restart", 1L, at, "u-contract"), (restart.Township, restart.Epoch, restart.HandOver, restart.RestartSize, restart.AcceptedAt, restart.AcceptedBy));
        Assert.True(await witnesses.AddSignatureAsync(new WitnessSignatureRow { Township = "141124109", Epoch = 1, Size = 2, Note = "co-signed", SignedAt = at, SignedBy = "u-contract" }));
        var signature = (await witnesses.LastSignatureAsync("141124109"))!;
        Assert.Equal(("141124109", 1, 2L, "co-signed", at, "u-contract"), (signature.Township, signature.Epoch, signature.Size, signature.Note, signature.SignedAt, signature.SignedBy));
        Assert.Equal("co-signed", Assert.Single(await witnesses.SignaturesUpToAsync(long.MaxValue)).Note);
    }

    [Fact]
    public async Task Tampering_with_a_stored_record_breaks_the_chain_at_that_event()
    {
        var id = await WalkAsync(steps: 6);
        var stored = await Store.LoadEventsAsync(id);
        var edited = stored.ToList();
        edited[3] = edited[3] with { Record = edited[3].Record.Replace("\"seq\":4", "\"seq\":4 ", StringComparison.Ordinal) };
        Assert.StartsWith("event 4:", EventCodec.Verify(id, edited));
        Assert.StartsWith("event 3:", EventCodec.Verify(id, [.. stored.Take(2), .. stored.Skip(3)]));
        var moved = stored.ToList();
        moved[3] = moved[3] with { Record = moved[3].Record.Replace("\"seq\":4", "\"seq\":5", StringComparison.Ordinal) };
        Assert.Equal("event 4: its record names another proposal or position", EventCodec.Verify(id, moved));
        Assert.StartsWith("event 2:", EventCodec.Verify(id, [stored[0], stored[2], stored[1], .. stored.Skip(3)]));
    }

    [Fact]
    public async Task A_commit_against_a_stale_version_is_refused_and_writes_nothing()
    {
        var id = await WalkAsync(steps: 2);
        var before = await Store.LoadEventsAsync(id);
        var state = InstanceState.From(before.Take(before.Count - 1).Select(e => EventCodec.Decode(e.Record)));

        // Replay the last command's events on the state before them: same sequence numbers, so the store must refuse.
        var (definition, profile) = Library.For(state);
        var last = EventCodec.Decode(before[^1].Record);
        var decision = new Decision([last with { ActorId = "someone-else" }], state.Apply(last), null);
        var chained = EventCodec.Chain(id, before[^2].Hash, decision.Events);
        var commit = Projection.Build(definition, profile, state, decision, chained, SiyiPeople.For("141124/141124109/141124109207").Secretary, last.At, null);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.CommitAsync(commit));
        var after = await Store.LoadEventsAsync(id);
        Assert.Equal(before.Select(e => e.Hash), after.Select(e => e.Hash));
    }

    [Fact]
    public async Task Areas_are_added_and_renamed_by_code_and_read_back_in_code_order()
    {
        var areas = new AreaQueries(Store);
        Assert.Empty(await areas.AllAsync());
        await areas.UpsertAsync([new("141124109207", "西湾村委会", "141124109", AreaLevel.Village), new("141124109", "碛口镇", "141124", AreaLevel.Township)]);
        await areas.UpsertAsync([new("141124109207", "西湾村民委员会", "141124109", AreaLevel.Village), new("141124", "临县", null, AreaLevel.County)]);
        Assert.Equal(
            [new Area("141124", "临县", null, AreaLevel.County), new Area("141124109", "碛口镇", "141124", AreaLevel.Township), new Area("141124109207", "西湾村民委员会", "141124109", AreaLevel.Village)],
            await areas.AllAsync());
    }

    [Fact]
    public async Task The_database_refuses_to_update_or_delete_events()
    {
        var id = await WalkAsync(steps: 2);
        await using var connection = await Store.OpenAsync();
        await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("UPDATE events SET record = 'x' WHERE instance_id = @id", new { id }));
        await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("DELETE FROM events WHERE instance_id = @id", new { id }));
        await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("DELETE FROM events"));
        Assert.Null(EventCodec.Verify(id, await Store.LoadEventsAsync(id)));
    }

    protected async Task<string> WalkAsync(int steps)
    {
        var id = "T-" + Guid.NewGuid().ToString("N")[..12];
        const string Village = "141124/141124109/141124109207";
        var people = SiyiPeople.For(Village);
        var now = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
        var clock = new Clock { Now = now };
        var runner = new ProposalRunner(Store, Library, clock, new InstanceCache());
        await runner.RunAsync(id, people.Secretary,
            new StartProposal(id, Village, "硬化村内主干道800米", "预算4.8万元。", "public-welfare", 48_000m, "villager-suggestion"), null, default);
        for (var i = 0; i < steps; i++)
        {
            var state = InstanceState.From((await Store.LoadEventsAsync(id)).Select(e => EventCodec.Decode(e.Record)));
            var (definition, profile) = Library.For(state);
            if (SampleDriver.Next(definition, profile, state, people, clock.Now) is not { } next)
            {
                break;
            }

            clock.Now = next.At;
            await runner.RunAsync(id, next.Actor, next.Command, null, default);
        }

        return id;
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }
}

public sealed class SqliteStoreTests : StoreContractTests
{
    protected override Task<StoreOptions> OptionsAsync() => Task.FromResult(new StoreOptions
    {
        SqlitePath = Path.Combine(Path.GetTempPath(), $"linxian-store-{Guid.NewGuid():N}", "linxian.db"),
    });
}

public sealed class PostgresStoreTests : StoreContractTests
{
    private string _owner = "";

    protected override async Task<StoreOptions> OptionsAsync()
    {
        var (app, owner) = await PostgresServer.CreateDatabaseAsync("store");
        _owner = owner;
        return new StoreOptions { Provider = "postgres", Postgres = app, PostgresMigrations = owner };
    }

    protected override async Task<DbConnection> OpenOwnerAsync()
    {
        var connection = new NpgsqlConnection(_owner);
        await connection.OpenAsync();
        return connection;
    }

    [Fact]
    public async Task The_application_role_has_no_update_delete_or_truncate_on_events_and_the_owner_is_stopped_by_the_trigger()
    {
        var id = await WalkAsync(steps: 2);
        await using var app = await Store.OpenAsync();
        foreach (var sql in new[] { "UPDATE events SET record = 'x'", "DELETE FROM events", "TRUNCATE events" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync(sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            Assert.Contains("permission denied", refused.MessageText, StringComparison.Ordinal);
        }

        await using var owner = new NpgsqlConnection(_owner);
        await owner.OpenAsync();
        foreach (var sql in new[] { "UPDATE events SET record = 'x'", "DELETE FROM events", "TRUNCATE events" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync(sql));
            Assert.Contains("events are append-only", refused.MessageText, StringComparison.Ordinal);
        }

        Assert.Null(EventCodec.Verify(id, await Store.LoadEventsAsync(id)));
    }
}

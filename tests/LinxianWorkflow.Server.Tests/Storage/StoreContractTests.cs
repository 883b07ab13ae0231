using System.Data.Common;
using Dapper;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Samples;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Storage;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Npgsql;

namespace LinxianWorkflow.Server.Tests.Storage;

// One contract, two stores: the same tests against SQLite and a real PostgreSQL (the classes at the bottom).

public abstract class StoreContractTests : IAsyncLifetime
{
    private static readonly WorkflowLibrary Library = new(new WorkflowOptions { CountyProfiles = { ["141124"] = "linxian" } });

    protected WorkflowStore Store { get; private set; } = null!;

    protected abstract Task<StoreOptions> OptionsAsync();

    public async Task InitializeAsync()
    {
        Store = new WorkflowStore(await OptionsAsync());
        await Store.MigrateAsync();
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();

    [Fact]
    public async Task Migrating_twice_changes_nothing_and_records_each_script_once()
    {
        await Store.MigrateAsync();
        await using var connection = await Store.OpenAsync();
        var applied = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
        Assert.Equal(WorkflowStore.Scripts(Store.IsPostgres ? "postgres" : "sqlite").Select(s => (long)s.Version), applied);
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
        Assert.All(await Store.TimersAsync(id), t => Assert.NotEqual("pending", t.Status));
        Assert.Equal(2, (await Store.DisclosuresAsync("141124109207")).Count(d => d.InstanceId == id && d.ClosedAt is not null));
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
        var commit = Projection.Build(definition, profile, state, decision, chained, SampleActors.For("141124/141124109/141124109207").Secretary, last.At, null);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.CommitAsync(commit));
        var after = await Store.LoadEventsAsync(id);
        Assert.Equal(before.Select(e => e.Hash), after.Select(e => e.Hash));
    }

    [Fact]
    public async Task Areas_are_added_and_renamed_by_code_and_read_back_in_code_order()
    {
        Assert.Empty(await Store.AreasAsync());
        await Store.UpsertAreasAsync([new("141124109207", "西湾村委会", "141124109", AreaLevel.Village), new("141124109", "碛口镇", "141124", AreaLevel.Township)]);
        await Store.UpsertAreasAsync([new("141124109207", "西湾村民委员会", "141124109", AreaLevel.Village), new("141124", "临县", null, AreaLevel.County)]);
        Assert.Equal(
            [new Area("141124", "临县", null, AreaLevel.County), new Area("141124109", "碛口镇", "141124", AreaLevel.Township), new Area("141124109207", "西湾村民委员会", "141124109", AreaLevel.Village)],
            await Store.AreasAsync());
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
        var people = SampleActors.For(Village);
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

using Dapper;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Areas;

/// <summary>The <c>areas</c> table: read whole at start into <see cref="AreaRegistry"/> (a county is a few hundred rows), written by the import.</summary>
public sealed class AreaQueries(Database store)
{
    /// <summary>Every area, ordered by code.</summary>
    public async Task<List<Area>> AllAsync(CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Code, string Name, string? ParentCode, string Level)>(new CommandDefinition(
            "SELECT code, name, parent_code, level FROM areas ORDER BY code", cancellationToken: ct));
        return [.. rows.Select(r => new Area(r.Code, r.Name, r.ParentCode,
            Area.LevelOf(r.Level) ?? throw new InvalidOperationException($"Area {r.Code} has an unknown level '{r.Level}'.")))];
    }

    /// <summary>Adds the areas, or updates their name, parent and level by code; all in one transaction. Nothing is deleted.</summary>
    public async Task UpsertAsync(IReadOnlyList<Area> areas, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(
            """
            INSERT INTO areas (code, name, parent_code, level) VALUES (@Code, @Name, @ParentCode, @Level)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code, level = excluded.level
            """,
            areas.Select(a => new { a.Code, a.Name, a.ParentCode, Level = a.LevelName }), tx);
        await tx.CommitAsync(ct);
    }
}

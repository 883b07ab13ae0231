using System.Data;
using System.Globalization;
using Dapper;

namespace LinxianWorkflow.Server.Storage;

/// <summary>
/// Reads instants back from either database as a UTC <see cref="DateTimeOffset"/> (timestamptz from
/// PostgreSQL, text from SQLite). Dapper does not consult handlers for the parameters of its built-in types,
/// so writes bind DateTimeOffset natively; every instant written is UTC (rows normalise, the clock is UTC),
/// and SQLite's "yyyy-MM-dd HH:mm:ss.FFFFFFF+00:00" text then sorts as time does.
/// </summary>
internal sealed class UtcTimeHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public static void Register() => SqlMapper.AddTypeHandler(new UtcTimeHandler());

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.ToUniversalTime();

    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTimeOffset d => d.ToUniversalTime(),
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new InvalidCastException($"Cannot read an instant from {value.GetType().Name}."),
    };
}

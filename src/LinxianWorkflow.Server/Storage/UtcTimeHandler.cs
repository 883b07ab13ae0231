using System.Data;
using System.Globalization;
using Dapper;
using Npgsql;

namespace LinxianWorkflow.Server.Storage;

/// <summary>
/// Instants are written in UTC: timestamptz on PostgreSQL, sortable text on SQLite
/// ("yyyy-MM-dd HH:mm:ss.FFFFFFF"), and read back from either as a UTC <see cref="DateTimeOffset"/>.
/// </summary>
internal sealed class UtcTimeHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public const string SqliteFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    public static void Register() => SqlMapper.AddTypeHandler(new UtcTimeHandler());

    public static string ToSqlite(DateTimeOffset value) => value.UtcDateTime.ToString(SqliteFormat, CultureInfo.InvariantCulture);

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        if (parameter is NpgsqlParameter)
        {
            parameter.Value = value.ToUniversalTime();
        }
        else
        {
            parameter.DbType = DbType.String;
            parameter.Value = ToSqlite(value);
        }
    }

    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTimeOffset d => d.ToUniversalTime(),
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new InvalidCastException($"Cannot read an instant from {value.GetType().Name}."),
    };
}

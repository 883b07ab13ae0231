using System.ComponentModel.DataAnnotations;

namespace LinxianWorkflow.Server.Storage;

/// <summary>Which database, and how to reach it (appsettings "Storage" section; docs/operations.md); checked at start.</summary>
public sealed class StoreOptions : IValidatableObject
{
    /// <summary>"sqlite" (the embedded default) or "postgres".</summary>
    [RegularExpression("(?i)^(sqlite|postgres)$", ErrorMessage = "Storage:Provider is sqlite or postgres.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>For SQLite, the database file (relative to the working directory).</summary>
    public string SqlitePath { get; set; } = "data/linxian.db";

    /// <summary>
    /// For PostgreSQL, the service's connection string (a login in linxian_app: SELECT/INSERT on events only); from the
    /// environment (Storage__Postgres) or read from the 0600 file Storage:PostgresFile at start, never the command line.
    /// </summary>
    public string? Postgres { get; set; }

    /// <summary>
    /// For PostgreSQL, the owner's connection string (or the 0600 file Storage:PostgresMigrationsFile), for the `migrate`
    /// command; given to the service, it migrates at start. Without it the service only checks the schema.
    /// </summary>
    public string? PostgresMigrations { get; set; }

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsPostgres && string.IsNullOrWhiteSpace(Postgres))
        {
            yield return new ValidationResult("Storage:Postgres (the service's connection string) is required with Storage:Provider=postgres.", [nameof(Postgres)]);
        }
        else if (!IsPostgres && string.IsNullOrWhiteSpace(SqlitePath))
        {
            yield return new ValidationResult("Storage:SqlitePath is required with SQLite.", [nameof(SqlitePath)]);
        }
    }
}

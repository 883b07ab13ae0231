namespace LinxianWorkflow.Server.AuditLog;

public static class LogSetup
{
    /// <summary>
    /// The Merkle log's key, tree, wake-up and identity, its queries and the witnesses', added with the application (handlers,
    /// pages and the batcher read them; <c>rotate-log-key</c> gets them too). The batcher itself runs with the scheduling services.
    /// </summary>
    public static void AddAuditLog(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LogKey>();
        builder.Services.AddSingleton<LogNudge>();
        builder.Services.AddSingleton<LogTree>();
        builder.Services.AddSingleton<LogIdentity>();
        builder.Services.AddSingleton<LogQueries>();
        builder.Services.AddSingleton<WitnessQueries>();
    }
}

namespace LinxianWorkflow.Server.Features.Overview;

public static class OverviewSetup
{
    /// <summary>The overview's queries (the page and the start's one-time refill of its counters read them).</summary>
    public static void AddOverview(this WebApplicationBuilder builder) => builder.Services.AddSingleton<OverviewQueries>();
}

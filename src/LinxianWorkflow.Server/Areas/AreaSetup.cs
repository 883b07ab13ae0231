namespace LinxianWorkflow.Server.Areas;

public static class AreaSetup
{
    /// <summary>
    /// The areas by name (loaded at start by <see cref="AreaRegistry.LoadAsync"/>), seeded from Areas:Folder, by default
    /// areas/ beside the program (copied from workflows/areas/), and their table's queries.
    /// </summary>
    public static void AddAreas(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(new AreaRegistry(builder.Configuration["Areas:Folder"] ?? Path.Combine(AppContext.BaseDirectory, "areas")));
        builder.Services.AddSingleton<AreaQueries>();
    }
}

namespace LinxianWorkflow.Server.Features.Identity;

public static class IdentitySetup
{
    /// <summary>The users', tokens' and addresses' queries, added with the application (Mediator builds every handler at once).</summary>
    public static void AddIdentityQueries(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<UserQueries>();
        builder.Services.AddSingleton<AddressQueries>();
    }
}

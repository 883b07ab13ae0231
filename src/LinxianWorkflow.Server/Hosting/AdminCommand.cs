using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>`create-admin &lt;userName&gt; [county]`: the first administrator, with a generated password printed once.</summary>
public static class AdminCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            await Console.Error.WriteLineAsync("usage: create-admin <userName> [county area code] [--Storage:Provider=postgres --Storage:PostgresFile=...]");
            return 2;
        }

        var scope = args.Length > 1 && !args[1].StartsWith('-') ? args[1] : "";
        var builder = WebApplication.CreateBuilder(ServerArgs.Options([.. args.Where(a => a.StartsWith('-'))]));
        builder.AddStorage();
        builder.AddApplication();
        builder.AddIdentity();
        await using var app = builder.Build();
        await ServerApp.MigrateOrCheckAsync(app.Services.GetRequiredService<Database>());
        try
        {
            var created = await app.Services.GetRequiredService<ISender>().Send(new CreateFirstAdministrator(args[0], scope));
            Console.WriteLine($"管理员已创建 / administrator created: {created.UserName}");
            Console.WriteLine($"初始密码 / generated password (shown once): {created.GeneratedPassword}");
            return 0;
        }
        catch (ProblemException e)
        {
            await Console.Error.WriteLineAsync($"{e.Text.Zh} / {e.Text.En}");
            return 1;
        }
    }
}

using LinxianWorkflow.Server.Features.Admin;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Features.Noticeboard;
using LinxianWorkflow.Server.Hosting;

// `create-admin <userName> [county]` adds the first administrator and prints a generated password.
if (args.Length > 0 && args[0] == "create-admin")
{
    return await AdminCommand.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(ServerArgs.Options(args));
builder.AddStorage();
builder.AddApplication();
builder.AddIdentity();
builder.AddHttpApi();

var app = builder.Build();
await app.PrepareAsync();
app.UseHttpApi();
app.MapProposals();
app.MapPublic();
app.MapIdentity();
app.MapAdmin();
await app.RunAsync();
return 0;

using LinxianWorkflow.Server.Features.Admin;
using LinxianWorkflow.Server.Features.Areas;
using LinxianWorkflow.Server.Features.Audit;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Features.Noticeboard;
using LinxianWorkflow.Server.Features.Rosters;
using LinxianWorkflow.Server.Features.Notifications;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Web;
using LinxianWorkflow.Server.Scheduling;
using LinxianWorkflow.Server.Telemetry;

ServerApp.ReportRefusals();

// `migrate` brings the schema up to this build with the owner's login; the service then needs only its own.
if (args.Length > 0 && args[0] == "migrate")
{
    return await MigrateCommand.RunAsync(args[1..]);
}

// `backup <file>` copies the embedded SQLite store consistently while the service runs.
if (args.Length > 0 && args[0] == "backup")
{
    return await BackupCommand.RunAsync(args[1..]);
}

// `create-admin <userName> [county]` adds the first administrator and prints a generated password.
if (args.Length > 0 && args[0] == "create-admin")
{
    return await AdminCommand.RunAsync(args[1..]);
}

// `import-areas <file>` adds or renames areas from a table (ours or the NBS's) and reports what changed.
if (args.Length > 0 && args[0] == "import-areas")
{
    return await ImportAreasCommand.RunAsync(args[1..]);
}

// `rotate-log-key [--after-restore]` hands the Merkle log over to a new key, signed by the old one.
if (args.Length > 0 && args[0] == "rotate-log-key")
{
    return await RotateLogKeyCommand.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(ServerArgs.Options(args));
builder.AddStorage();
builder.AddApplication();
builder.AddIdentity();
builder.AddKeyRing();
builder.AddHttpApi();
builder.AddHealth();
builder.AddProxies();
builder.AddTelemetry();
builder.AddScheduling();
builder.AddPages();

var app = builder.Build();
await app.PrepareAsync();
await app.PrepareSchedulingAsync();
app.UseProxies();
app.UsePages();
app.UseHttpApi();
app.UseScheduling();
app.MapProposals();
app.MapPublic();
app.MapIdentity();
app.MapAdmin();
app.MapAudit();
app.MapAreas();
app.MapRosters();
app.MapNotifications();
app.MapPages();
app.MapTelemetry();
await app.RunAsync();
return 0;

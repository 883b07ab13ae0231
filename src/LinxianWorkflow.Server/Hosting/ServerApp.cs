using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.AuditLog;
using LinxianWorkflow.Server.Demo;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Features.Noticeboard;
using LinxianWorkflow.Server.Features.Overview;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Notifications;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using StoreOptions = LinxianWorkflow.Server.Storage.StoreOptions;
using Scalar.AspNetCore;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>The service's parts, each added and mapped by name from Program.cs.</summary>
public static class ServerApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>--demo: a separate SQLite file with the demo county, demo users and a clock that may be moved.</summary>
    public static bool IsDemo(WebApplicationBuilder builder) => builder.Configuration.GetValue<bool>("Demo");

    /// <summary>Settings read before the container exists, checked by the same rules the options pattern applies (OptionsValidationException naming each).</summary>
    public static void Check<TOptions>(TOptions options)
        where TOptions : class
    {
        var result = new Microsoft.Extensions.Options.DataAnnotationValidateOptions<TOptions>(null).Validate(null, options);
        if (result.Failed)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(typeof(TOptions).Name, typeof(TOptions), result.Failures);
        }
    }

    /// <summary>
    /// A refusal to start (<see cref="StartRefusedException"/>) is printed as its message alone and ends the process with
    /// code 1: it names what the operator must fix, and a stack trace would bury it.
    /// </summary>
    public static void ReportRefusals() => AppDomain.CurrentDomain.UnhandledException += (_, e) =>
    {
        if (e.ExceptionObject is StartRefusedException refused)
        {
            Console.Error.WriteLine(refused.Message);
            Environment.Exit(1);
        }
    };

    public static void AddStorage(this WebApplicationBuilder builder)
    {
        // Connection strings may come from files readable by the service's user only (never the command line).
        var secrets = new Dictionary<string, string?>();
        foreach (var setting in new[] { "Storage:Postgres", "Storage:PostgresMigrations" })
        {
            if (builder.Configuration[setting + "File"] is { Length: > 0 } file)
            {
                secrets[setting] = !string.IsNullOrEmpty(builder.Configuration[setting])
                    ? throw new StartRefusedException($"{setting} 与 {setting}File 只能设置一个 / set {setting} or {setting}File, not both.")
                    : PrivateFiles.ReadSecret(file, setting + "File");
            }
        }

        builder.Configuration.AddInMemoryCollection(secrets);

        // The options pattern, checked when first read (before the store opens) and at start.
        var demo = IsDemo(builder) && builder.Configuration["Storage:SqlitePath"] is null;
        builder.Services.AddOptions<StoreOptions>().Bind(builder.Configuration.GetSection("Storage"))
            .PostConfigure(options => options.SqlitePath = demo && !options.IsPostgres ? "data/linxian-demo.db" : options.SqlitePath)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StoreOptions>>().Value);
        builder.Services.AddSingleton<Database>();
        var adjustable = IsDemo(builder) || builder.Configuration.GetValue<bool>("Clock:Adjustable");
        builder.Services.AddSingleton(sp => new AdjustableClock(TimeProvider.System, sp.GetRequiredService<Database>(), adjustable));
        builder.Services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<AdjustableClock>());
    }

    public static void AddApplication(this WebApplicationBuilder builder)
    {
        var workflows = builder.Configuration.GetSection("Workflows").Get<WorkflowOptions>() ?? new WorkflowOptions();
        builder.Services.AddSingleton(new WorkflowLibrary(workflows));
        builder.AddAreas();

        builder.Services.AddSingleton<InstanceCache>();
        builder.Services.AddSingleton<ProposalRunner>();
        builder.Services.AddSingleton<ProposalAccess>();
        builder.Services.AddSingleton<Privacy.PersonalDataKey>();
        builder.Services.AddSingleton<RateLimits>(); // sign-ins, objections, phone codes and the providers count in one table
        builder.Services.AddSingleton<Features.Noticeboard.ObjectionLimit>();
        builder.Services.AddSingleton<Features.Identity.PhoneCodes>(); // sends by the SMS channel when AddNotifications registered one
        builder.Services.AddSingleton<Features.Proposals.Dossiers>();
        builder.Services.AddSingleton<Features.Rosters.RosterScope>();
        builder.Services.AddSingleton<Features.Rosters.RosterStore>();

        // The Merkle log's key, tree, wake-up and queries, and the witnesses' (its batcher runs with the scheduling services).
        builder.AddAuditLog();
        // Mediator builds every handler at once, so each feature's own services (its queries) are added with it.
        builder.AddProposals();
        builder.AddPublic();
        builder.AddOverview();
        builder.AddNotificationQueries();
        builder.AddIdentityQueries();
        builder.Services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.PipelineBehaviors =
            [
                typeof(AuthorizationBehaviour<,>),
                typeof(ValidationBehaviour<,>),
                typeof(IdempotencyBehaviour<,>),
            ];
        });
    }

    public static void AddIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IPasswordHasher<UserRow>, PasswordHasher<UserRow>>();
        builder.Services.AddSingleton<TokenCache>();
        builder.Services.AddSingleton(Features.Identity.SignInLimits.From(builder.Configuration));
        builder.Services.AddAuthentication(BearerAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerAuthentication>(BearerAuthentication.SchemeName, null);
        builder.Services.AddAuthorization();
    }

    public static void AddHttpApi(this WebApplicationBuilder builder)
    {
        if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null && builder.Configuration["http_ports"] is null)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.AddServerHeader = false;
        });
        builder.Services.ConfigureHttpJsonOptions(json => RequestJson.Configure(json.SerializerOptions));
        builder.AddProblems();
        builder.AddOpenApiDocument();
    }

    /// <summary>
    /// Migrates the store when it may (SQLite, or PostgreSQL with the owner's login); holding only the service's login,
    /// refuses to go on while the schema lacks a script of this build, saying to run `migrate` (the service and commands alike).
    /// </summary>
    public static async Task MigrateOrCheckAsync(Database store)
    {
        if (store.CanMigrate)
        {
            await store.MigrateAsync();
        }
        else if (await store.PendingMigrationsAsync() is { Count: > 0 } pending)
        {
            throw new StartRefusedException(
                $"数据库结构未更新（缺少 {string.Join(", ", pending)}）：请先用所有者账户运行 migrate / " +
                $"the database schema is behind this build (missing {string.Join(", ", pending)}): run `migrate` with the owner's login first " +
                "(docs/operations.md), then start the service.");
        }
    }

    /// <summary>Migrates the store (or, holding only the service's login, checks that `migrate` has), keeps the demo and real data apart, loads the areas, checks this node may sign the log (or says why not), restores the clock, seeds the demo when asked; the service answers /health only after this.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<Database>();
        await MigrateOrCheckAsync(store);
        await DemoGuard.CheckAsync(store, app.Configuration.GetValue<bool>("Demo"));
        KeyRing.EnsureFirstKey(app.Services);

        // Read now, so a bad secret or limit stops the start instead of failing the first villager.
        _ = app.Services.GetRequiredService<Privacy.PersonalDataKey>();
        _ = app.Services.GetRequiredService<Features.Noticeboard.ObjectionLimit>();
        await app.Services.GetRequiredService<Features.Overview.OverviewQueries>().RefillTalliesAsync();
        await app.Services.GetRequiredService<AreaRegistry>().LoadAsync(app.Services.GetRequiredService<AreaQueries>());
        await app.Services.GetRequiredService<AuditLog.LogIdentity>().PrepareAsync();
        await app.Services.GetRequiredService<AdjustableClock>().LoadAsync(CancellationToken.None);
        if (app.Configuration.GetValue<bool>("Demo"))
        {
            await DemoSeeder.SeedAsync(app.Services, Console.Out);
        }
    }

    public static void UseHttpApi(this WebApplication app)
    {
        app.UseProblems();
        app.Use(async (context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            await next();
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealth();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                Console.WriteLine($"LinxianWorkflow 已启动 / started: {address}  (API: {address}/scalar, OpenAPI: {address}/openapi/v1.json)");
            }
        });
    }
}

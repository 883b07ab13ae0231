using LinxianWorkflow.Server.AuditLog;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>
/// `rotate-log-key [--after-restore]`: hands the log over to a new key (issue 16). The old key (this node's, which
/// must be the deployment's) signs a hand-over naming the new one and the checkpoint after which it signs; the new
/// key signs it too; the database records the new key with it (GET /api/public/log/keys). The new key replaces the
/// key file (the old one is kept beside it as *.retired until the operator destroys it). After a restore from a
/// backup older than the log, --after-restore hands over at the restored log and names the checkpoint given up.
/// </summary>
public static class RotateLogKeyCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var afterRestore = args.Contains("--after-restore");
        if (args.Any(a => !a.StartsWith('-')))
        {
            await Console.Error.WriteLineAsync("usage: rotate-log-key [--after-restore] [--Audit:KeyFile=...] [--Storage:Provider=postgres --Storage:PostgresFile=...]");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(ServerArgs.Options([.. args.Where(a => a != "--after-restore")]));
        builder.AddStorage();
        builder.AddApplication();
        await using var app = builder.Build();
        await ServerApp.MigrateOrCheckAsync(app.Services.GetRequiredService<Database>());
        var identity = app.Services.GetRequiredService<LogIdentity>();
        var key = app.Services.GetRequiredService<LogKey>();
        if (await identity.RotateAsync(afterRestore) is not { } rotation)
        {
            var text = identity.Refusal!.Text;
            await Console.Error.WriteLineAsync($"未更换密钥 / the key was not handed over: {text.Zh} / {text.En}");
            return 1;
        }

        Console.WriteLine($"日志密钥已更换 / the log's key was handed over after size {rotation.HandOver.Size}");
        Console.WriteLine($"  旧密钥 / old key: {rotation.Old}");
        Console.WriteLine($"  新密钥 / new key: {rotation.New}");
        if (rotation.HandOver.Abandoned is { } abandoned)
        {
            Console.WriteLine($"  放弃的检查点 / checkpoint given up: size {abandoned.Size} (tell the townships' witnesses and the county auditors)");
        }

        Console.WriteLine("交接声明 / hand-over (GET /api/public/log/keys):");
        Console.Write(rotation.Note);
        Console.WriteLine(key.Source == LogKey.EnvironmentVariable
            ? $"新私钥已写入 / the new private key is in {rotation.NewKeyFile}: put its text in {LogKey.EnvironmentVariable} on every node, then delete the file."
            : $"新私钥已写入 / the new private key is in {rotation.NewKeyFile} (the old one kept as {key.KeyFile}.{rotation.Old.KeyId:x8}.retired: destroy it once no node uses it).");
        Console.WriteLine("请把新密钥复制到每个节点并重启它们；使用旧密钥的节点不再签署 / copy the new key to every node and restart them; nodes with the old key sign no more.");
        return 0;
    }
}

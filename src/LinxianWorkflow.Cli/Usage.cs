namespace LinxianWorkflow.Cli;

internal static class Usage
{
    public static int Show()
    {
        Console.Error.WriteLine("""
            用法 / usage:
              linxian validate [folder]            检查流程定义与规则配置 / check definitions and rule profiles (default: workflows)
              linxian walk [folder] [profile] [procedure]
                                                   用引擎走完一个示例事项并打印历史 / walk a sample instance through the engine
                                                   （procedure 缺省为 siyi-liangkai / default siyi-liangkai）
              linxian verify <dossier.json> <key> [--witness <key>]… [--since <earlier.json>] [--hand-over <file>]…
                                                   离线核验议题档案 / verify a dossier offline (keys: the text or a file holding it);
                                                   <key>: 所信任的日志公钥 / the log key you trust (the first, or any you verified before);
                                                   --witness: 须延续该乡镇见证过的检查点 / must extend a checkpoint that witness co-signed;
                                                   --since: 早先导出的档案中的记录须全部仍在 / every event of the earlier export must still be there;
                                                   --hand-over: 密钥交接声明（档案已附带）/ key hand-overs (a note, or /api/public/log/keys saved; dossiers carry them)
              linxian verify-log <log.json> <key> [--hand-over <file>]…
                                                   核验整个日志导出（GET /api/log/entries）/ verify a whole log export
              linxian witness-key <name> <file>    生成乡镇见证密钥，打印公钥 / make a township witness key, print its verifier key
              linxian witness <server> <token> <file> <log key>
                                                   核对一致性后为本镇副签最新检查点 / check consistency, then co-sign the newest checkpoint;
                                                   沿日志密钥交接继续；恢复备份后仅凭放弃本镇检查点的交接声明接受重启 /
                                                   follows key hand-overs; after a restore, accepts a restart only on a hand-over giving up its checkpoint
            """);
        return 2;
    }
}

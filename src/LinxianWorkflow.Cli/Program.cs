using LinxianWorkflow.Cli;

return args switch
{
    ["validate"] => ValidateCommand.Run("workflows"),
    ["validate", var folder] => ValidateCommand.Run(folder),
    ["walk"] => WalkCommand.Run("workflows", "default"),
    ["walk", var folder] => WalkCommand.Run(folder, "default"),
    ["walk", var folder, var profile] => WalkCommand.Run(folder, profile),
    ["verify", var dossier, var key] => VerifyCommand.Run(dossier, key),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        用法 / usage:
          linxian validate [folder]            检查流程定义与规则配置 / check definitions and rule profiles (default: workflows)
          linxian walk [folder] [profile]      用引擎走完一个示例议题并打印历史 / walk a sample proposal through the engine
          linxian verify <dossier.json> <key>  离线核验议题档案（key 为公钥文本或其文件）/ verify a dossier offline (key: the verifier key or a file holding it)
        """);
    return 2;
}

using LinxianWorkflow.Cli;

return args switch
{
    ["validate"] => ValidateCommand.Run("workflows"),
    ["validate", var folder] => ValidateCommand.Run(folder),
    ["walk"] => WalkCommand.Run("workflows", "default"),
    ["walk", var folder] => WalkCommand.Run(folder, "default"),
    ["walk", var folder, var profile] => WalkCommand.Run(folder, profile),
    ["walk", var folder, var profile, var procedure] => WalkCommand.Run(folder, profile, procedure),
    ["verify", .. var rest] => VerifyCommand.Run(rest),
    ["verify-log", .. var rest] => VerifyCommand.RunLog(rest),
    ["witness-key", var name, var file] => WitnessCommand.NewKey(name, file),
    ["witness", var server, var token, var file, var logKey] => await WitnessCommand.SignAsync(server, token, file, logKey),
    _ => Usage.Show(),
};

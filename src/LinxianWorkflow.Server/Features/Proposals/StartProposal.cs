using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Mediator;
using EngineStart = LinxianWorkflow.Engine.Instances.StartProposal;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>
/// The body of POST /api/proposals. <paramref name="Definition"/> names the procedure (a definition id; the configured
/// one when absent); <paramref name="Form"/> holds its start form's fields (the parties of a dispute), checked by the engine.
/// </summary>
public sealed record NewProposal(
    string VillagePath,
    string Title,
    string Summary,
    string Category,
    decimal AmountYuan,
    string Source,
    Backing? Backing = null,
    bool SecretaryIsChair = false,
    string? Definition = null,
    IReadOnlyDictionary<string, string>? Form = null);

/// <summary>Registers a matter (议题受理) in a village; the engine checks the caller's role there.</summary>
public sealed partial record StartProposal(Caller Caller, NewProposal Proposal, string? IdempotencyKey)
    : ICommand<ActionRecorded>, IChangeMessage, IIdempotentMessage, IValidatedMessage
{
    // The bound proposal, not the bytes it came in: a retry whose JSON is laid out differently is the same request.
    public string Fingerprint() => "start\n" + JsonSerializer.Serialize(Proposal, EventCodec.Json);

    public ProblemException? Validate() =>
        AreaPath().IsMatch(Proposal.VillagePath) && Proposal.VillagePath.Split('/').Length == 3
            ? null
            : ServerText.Problem(StatusCodes.Status400BadRequest, "input.village-path", "FieldInvalid", "villagePath", Proposal.VillagePath);

    /// <summary>A path of area codes, county/township/village, e.g. 141124/141124109/141124109207.</summary>
    [GeneratedRegex("^[0-9]{1,12}(/[0-9]{1,12}){0,2}$")]
    public static partial Regex AreaPath();
}

public sealed class StartProposalHandler(ProposalRunner runner, TimeProvider time) : ICommandHandler<StartProposal, ActionRecorded>
{
    public async ValueTask<ActionRecorded> Handle(StartProposal command, CancellationToken cancellationToken)
    {
        var p = command.Proposal;
        var id = NewId(p.VillagePath, time.GetUtcNow());
        var start = new EngineStart(id, p.VillagePath, p.Title, p.Summary, p.Category, p.AmountYuan, p.Source, p.Backing, p.SecretaryIsChair, p.Form);
        return await runner.RunAsync(id, command.Caller.Actor, start, command, cancellationToken, definitionId: p.Definition);
    }

    /// <summary>A readable, unguessable id: village code, China date, random suffix (e.g. 141124109207-20261127-7KQ2M9).</summary>
    private static string NewId(string villagePath, DateTimeOffset now)
    {
        const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        var suffix = string.Create(6, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        });
        var date = LinxianWorkflow.Engine.Time.ChinaTime.DateOf(now).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        return $"{villagePath.Split('/')[^1]}-{date}-{suffix}";
    }
}

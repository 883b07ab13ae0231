using System.Security.Cryptography;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Privacy;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>The body of POST /api/public/proposals/{id}/objections: the objection, and a way to reach the objector if they leave one (at most 100 characters).</summary>
public sealed record ObjectionForm(string Text, string? Contact = null);

/// <summary>
/// A villager lodges an objection to a posted disclosure without an account (limited per client address,
/// <see cref="ObjectionLimit"/>). It is an event like any other; the receipt number is the objection's id. A contact left with it is
/// not part of the event: the event carries its HMAC commitment, the contact is kept in objection_contacts (in the same
/// transaction) where an administrator can erase it once the matter is archived (<see cref="EraseObjectionContacts"/>).
/// </summary>
public sealed record LodgePublicObjection(string ProposalId, ObjectionForm Form, string RemoteAddress) : ICommand<ObjectionReceipt>;

public sealed record ObjectionReceipt(string ProposalId, string ReceiptNumber, int EventSequence, string EventHash);

public sealed class LodgePublicObjectionHandler(Database store, WorkflowLibrary library, ProposalRunner runner, PersonalDataKey personal, ObjectionLimit limit, TimeProvider time) : ICommandHandler<LodgePublicObjection, ObjectionReceipt>
{
    public async ValueTask<ObjectionReceipt> Handle(LodgePublicObjection command, CancellationToken cancellationToken)
    {
        await limit.TakeAsync(command.RemoteAddress, cancellationToken);
        // A proposal on a non-public definition (people's mediation) is, to the public, one that does not exist.
        var proposal = await store.GetProposalAsync(command.ProposalId, cancellationToken) is { } found && library.IsPublic(found.DefinitionKey)
            ? found
            : throw ServerText.Problem(StatusCodes.Status404NotFound, "proposal.not-found", "ProposalNotFound", command.ProposalId);
        var receipt = "YY" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5));

        var contact = command.Form.Contact?.Trim() is { Length: > 0 } given ? given : null;
        if (contact is { Length: > MaxContact })
        {
            throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "objection.contact-too-long", "ObjectionContactTooLong", MaxContact);
        }

        var commitment = contact is null ? null : personal.ContactCommitment(command.ProposalId, receipt, contact);
        var result = await runner.RunAsync(command.ProposalId, Actor.Villager(personal.Pseudonym(command.RemoteAddress)),
            new LodgeObjection(proposal.CurrentStep, receipt, command.Form.Text, commitment), null, cancellationToken,
            contact: contact is null ? null : new ObjectionContact(command.ProposalId, receipt, contact, time.GetUtcNow()));
        var lodged = result.Events.First(e => e.Type == nameof(ObjectionLodged));
        return new ObjectionReceipt(command.ProposalId, receipt, lodged.Sequence, lodged.Hash);
    }

    /// <summary>The longest contact kept (a phone number, an address in the village, a WeChat id).</summary>
    public const int MaxContact = 100;
}

using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using Mediator;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>
/// The contacts objectors left on a proposal, for those who answer them (the village cadres and the township in its
/// area; auditors and administrators read the history without them): objection id → contact, or null once erased.
/// </summary>
public sealed record GetObjectionContacts(Caller Caller, string ProposalId) : IQuery<IReadOnlyDictionary<string, string?>>, IProposalMessage;

public sealed class GetObjectionContactsHandler(ProposalAccess access, ObjectionContactQueries contacts) : IQueryHandler<GetObjectionContacts, IReadOnlyDictionary<string, string?>>
{
    public async ValueTask<IReadOnlyDictionary<string, string?>> Handle(GetObjectionContacts query, CancellationToken cancellationToken)
    {
        var proposal = await access.LoadAsync(query.Caller, query.ProposalId, cancellationToken);

        // Only a grant that acts, in this village (a county auditor who is also one village's secretary sees that village's only).
        var acts = query.Caller.Grants.Any(g => !Engine.Roles.NeverAct.Contains(g.Role) && g.Role != Engine.Roles.Public && g.Covers(proposal.VillagePath));
        return acts
            ? (await contacts.OfProposalAsync(query.ProposalId, cancellationToken)).ToDictionary(r => r.ObjectionId, r => r.Contact, StringComparer.Ordinal)
            : new Dictionary<string, string?>();
    }
}

/// <summary>
/// Erases the contacts objectors left on an ended proposal (a deletion under PIPL, or the county's retention rule): the
/// administrator of its area only. The history is untouched: its events hold commitments, never the contacts, so every
/// chain and the log verify as before.
/// </summary>
public sealed record EraseObjectionContacts(Caller Caller, string ProposalId) : ICommand<ContactsErased>, IProposalMessage, IAdministrationMessage;

public sealed record ContactsErased(string ProposalId, int Erased);

public sealed class EraseObjectionContactsHandler(ProposalAccess access, ObjectionContactQueries contacts, AdjustableClock clock) : ICommandHandler<EraseObjectionContacts, ContactsErased>
{
    public async ValueTask<ContactsErased> Handle(EraseObjectionContacts command, CancellationToken cancellationToken)
    {
        var proposal = await access.LoadAsync(command.Caller, command.ProposalId, cancellationToken);
        if (!command.Caller.Administers(proposal.VillagePath))
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "admin.scope", "ContactsOutside", command.ProposalId);
        }

        if (proposal.Status != "ended")
        {
            throw ServerText.Problem(StatusCodes.Status409Conflict, "privacy.not-archived", "ContactsNotArchived", command.ProposalId);
        }

        var erased = await contacts.EraseAsync(command.ProposalId, command.Caller.Id, clock.Real.GetUtcNow(), cancellationToken);
        return new ContactsErased(command.ProposalId, erased);
    }
}

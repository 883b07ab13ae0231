using LinxianWorkflow.Server.Application;
using Mediator;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>The caller's addresses: each with whether it is verified (an unverified one is not used), and the channels they want.</summary>
public sealed record OwnAddresses(string? Phone, bool PhoneVerified, DateTimeOffset? CodeExpiresAt, string? WeComId, bool WeComVerified, ChannelChoice Channels);

/// <summary>The body of PUT /api/me/channels: which channels that reach a person the caller wants (the in-app list is always on).</summary>
public sealed record ChannelChoice(bool Sms, bool WeCom);

/// <summary>The caller's own addresses and channel choices (the 我的通知方式 page).</summary>
public sealed record GetOwnAddresses(Caller Caller) : IQuery<OwnAddresses>, ICallerMessage;

/// <summary>The caller chooses the channels they want: an address they keep but turn off is not used.</summary>
public sealed record ChooseChannels(Caller Caller, ChannelChoice Choice) : ICommand<OwnAddresses>, ICallerMessage;

public sealed class GetOwnAddressesHandler(AddressQueries addresses) : IQueryHandler<GetOwnAddresses, OwnAddresses>
{
    public async ValueTask<OwnAddresses> Handle(GetOwnAddresses query, CancellationToken cancellationToken) =>
        await LoadAsync(addresses, query.Caller, cancellationToken);

    public static async Task<OwnAddresses> LoadAsync(AddressQueries addresses, Caller caller, CancellationToken ct)
    {
        var row = await addresses.OwnAddressesAsync(caller.Id, ct)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "user.unknown", "UserUnknown", caller.Id);
        return new OwnAddresses(row.Phone, row.Phone is not null && row.PhoneVerifiedAt is not null, row.PhoneVerifiedAt is null ? row.CodeExpiresAt : null,
            row.WeComId, row.WeComId is not null && row.WeComVerifiedAt is not null, new ChannelChoice(row.SmsWanted, row.WeComWanted));
    }
}

public sealed class ChooseChannelsHandler(AddressQueries addresses) : ICommandHandler<ChooseChannels, OwnAddresses>
{
    public async ValueTask<OwnAddresses> Handle(ChooseChannels command, CancellationToken cancellationToken)
    {
        await addresses.ChooseChannelsAsync(command.Caller.Id, command.Choice.Sms, command.Choice.WeCom, cancellationToken);
        return await GetOwnAddressesHandler.LoadAsync(addresses, command.Caller, cancellationToken);
    }
}

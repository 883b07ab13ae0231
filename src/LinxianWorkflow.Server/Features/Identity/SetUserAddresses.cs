using System.Text.RegularExpressions;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Identity;
using Mediator;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>The body of PUT /api/users/{id}/addresses: a mainland mobile number and a WeCom user id; null clears one.</summary>
public sealed record UserAddresses(string? Phone, string? WeComId);

/// <summary>
/// An administrator sets where a user in their areas is reached by SMS and in WeCom groups (mentioned by id). The WeCom id is assigned
/// by the organisation's WeCom administrator, so it counts as verified from this moment; a phone number that changed is not used until
/// its owner confirms the code sent to it (<see cref="SetOwnPhone"/>, the 我的通知方式 page).
/// </summary>
public sealed partial record SetUserAddresses(Caller Caller, string UserId, UserAddresses Addresses) : ICommand<Unit>, IAdministrationMessage, IValidatedMessage
{
    public ProblemException? Validate() =>
        Addresses.Phone is { } phone && !MobileNumber().IsMatch(phone)
            ? ServerText.Problem(StatusCodes.Status400BadRequest, "user.phone", "FieldInvalid", "phone", "1xxxxxxxxxx")
            : Addresses.WeComId is { } id && !WeComUserId().IsMatch(id)
                ? ServerText.Problem(StatusCodes.Status400BadRequest, "user.wecom-id", "FieldInvalid", "weComId", "A-Z a-z 0-9 _ . @ -, ≤ 64")
                : null;

    /// <summary>A mainland mobile number, with or without +86.</summary>
    public static bool IsMobileNumber(string phone) => MobileNumber().IsMatch(phone);

    [GeneratedRegex(@"^(\+86)?1[3-9]\d{9}$")]
    private static partial Regex MobileNumber();

    [GeneratedRegex(@"^[A-Za-z0-9_.@-]{1,64}$")]
    private static partial Regex WeComUserId();
}

public sealed class SetUserAddressesHandler(UserQueries users, AddressQueries addresses, AreaRegistry areas, AdjustableClock clock) : ICommandHandler<SetUserAddresses, Unit>
{
    public async ValueTask<Unit> Handle(SetUserAddresses command, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(command.UserId, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "user.unknown", "UserUnknown", command.UserId);
        if (GrantRules.CheckAdministers(command.Caller, areas, user) is { } outsider)
        {
            throw outsider;
        }

        await addresses.SetUserAddressesAsync(user.Id, command.Addresses.Phone, command.Addresses.WeComId, clock.Real.GetUtcNow(), cancellationToken);
        return Unit.Value;
    }
}

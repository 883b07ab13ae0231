using System.Security.Cryptography;
using System.Text;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Notifications;
using LinxianWorkflow.Server.Privacy;
using Mediator;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>The body of PUT /api/me/phone: a mainland mobile number, or null to remove it.</summary>
public sealed record OwnPhoneForm(string? Phone);

/// <summary>The body of POST /api/me/phone/verify: the six digits sent to the phone.</summary>
public sealed record PhoneCodeForm(string Code);

/// <summary>Where a phone number stands: verified, or a code on its way that runs out at <paramref name="CodeExpiresAt"/>.</summary>
public sealed record PhoneState(string? Phone, bool Verified, DateTimeOffset? CodeExpiresAt);

/// <summary>
/// A signed-in user sets their own phone number: a number that changed is unverified (not used for any delivery) until they confirm
/// the six-digit code sent to it by SMS (<see cref="VerifyPhone"/>). The same number, already verified, stays as it is.
/// </summary>
public sealed record SetOwnPhone(Caller Caller, OwnPhoneForm Form) : ICommand<PhoneState>, ICallerMessage, IValidatedMessage
{
    public ProblemException? Validate() =>
        Form.Phone is { } phone && !SetUserAddresses.IsMobileNumber(phone)
            ? ServerText.Problem(StatusCodes.Status400BadRequest, "user.phone", "FieldInvalid", "phone", "1xxxxxxxxxx")
            : null;
}

/// <summary>Sends a new code to the caller's unverified phone number (the last one is void).</summary>
public sealed record SendPhoneCode(Caller Caller) : ICommand<PhoneState>, ICallerMessage;

/// <summary>The caller confirms the code sent to their phone: right within ten minutes and five tries, the number is verified.</summary>
public sealed record VerifyPhone(Caller Caller, PhoneCodeForm Form) : ICommand<PhoneState>, ICallerMessage;

public sealed class SetOwnPhoneHandler(AddressQueries addresses, PhoneCodes codes) : ICommandHandler<SetOwnPhone, PhoneState>
{
    public async ValueTask<PhoneState> Handle(SetOwnPhone command, CancellationToken cancellationToken)
    {
        var phone = command.Form.Phone;
        var own = await addresses.OwnAddressesAsync(command.Caller.Id, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "user.unknown", "UserUnknown", command.Caller.Id);
        if (phone is null)
        {
            await addresses.SetOwnPhoneAsync(command.Caller.Id, null, cancellationToken);
            return new PhoneState(null, false, null);
        }

        if (own.Phone == phone && own.PhoneVerifiedAt is not null)
        {
            return new PhoneState(phone, true, null);
        }

        codes.CheckAvailable();
        await addresses.SetOwnPhoneAsync(command.Caller.Id, phone, cancellationToken);
        return new PhoneState(phone, false, await codes.SendAsync(command.Caller.Id, phone, cancellationToken));
    }
}

public sealed class SendPhoneCodeHandler(AddressQueries addresses, PhoneCodes codes) : ICommandHandler<SendPhoneCode, PhoneState>
{
    public async ValueTask<PhoneState> Handle(SendPhoneCode command, CancellationToken cancellationToken)
    {
        var own = await addresses.OwnAddressesAsync(command.Caller.Id, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "user.unknown", "UserUnknown", command.Caller.Id);
        if (own.Phone is null || own.PhoneVerifiedAt is not null)
        {
            throw ServerText.Problem(StatusCodes.Status409Conflict, "verify.nothing-to-verify", "VerifyNothing");
        }

        codes.CheckAvailable();
        return new PhoneState(own.Phone, false, await codes.SendAsync(command.Caller.Id, own.Phone, cancellationToken));
    }
}

public sealed class VerifyPhoneHandler(AddressQueries addresses, PhoneCodes codes) : ICommandHandler<VerifyPhone, PhoneState>
{
    public async ValueTask<PhoneState> Handle(VerifyPhone command, CancellationToken cancellationToken)
    {
        var address = await codes.CheckAsync(command.Caller.Id, command.Form.Code?.Trim() ?? "", cancellationToken);
        return await addresses.ConfirmPhoneAsync(command.Caller.Id, address, codes.Now, cancellationToken)
            ? new PhoneState(address, true, null)
            : throw ServerText.Problem(StatusCodes.Status409Conflict, "verify.expired", "VerifyExpired"); // the number changed meanwhile
    }
}

/// <summary>
/// One-time codes that prove a person holds a phone number: six random digits sent as the registered SMS template
/// <c>Notifications:Sms:Templates:verify-code</c> (parameters: the code, the minutes it is good for), kept only as an HMAC under a key
/// derived from the privacy secret, good for ten minutes and five tries; sends are limited per user (<c>Notifications:Verification:SendsPerHour</c>,
/// counted in the database, so on every node). The code is sent at once, not through the outbox: the person is waiting for it, at any hour.
/// </summary>
public sealed class PhoneCodes(RateLimits rateLimits, AddressQueries addresses, IEnumerable<INotificationChannel> channels, PersonalDataKey personal, AdjustableClock clock, IConfiguration configuration)
{
    public const int MaxTries = 5;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private const string Template = "verify-code";

    private readonly TencentSmsChannel? _sms = channels.OfType<TencentSmsChannel>().FirstOrDefault();
    private readonly byte[] _key = personal.DeriveKey("linxian/address-code");
    private readonly int _sendsPerHour = configuration.GetValue("Notifications:Verification:SendsPerHour", 5) is var n and >= 1
        ? n
        : throw new InvalidOperationException("Notifications:Verification:SendsPerHour must be 1 or more.");

    /// <summary>The clock codes expire by (the demo clock, which is the real one outside demo mode).</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>A 409 when this deployment sends no SMS, or has no template registered for the code.</summary>
    public void CheckAvailable()
    {
        if (_sms?.Template(Template) is null)
        {
            throw ServerText.Problem(StatusCodes.Status409Conflict, "verify.no-sms", "VerifyNoSms");
        }
    }

    /// <summary>Sends a new code to <paramref name="phone"/> for <paramref name="userId"/>; when it runs out.</summary>
    public async Task<DateTimeOffset> SendAsync(string userId, string phone, CancellationToken ct)
    {
        var real = clock.Real.GetUtcNow();
        var hit = await rateLimits.HitAsync("verify-send:" + userId, TimeSpan.FromHours(1), real, ct);
        if (hit.Hits > _sendsPerHour)
        {
            var wait = hit.WindowStartedAt + TimeSpan.FromHours(1) - real;
            throw new ProblemException(StatusCodes.Status429TooManyRequests, "verify.rate-limited",
                ServerText.Get("VerifyRateLimited", Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))))
            { RetryAfter = wait };
        }

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var expires = Now + Lifetime;
        await addresses.PutAddressCodeAsync(userId, "sms", phone, Hash(userId, phone, code), expires, Now, ct);
        var outcome = await _sms!.SendTemplateAsync(phone, _sms.Template(Template)!,
            [code, ((int)Lifetime.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture)], "verify-" + userId, ct);
        return outcome.Result == DeliveryResult.Sent
            ? expires
            : throw new ProblemException(StatusCodes.Status503ServiceUnavailable, "verify.send-failed", ServerText.Get("VerifySendFailed"))
            {
                RetryAfter = TimeSpan.FromMinutes(1),
            };
    }

    /// <summary>Spends a try on <paramref name="code"/>: the number it proves, or the refusal (wrong, expired, used up, none sent).</summary>
    public async Task<string> CheckAsync(string userId, string code, CancellationToken ct)
    {
        var (row, spent) = await addresses.TakeCodeTryAsync(userId, "sms", MaxTries, Now, ct);
        if (row is null)
        {
            throw ServerText.Problem(StatusCodes.Status409Conflict, "verify.no-code", "VerifyNoCode");
        }

        if (!spent)
        {
            throw row.Tries >= MaxTries
                ? ServerText.Problem(StatusCodes.Status409Conflict, "verify.tries-used", "VerifyTriesUsed", MaxTries)
                : ServerText.Problem(StatusCodes.Status409Conflict, "verify.expired", "VerifyExpired");
        }

        var given = Encoding.ASCII.GetBytes(Hash(userId, row.Address, code));
        return CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(row.CodeHash))
            ? row.Address
            : throw ServerText.Problem(StatusCodes.Status400BadRequest, "verify.wrong-code", "VerifyWrongCode", MaxTries - row.Tries);
    }

    private string Hash(string userId, string address, string code) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{userId}\nsms\n{address}\n{code}")));
}

using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Identity;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Features.Identity;

public static class IdentityEndpoints
{
    public static void MapIdentity(this WebApplication app)
    {
        app.MapPost("/api/auth/login", async ([FromBody] Credentials credentials, HttpContext http, ISender sender) =>
        {
            return Api.Ok(await sender.Send(new Login(credentials, http.Connection.RemoteIpAddress), http.RequestAborted));
        })
        .AllowAnonymous().WithTags("Identity").WithMetadata(new BodyLimit(4096)).Produces<IssuedToken>()
        .WithSummary("Sign in with a password; returns a 12-hour bearer token (limited per account and per client address)");

        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Identity");

        api.MapPost("/tokens", async ([FromBody] TokenRequest request, HttpContext http, ISender sender) =>
        {
            return Results.Json(await sender.Send(new IssueToken(http.Caller(), request), http.RequestAborted), Api.Json, statusCode: StatusCodes.Status201Created);
        })
        .WithMetadata(new BodyLimit(4096)).Produces<IssuedToken>(StatusCodes.Status201Created).WithSummary("Issue a long-lived token for a script");

        api.MapPost("/sessions/revoke-all", async (HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new EndAllSessions(http.Caller()), http.RequestAborted)))
        .Produces<SessionsEnded>().WithSummary("Sign out everywhere: revoke every session and script token of the caller, this one included");

        api.MapDelete("/users/{userId}/tokens/{tokenId}", async (string userId, string tokenId, HttpContext http, ISender sender) =>
        {
            await sender.Send(new RevokeToken(http.Caller(), userId, tokenId), http.RequestAborted);
            return Results.NoContent();
        })
        .WithSummary("Revoke a token (your own, or anyone's as administrator)");

        api.MapGet("/users", async (string? after, int? limit, HttpContext http, ISender sender) =>
        {
            // A page at a time (at most 200, by user name); the next page's address is in the Link header.
            var page = await sender.Send(new ListUsers(http.Caller(), after, limit ?? ListUsers.PageSize), http.RequestAborted);
            if (page.Next is { } next)
            {
                var query = QueryString.Create("after", next).Add("limit", (limit ?? ListUsers.PageSize).ToString(System.Globalization.CultureInfo.InvariantCulture));
                http.Response.Headers.Link = $"</api/users{query}>; rel=\"next\"";
            }

            return Api.Ok(page.Users);
        })
        .Produces<IReadOnlyList<UserView>>().WithSummary("Users, grants and tokens (administrator), a page at a time: ?after=<userName>&limit=<1-200>, the next page in the Link header");

        api.MapPost("/users", async ([FromBody] NewUser user, HttpContext http, ISender sender) =>
        {
            return Results.Json(await sender.Send(new CreateUser(http.Caller(), user), http.RequestAborted), Api.Json, statusCode: StatusCodes.Status201Created);
        })
        .WithMetadata(new BodyLimit(16 * 1024)).Produces<CreatedUser>(StatusCodes.Status201Created).WithSummary("Add a user (administrator)");

        api.MapPatch("/users/{userId}", async (string userId, [FromBody] UserChange change, HttpContext http, ISender sender) =>
        {
            await sender.Send(new UpdateUser(http.Caller(), userId, change), http.RequestAborted);
            return Results.NoContent();
        })
        .WithMetadata(new BodyLimit(16 * 1024)).WithSummary("Change a user's grants, disable them, reset their password (administrator)");

        api.MapPut("/users/{userId}/addresses", async (string userId, [FromBody] UserAddresses addresses, HttpContext http, ISender sender) =>
        {
            await sender.Send(new SetUserAddresses(http.Caller(), userId, addresses), http.RequestAborted);
            return Results.NoContent();
        })
        .WithMetadata(new BodyLimit(4096))
        .WithSummary("Set a user's WeCom id (verified on the administrator's word) and phone number (unverified until its owner confirms a code)");

        api.MapGet("/me/addresses", async (HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new GetOwnAddresses(http.Caller()), http.RequestAborted)))
        .Produces<OwnAddresses>().WithSummary("Your phone number and WeCom id, whether each is verified, and the channels you want");

        api.MapPut("/me/phone", async ([FromBody] OwnPhoneForm form, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new SetOwnPhone(http.Caller(), form), http.RequestAborted)))
        .WithMetadata(new BodyLimit(4096)).Produces<PhoneState>()
        .WithSummary("Set your phone number: a new number is sent a six-digit code by SMS and is not used until you confirm it");

        api.MapPost("/me/phone/code", async (HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new SendPhoneCode(http.Caller()), http.RequestAborted)))
        .Produces<PhoneState>().WithSummary("Send a new code to your unverified phone number (limited per hour)");

        api.MapPost("/me/phone/verify", async ([FromBody] PhoneCodeForm form, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new VerifyPhone(http.Caller(), form), http.RequestAborted)))
        .WithMetadata(new BodyLimit(4096)).Produces<PhoneState>()
        .WithSummary("Confirm the code sent to your phone (ten minutes, five tries): the number is verified");

        api.MapPut("/me/channels", async ([FromBody] ChannelChoice choice, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new ChooseChannels(http.Caller(), choice), http.RequestAborted)))
        .WithMetadata(new BodyLimit(4096)).Produces<OwnAddresses>().WithSummary("Choose the channels you want (SMS, WeCom mentions)");
    }
}

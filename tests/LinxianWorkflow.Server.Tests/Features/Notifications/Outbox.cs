using System.Diagnostics;
using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Notifications;

/// <summary>What the notification tests do through the API: give a user addresses, read a proposal's notifications and their deliveries, wait for a state.</summary>
public static class Outbox
{
    public const string Solar = "村集体光伏电站收益分配";

    /// <summary>The administrator sets a user's phone (unverified until its owner confirms it) and WeCom id (verified on the administrator's word).</summary>
    public static async Task SetAddressesAsync(ServiceFixture service, string userName, string? phone, string? weComId)
    {
        var admin = await service.TokenFor("admin");
        var users = (await service.Api.Get("/api/users", admin)).Json.EnumerateArray();
        var id = users.Single(u => u.GetProperty("userName").GetString() == userName).GetProperty("id").GetString();
        var reply = await service.Api.Send(HttpMethod.Put, $"/api/users/{id}/addresses", JsonSerializer.Serialize(new { phone, weComId }), admin);
        Assert.True(reply.Code == 204, reply.ToString());
    }

    /// <summary>The user sets their own phone over the API and confirms it with the code the receiver got.</summary>
    public static async Task VerifyOwnPhoneAsync(ServiceFixture service, ProviderReceiver providers, string userName, string phone)
    {
        var token = await service.TokenFor(userName);
        var set = await service.Api.Send(HttpMethod.Put, "/api/me/phone", JsonSerializer.Serialize(new { phone }), token);
        Assert.True(set.Code == 200, set.ToString());
        Assert.False(set.Json.GetProperty("verified").GetBoolean());
        var verified = await service.Api.Post("/api/me/phone/verify", new { code = providers.LastCode(phone) }, token);
        Assert.True(verified.Code == 200 && verified.Json.GetProperty("verified").GetBoolean(), verified.ToString());
    }

    /// <summary>A supervision committee member's concern on the proposal: told to the township's reviewers (a notification with SMS, WeCom and e-mail).</summary>
    public static async Task RaiseConcernAsync(ServiceFixture service, string proposalId, string text)
    {
        var reply = await service.Api.Post($"/api/proposals/{proposalId}/actions/raise-concern", new { stepId = "villager-resolution", text }, await service.TokenFor("xiwan-supervisor"));
        Assert.True(reply.Code == 200, reply.ToString());
    }

    public static async Task<string> SolarProposalAsync(ServiceFixture service)
    {
        var list = (await service.Api.Get("/api/proposals?limit=200", await service.TokenFor("reviewer-109"))).Json.EnumerateArray();
        return list.Single(p => p.GetProperty("title").GetString() == Solar).GetProperty("id").GetString()!;
    }

    /// <summary>The user's notifications about one proposal, each with its deliveries.</summary>
    public static async Task<List<JsonElement>> NotificationsAsync(ServiceFixture service, string userName, string proposalId) =>
        [.. (await service.Api.Get("/api/notifications", await service.TokenFor(userName))).Json.EnumerateArray()
            .Where(n => n.GetProperty("proposalId").GetString() == proposalId)];

    public static JsonElement Delivery(JsonElement notification, string channel) =>
        notification.GetProperty("deliveries").EnumerateArray().Single(d => d.GetProperty("channel").GetString() == channel);

    public static string Status(JsonElement notification, string channel) =>
        notification.GetProperty("deliveries").EnumerateArray().FirstOrDefault(d => d.GetProperty("channel").GetString() == channel) is { ValueKind: JsonValueKind.Object } d
            ? d.GetProperty("status").GetString()!
            : "none";

    /// <summary>Waits until the user's notification of <paramref name="kind"/> about the proposal has every given channel in one of the final states.</summary>
    public static async Task<JsonElement> SettledAsync(ServiceFixture service, string userName, string proposalId, string kind, params string[] channels)
    {
        JsonElement? found = null;
        await Eventually($"{kind} of {proposalId} settled on {string.Join(", ", channels)}", async () =>
        {
            found = (await NotificationsAsync(service, userName, proposalId)).FirstOrDefault(n => n.GetProperty("kind").GetString() == kind
                && channels.All(c => Status(n, c) is "sent" or "dead"));
            return found is { ValueKind: JsonValueKind.Object };
        });
        return found!.Value;
    }

    public static async Task Eventually(string what, Func<Task<bool>> condition, int seconds = 60)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(seconds), $"not within {seconds} s: {what}");
            await Task.Delay(200);
        }
    }
}

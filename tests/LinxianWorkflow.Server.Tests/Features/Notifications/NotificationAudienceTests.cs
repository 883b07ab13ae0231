using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Notifications;

/// <summary>
/// Who is told what comes from the engine's open actions and the definition's oversight roles, not from a list of
/// roles in the server: a concern reaches the township (the oversight) and those who answer the supervision
/// committee, and not the supervisor who raised it or a township elsewhere.
/// </summary>
public sealed class NotificationAudienceTests(PostgresService service) : IClassFixture<PostgresService>
{
    private async Task<List<JsonElement>> NotificationsAsync(string user, string id) =>
        [.. (await service.Api.Get("/api/notifications", await service.TokenFor(user))).Json.EnumerateArray()
            .Where(n => n.GetProperty("proposalId").GetString() == id)];

    [Fact]
    public async Task A_concern_reaches_the_oversight_and_those_who_answer_the_supervision_committee()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("通知对象测试：修缮村委会屋顶");
        var concern = await service.Api.Post($"/api/proposals/{id}/actions/raise-concern",
            new { stepId = "villager-resolution", text = "请提前三天公布村民代表名单。" }, await service.TokenFor("xiwan-supervisor"));
        Assert.True(concern.Code == 200, concern.ToString());

        foreach (var user in new[] { "reviewer-109", "xiwan-secretary", "xiwan-chair" })
        {
            var told = await NotificationsAsync(user, id);
            Assert.Contains(told, n => n.GetProperty("kind").GetString() == "concern");
        }

        foreach (var user in new[] { "xiwan-supervisor", "xiwan-committee", "reviewer-100" })
        {
            Assert.DoesNotContain(await NotificationsAsync(user, id), n => n.GetProperty("kind").GetString() == "concern");
        }
    }
}

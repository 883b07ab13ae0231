using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Npgsql;

namespace LinxianWorkflow.Server.Tests.Http;

/// <summary>
/// The rule holes issue 11 closed, each refused through the HTTP API on real PostgreSQL with a problem+json naming the
/// rule (Chinese first), and nothing recorded: the proposal's version is unchanged after every refusal.
/// </summary>
public sealed class RuleHoleTests(PostgresService service) : IClassFixture<PostgresService>
{
    private const string Xiwan = "141124/141124109/141124109207";

    private async Task<int> VersionAsync(string id) =>
        (await service.Api.Get($"/api/proposals/{id}", await service.TokenFor("xiwan-secretary"))).Json.GetProperty("version").GetInt32();

    private async Task<JsonElement> ViewAsync(string id) =>
        (await service.Api.Get($"/api/proposals/{id}", await service.TokenFor("xiwan-secretary"))).Json;

    private async Task StepUntilAsync(Walker walker, string id, string stepId)
    {
        for (var i = 0; i < 40 && (await ViewAsync(id)).GetProperty("currentStep").GetProperty("id").GetString() != stepId; i++)
        {
            Assert.True(await walker.StepAsync(id), $"the proposal ended before {stepId}");
        }

        Assert.Equal(stepId, (await ViewAsync(id)).GetProperty("currentStep").GetProperty("id").GetString());
    }

    private static void AssertRefused(Reply reply, int status, string rule)
    {
        Assert.True(reply.Code == status, reply.ToString());
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal(rule, reply.Rule);
        Assert.False(string.IsNullOrWhiteSpace(reply.Json.GetProperty("zh-CN").GetString()));
    }

    [Fact]
    public async Task Granting_a_supervision_member_a_conflicting_role_in_the_same_village_is_refused_naming_both_roles()
    {
        var admin = await service.TokenFor("admin");
        var refused = await service.Api.Post("/api/users", new
        {
            userName = "dual-role",
            displayName = "兼任者",
            grants = new[] { new { role = "supervision-member", scope = Xiwan }, new { role = "committee-member", scope = Xiwan } },
        }, admin);
        AssertRefused(refused, 422, "duty.separation");
        var zh = refused.Json.GetProperty("zh-CN").GetString()!;
        Assert.Contains("村务监督委员会成员", zh, StringComparison.Ordinal);
        Assert.Contains("村“两委”成员", zh, StringComparison.Ordinal);
        Assert.Contains("同一村（碛口镇西湾村）", zh, StringComparison.Ordinal);

        // Nothing was created: the name is still free, and the same roles in two different villages are allowed.
        var created = await service.Api.Post("/api/users", new
        {
            userName = "dual-role",
            displayName = "兼任者",
            grants = new[] { new { role = "supervision-member", scope = Xiwan }, new { role = "committee-member", scope = "141124/141124109/141124109230" } },
        }, admin);
        Assert.True(created.Code == 201, created.ToString());

        // Changing an existing user's grants into the combination is refused too.
        var id = created.Json.GetProperty("id").GetString();
        var patch = await service.Api.Send(HttpMethod.Patch, $"/api/users/{id}",
            JsonSerializer.Serialize(new { grants = new[] { new { role = "supervision-member", scope = Xiwan }, new { role = "village-chair", scope = Xiwan } } }), admin);
        AssertRefused(patch, 422, "duty.separation");
    }

    [Fact]
    public async Task A_supervision_act_by_someone_who_also_sits_on_the_village_committee_is_refused_and_nothing_is_recorded()
    {
        // A user created before the rule existed, holding both roles: made legal through the API, then changed in the table.
        var admin = await service.TokenFor("admin");
        var created = await service.Api.Post("/api/users", new
        {
            userName = "legacy-dual",
            displayName = "旧账号兼任者",
            password = "legacy-dual-password",
            grants = new[] { new { role = "supervision-member", scope = Xiwan } },
        }, admin);
        Assert.True(created.Code == 201, created.ToString());
        var owner = service.Arguments.Single(a => a.StartsWith("--Storage:PostgresMigrations=", StringComparison.Ordinal)).Split('=', 2)[1];
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            await using var update = new NpgsqlCommand("UPDATE users SET grants = @grants WHERE user_name = 'legacy-dual'", connection);
            update.Parameters.AddWithValue("grants", $"[{{\"role\":\"supervision-member\",\"scope\":\"{Xiwan}\"}},{{\"role\":\"committee-member\",\"scope\":\"{Xiwan}\"}}]");
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var login = await service.Api.Post("/api/auth/login", new { userName = "legacy-dual", password = "legacy-dual-password" });
        Assert.True(login.Code == 200, login.ToString());
        var token = login.Json.GetProperty("token").GetString()!;

        var walker = new Walker(service);
        var id = await walker.StartAsync("职责分离测试");
        var version = await VersionAsync(id);
        var concern = await service.Api.Post($"/api/proposals/{id}/actions/raise-concern", new { stepId = "intake", text = "程序有疑问" }, token);
        AssertRefused(concern, 403, "duty.separation");
        Assert.Contains("本村（碛口镇西湾村）", concern.Json.GetProperty("zh-CN").GetString(), StringComparison.Ordinal);
        Assert.Equal(version, await VersionAsync(id));

        // The engine's open actions agree: nothing of the supervision committee's is offered to this user.
        var offered = (await service.Api.Get($"/api/proposals/{id}", token)).Json.GetProperty("actions").EnumerateArray()
            .Select(a => a.GetProperty("action").GetString()).ToList();
        Assert.DoesNotContain("raise-concern", offered);
    }

    [Fact]
    public async Task Merging_steps_one_and_two_without_holding_both_grants_is_refused()
    {
        var reply = await service.Api.Post("/api/proposals", new
        {
            villagePath = Xiwan,
            title = "一肩挑测试",
            summary = "合并第一、二步",
            category = "general",
            amountYuan = 1000,
            source = "cadre",
            secretaryIsChair = true,
        }, await service.TokenFor("xiwan-secretary"));
        AssertRefused(reply, 422, "proposal.merged-steps");
    }

    [Fact]
    public async Task Repeated_exclusions_and_back_dated_notices_are_refused_at_the_party_members_meeting()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("排除与通知日期测试");
        await StepUntilAsync(walker, id, "party-member-review");
        var view = await ViewAsync(id);
        var entered = view.GetProperty("currentStep").GetProperty("enteredAt").GetDateTimeOffset();
        var now = await walker.AdvanceDaysAsync(4);
        var version = view.GetProperty("version").GetInt32();
        object Record(object[] exclusions, DateTimeOffset notice) => new
        {
            stepId = "party-member-review",
            record = new
            {
                meetingKind = "party-members",
                heldAt = now.AddMinutes(-5),
                noticeGivenAt = notice,
                members = 42,
                exclusions,
                present = 30,
                yes = 28,
                no = 2,
                abstain = 0,
                minutes = "会议记录",
                townshipAttendee = "孙干部",
            },
        };

        var secretary = await service.TokenFor("xiwan-secretary");
        var twice = new object[] { new { member = "张三", reason = "seriously-ill" }, new { member = " 张三 ", reason = "abroad" } };
        AssertRefused(await service.Api.Post($"/api/proposals/{id}/actions/record-meeting", Record(twice, entered), secretary), 422, "meeting.exclusion-duplicate");
        AssertRefused(await service.Api.Post($"/api/proposals/{id}/actions/record-meeting", Record([], entered.AddDays(-2)), secretary), 422, "meeting.notice-backdated");
        AssertRefused(await service.Api.Post($"/api/proposals/{id}/actions/record-meeting", Record([], now.AddDays(1)), secretary), 422, "meeting.notice-future");
        Assert.Equal(version, await VersionAsync(id));

        // The engine's hint for the form names the meeting's rule before anything is typed.
        var hints = view.GetProperty("actions").EnumerateArray().Single(a => a.GetProperty("action").GetString() == "record-meeting")
            .GetProperty("hints").EnumerateArray().Select(h => h.GetProperty("zh").GetString()!).ToList();
        Assert.Contains(hints, h => h.Contains("党员大会", StringComparison.Ordinal) && h.Contains("提前 3 天通知", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_branch_withdraws_at_the_villager_resolution_until_it_passes()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("撤回测试");
        await StepUntilAsync(walker, id, "villager-resolution");
        var secretary = await service.TokenFor("xiwan-secretary");
        var offered = (await ViewAsync(id)).GetProperty("actions").EnumerateArray()
            .Where(a => a.GetProperty("action").GetString() == "intervene").Select(a => a.GetProperty("interventionId").GetString()).ToList();
        Assert.Contains("withdraw", offered);
        var reply = await service.Api.Post($"/api/proposals/{id}/actions/intervene", new { interventionId = "withdraw", reason = "村民意见分歧，暂缓" }, secretary);
        Assert.True(reply.Code == 200, reply.ToString());
        Assert.Equal("withdrawn", (await ViewAsync(id)).GetProperty("currentStep").GetProperty("id").GetString());

        var late = await walker.StartAsync("撤回测试（决议后）");
        await StepUntilAsync(walker, late, "resolution-disclosure");
        var version = await VersionAsync(late);
        AssertRefused(await service.Api.Post($"/api/proposals/{late}/actions/intervene", new { interventionId = "withdraw", reason = "改变主意" }, secretary),
            422, "intervention.not-here");
        Assert.Equal(version, await VersionAsync(late));
    }

    [Fact]
    public async Task A_villager_takes_a_dismissed_objection_to_the_township_with_the_receipt_within_the_window_only()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("异议复核测试");
        await StepUntilAsync(walker, id, "resolution-disclosure");
        for (var i = 0; i < 5 && (await ViewAsync(id)).GetProperty("disclosure").GetProperty("publishedAt").ValueKind == JsonValueKind.Null; i++)
        {
            Assert.True(await walker.StepAsync(id));
        }

        async Task<string> LodgeAndDismissAsync(string text)
        {
            var lodged = await service.Api.Post($"/api/public/proposals/{id}/objections", new { text });
            Assert.True(lodged.Code == 201, lodged.ToString());
            var receipt = lodged.Json.GetProperty("receiptNumber").GetString()!;
            var answered = await service.Api.Post($"/api/proposals/{id}/actions/answer-objection",
                new { stepId = "resolution-disclosure", objectionId = receipt, answer = "已核实，方案合规。", ruling = "dismissed" }, await service.TokenFor("xiwan-chair"));
            Assert.True(answered.Code == 200, answered.ToString());
            return receipt;
        }

        var first = await LodgeAndDismissAsync("预算偏高");
        var unknown = await service.Api.Post($"/api/public/proposals/{id}/objections/YY0000000000/escalate", new { reason = "不服" });
        AssertRefused(unknown, 422, "objection.unknown");
        var escalated = await service.Api.Post($"/api/public/proposals/{id}/objections/{first}/escalate", new { reason = "答复未说明预算依据" });
        Assert.True(escalated.Code == 201, escalated.ToString());
        var history = (await service.Api.Get($"/api/proposals/{id}/history", await service.TokenFor("reviewer-109"))).Json;
        Assert.Contains(history.GetProperty("events").EnumerateArray(), e => e.GetProperty("record").GetProperty("type").GetString() == "ObjectionEscalated");
        AssertRefused(await service.Api.Post($"/api/public/proposals/{id}/objections/{first}/escalate", new { reason = "再次" }), 422, "objection.status");

        var second = await LodgeAndDismissAsync("占地补偿不清");
        await walker.AdvanceDaysAsync(7);
        var version = await VersionAsync(id);
        AssertRefused(await service.Api.Post($"/api/public/proposals/{id}/objections/{second}/escalate", new { reason = "太晚了" }), 422, "objection.escalation-window");
        Assert.Equal(version, await VersionAsync(id));
    }
}

using System.Globalization;
using System.Text.Json;

namespace LinxianWorkflow.Server.Tests.Infrastructure;

/// <summary>
/// Takes a proposal forward over HTTP the way the village's people would on the ordinary path: whoever
/// the server says may act now does the step's action; periods are waited out by moving the demo clock.
/// </summary>
public sealed class Walker(ServiceFixture service, string village = "xiwan", string reviewer = "reviewer-109", string? villagePath = null)
{
    internal static readonly Dictionary<string, (string Kind, int NoticeDays, bool Attendee, int Members)> Meetings = new()
    {
        ["branch-proposal"] = ("branch-committee", 0, false, 7),
        ["two-committee-deliberation"] = ("two-committee", 0, false, 9),
        ["party-member-review"] = ("party-members", 3, true, 42),
        ["villager-resolution"] = ("villager-representatives", 5, true, 31),
    };

    internal static readonly string[] Ordinary = ["accepted", "endorsed", "resubmitted"];

    public string[] People => [$"{village}-secretary", $"{village}-chair", $"{village}-supervisor", reviewer];

    public string VillagePath => villagePath ?? village switch
    {
        "xiwan" => "141124/141124109/141124109207",
        "lijiashan" => "141124/141124109/141124109230",
        "nanguan" => "141124/141124100/141124100201",
        _ => "141124/141124105/141124105209",
    };

    public async Task<string> StartAsync(string title = "硬化村内主干道800米", string category = "public-welfare", decimal amountYuan = 48000)
    {
        var reply = await service.Api.Post("/api/proposals", new
        {
            villagePath = VillagePath,
            title,
            summary = "拟使用集体资金硬化村内主干道800米，预算4.8万元。",
            category,
            amountYuan,
            source = "villager-suggestion",
        }, await service.TokenFor($"{village}-secretary"));
        Assert.True(reply.Code == 201, reply.ToString());
        return reply.Json.GetProperty("proposalId").GetString()!;
    }

    /// <summary>Takes one step; false once the proposal has ended. A 409 (a timer fired in between) is retried on a fresh read, as a client would.</summary>
    public async Task<bool> StepAsync(string id)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStepAsync(id);
            }
            catch (Conflict) when (attempt < 5)
            {
            }
        }
    }

    private sealed class Conflict : Exception;

    private async Task<bool> TryStepAsync(string id)
    {
        foreach (var user in People)
        {
            var token = await service.TokenFor(user);
            var view = (await service.Api.Get($"/api/proposals/{id}", token)).Json;
            if (view.GetProperty("status").GetString() == "ended")
            {
                return false;
            }

            var actions = view.GetProperty("actions").EnumerateArray()
                .Where(a => a.GetProperty("action").GetString() is not ("intervene" or "demand-rehearing" or "escalate-objection" or "raise-concern" or "attach-document"))
                .OrderBy(a => a.GetProperty("action").GetString() == "complete-implementation" ? 0 : 1)
                .ToList();
            var action = actions.FirstOrDefault();
            if (action.ValueKind == JsonValueKind.Undefined)
            {
                continue;
            }

            var name = action.GetProperty("action").GetString()!;
            var body = await BodyFor(name, action, view);
            var reply = await service.Api.Post($"/api/proposals/{id}/actions/{name}", body, token,
                new Dictionary<string, string> { ["If-Match"] = $"\"{view.GetProperty("version").GetInt32()}\"" });
            if (reply.Code == 409)
            {
                throw new Conflict();
            }

            Assert.True(reply.Code == 200, $"{user} {name}: {reply}");
            return true;
        }

        throw new InvalidOperationException($"Nobody of {string.Join(", ", People)} may act on {id}.");
    }

    public async Task<JsonElement> WalkToEndAsync(string id, int maxSteps = 60)
    {
        for (var i = 0; i < maxSteps && await StepAsync(id); i++)
        {
        }

        return (await service.Api.Get($"/api/proposals/{id}", await service.TokenFor(People[0]))).Json;
    }

    /// <summary>Moves the server's clock forward; returns the server's new "now".</summary>
    public async Task<DateTimeOffset> AdvanceDaysAsync(double days)
    {
        var reply = await service.Api.Post("/api/admin/clock", new { advanceDays = days }, await service.TokenFor("admin"));
        Assert.True(reply.Code == 200, reply.ToString());
        return reply.Json.GetProperty("now").GetDateTimeOffset();
    }

    private async Task<object> BodyFor(string action, JsonElement available, JsonElement view)
    {
        var step = available.GetProperty("stepId").GetString()!;
        switch (action)
        {
            case "complete-task":
                var outcomes = available.GetProperty("outcomes").EnumerateArray().Select(o => o.GetString()).ToList();
                return new { stepId = step, outcome = Ordinary.First(outcomes.Contains) };
            case "record-meeting":
                var m = Meetings[step];
                var entered = view.GetProperty("currentStep").GetProperty("enteredAt").GetDateTimeOffset();
                await AdvanceDaysAsync(m.NoticeDays + 1);
                return new
                {
                    stepId = step,
                    record = new
                    {
                        meetingKind = m.Kind,
                        heldAt = entered.AddDays(m.NoticeDays).AddHours(1),
                        noticeGivenAt = m.NoticeDays > 0 ? entered : (DateTimeOffset?)null,
                        members = m.Members,
                        exclusions = Array.Empty<object>(),
                        present = m.Members - 1,
                        yes = m.Members - 2,
                        no = 1,
                        abstain = 0,
                        minutes = "会议记录：议程、讨论、表决结果。",
                        townshipAttendee = m.Attendee ? "孙干部" : null,
                    },
                };
            case "review":
                return new { stepId = step, decision = "approve", reasons = "同意" };
            case "countersign":
                return new { stepId = step, opinion = "同意公开" };
            case "publish":
                return new { stepId = step, noticeText = "公示：" + view.GetProperty("title").GetString(), channels = new[] { "公开栏", "网上公开" } };
            case "close-disclosure":
                var closable = view.GetProperty("disclosure").GetProperty("closableFrom").GetDateTimeOffset();
                var now = await AdvanceDaysAsync(0.001);
                if (closable > now)
                {
                    await AdvanceDaysAsync((closable - now).TotalDays + 0.01);
                }

                return new { stepId = step };
            case "report-progress":
                return new { stepId = step, stage = "after", summary = "工程完工，验收合格。", costYuan = 47500, disclose = true };
            case "complete-implementation":
                return new { stepId = step, summary = "按方案完成。", totalCostYuan = 47500 };
            default:
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"No body for {action}"));
        }
    }
}

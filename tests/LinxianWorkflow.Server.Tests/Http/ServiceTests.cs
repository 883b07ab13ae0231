using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Http;

// The service over real HTTP against the real server process, once on SQLite and once on PostgreSQL
// (the concrete classes at the bottom). The demo county gives users for every role: xiwan and lijiashan
// are villages of 碛口镇 (141124109), nanguan of 临泉镇 (141124100).

public abstract class ServiceTests<TService>(TService service) : IClassFixture<TService>
    where TService : ServiceFixture
{
    protected TService Service { get; } = service;

    protected ApiClient Api => Service.Api;

    [Fact]
    public async Task A_proposal_goes_from_intake_to_archived_over_http_and_its_history_verifies_hash_by_hash()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync();
        var end = await walker.WalkToEndAsync(id);

        Assert.Equal("ended", end.GetProperty("status").GetString());
        Assert.Equal("archived", end.GetProperty("result").GetString());
        var history = (await Api.Get($"/api/proposals/{id}/history", await Service.TokenFor("auditor"))).Json;
        Assert.True(history.GetProperty("intact").GetBoolean(), history.GetProperty("break").ToString());
        var events = history.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e.GetProperty("sequence").GetInt32()));
        Assert.Equal(new string('0', 64), events[0].GetProperty("previousHash").GetString());
        for (var i = 1; i < events.Count; i++)
        {
            Assert.Equal(events[i - 1].GetProperty("hash").GetString(), events[i].GetProperty("previousHash").GetString());
        }

        Assert.Contains(events, e => e.GetProperty("record").GetProperty("type").GetString() == "InstanceEnded");
        Assert.Equal(end.GetProperty("version").GetInt32(), events.Count);
    }

    [Fact]
    public async Task Every_endpoint_answers_every_role_by_role_and_jurisdiction()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync();
        var intake = new { stepId = "intake", outcome = "accepted" };
        var xiwanPath = walker.VillagePath;
        var secretary = await Service.TokenFor("xiwan-secretary");
        var versionBefore = (await Api.Get($"/api/proposals/{id}", secretary)).Json.GetProperty("version").GetInt32();

        // user → expected status for: read proposal, read history, act at intake (refusals only), start here, list users, move clock.
        var matrix = new (string? User, int Read, int History, int Act, int Start, int Users, int Clock)[]
        {
            ("xiwan-chair", 200, 200, 403, 201, 403, 403),
            ("xiwan-committee", 200, 200, 403, 201, 403, 403),
            ("xiwan-supervisor", 200, 200, 403, 403, 403, 403),
            ("reviewer-109", 200, 200, 403, 403, 403, 403),
            ("auditor", 200, 200, 403, 403, 403, 403),
            ("admin", 200, 200, 403, 403, 200, 200),
            ("lijiashan-secretary", 403, 403, 403, 403, 403, 403),
            ("nanguan-secretary", 403, 403, 403, 403, 403, 403),
            ("reviewer-100", 403, 403, 403, 403, 403, 403),
            (null, 401, 401, 401, 401, 401, 401),
        };
        foreach (var row in matrix)
        {
            var token = row.User is null ? null : await Service.TokenFor(row.User);
            var who = row.User ?? "anonymous";
            Assert.True((await Api.Get($"/api/proposals/{id}", token)).Code == row.Read, $"{who} read");
            Assert.True((await Api.Get($"/api/proposals/{id}/history", token)).Code == row.History, $"{who} history");
            var act = await Api.Post($"/api/proposals/{id}/actions/complete-task", intake, token);
            Assert.True(act.Code == row.Act, $"{who} act: {act}");
            var start = await Api.Post("/api/proposals", new
            {
                villagePath = xiwanPath,
                title = "测试事项",
                summary = "测试",
                category = "general",
                amountYuan = 1,
                source = "cadre",
            }, token);
            Assert.True(start.Code == row.Start, $"{who} start: {start}");
            Assert.True((await Api.Get("/api/users", token)).Code == row.Users, $"{who} users");
            var clock = await Api.Post("/api/admin/clock", new { advanceDays = 0.0001 }, token);
            Assert.True(clock.Code == row.Clock, $"{who} clock: {clock}");
            Assert.True((await Api.Get("/api/inbox", token)).Code == (row.User is null ? 401 : 200), $"{who} inbox");
            Assert.True((await Api.Get("/api/proposals", token)).Code == (row.User is null ? 401 : 200), $"{who} list");
            Assert.True((await Api.Get("/api/public/villages/141124109207/disclosures", token)).Code == 200, $"{who} noticeboard");

            // Administration of users: administrators only; any signed-in user may take a script token for themselves.
            var newUser = new { userName = "u" + Guid.NewGuid().ToString("N")[..10], displayName = "新用户", grants = new[] { new { role = "committee-member", scope = xiwanPath } } };
            var created = await Api.Post("/api/users", newUser, token);
            Assert.True(created.Code == (row.Users == 200 ? 201 : row.Users), $"{who} create user: {created}");
            var patched = await Api.Send(HttpMethod.Patch, $"/api/users/demo-xiwan-committee", "{\"displayName\":\"陈委员\"}", token);
            Assert.True(patched.Code == (row.Users == 200 ? 204 : row.Users), $"{who} patch user: {patched}");
            var script = await Api.Post("/api/tokens", new { name = "matrix", days = 1 }, token);
            Assert.True(script.Code == (row.User is null ? 401 : 201), $"{who} token: {script}");
            if (script.Code == 201)
            {
                var revoke = await Api.Send(HttpMethod.Delete, $"/api/users/{script.Json.GetProperty("userId").GetString()}/tokens/{script.Json.GetProperty("tokenId").GetString()}", null, token);
                Assert.True(revoke.Code == 204, $"{who} revoke own token: {revoke}");
                var foreignRevoke = await Api.Send(HttpMethod.Delete, $"/api/users/demo-admin/tokens/0123456789abcdef", null, token);
                Assert.True(foreignRevoke.Code == (row.User == "admin" ? 404 : 403), $"{who} revoke another's token: {foreignRevoke}");
            }
        }

        // Refusals name the rule: a foreign secretary by jurisdiction, an auditor as read-only, a chair by role (the engine's check).
        Assert.Equal("auth.jurisdiction", (await Api.Post($"/api/proposals/{id}/actions/complete-task", intake, await Service.TokenFor("nanguan-secretary"))).Rule);
        Assert.Equal("auth.read-only", (await Api.Post($"/api/proposals/{id}/actions/complete-task", intake, await Service.TokenFor("auditor"))).Rule);
        Assert.Equal("auth.role", (await Api.Post($"/api/proposals/{id}/actions/complete-task", intake, await Service.TokenFor("xiwan-chair"))).Rule);

        // Nothing the refused callers sent changed the proposal; the secretary of the village may act.
        Assert.Equal(versionBefore, (await Api.Get($"/api/proposals/{id}", secretary)).Json.GetProperty("version").GetInt32());
        Assert.Equal(200, (await Api.Post($"/api/proposals/{id}/actions/complete-task", intake, secretary)).Code);

        // Lists and inboxes are cut to the caller's area.
        var foreign = (await Api.Get("/api/proposals?limit=200", await Service.TokenFor("nanguan-secretary"))).Json.EnumerateArray().ToList();
        Assert.NotEmpty(foreign);
        Assert.All(foreign, p => Assert.Equal("141124100201", p.GetProperty("villageCode").GetString()));
        var township = (await Api.Get("/api/proposals?limit=200", await Service.TokenFor("reviewer-109"))).Json.EnumerateArray().ToList();
        Assert.All(township, p => Assert.Equal("141124109", p.GetProperty("townshipCode").GetString()));
        Assert.Contains(township, p => p.GetProperty("villageCode").GetString() == "141124109230");
        var county = (await Api.Get("/api/proposals?limit=200", await Service.TokenFor("auditor"))).Json.EnumerateArray().ToList();
        Assert.True(county.Count > township.Count);
        var inbox = (await Api.Get("/api/inbox", await Service.TokenFor("nanguan-secretary"))).Json.EnumerateArray().ToList();
        Assert.DoesNotContain(inbox, t => t.GetProperty("proposalId").GetString() == id);
    }

    [Fact]
    public async Task Villages_are_named_in_lists_details_and_refusals_and_found_by_name_without_an_account()
    {
        // Lists and details carry the names beside the codes (the demo's 西湾村 is 141124109207 in 碛口镇 141124109).
        var secretary = await Service.TokenFor("xiwan-secretary");
        var listed = (await Api.Get("/api/proposals?village=141124109207&limit=1", secretary)).Json.EnumerateArray().Single();
        Assert.Equal(("西湾村", "碛口镇"), (listed.GetProperty("villageName").GetString(), listed.GetProperty("townshipName").GetString()));
        var id = listed.GetProperty("id").GetString();
        var detail = (await Api.Get($"/api/proposals/{id}", secretary)).Json;
        Assert.Equal(("西湾村", "碛口镇"), (detail.GetProperty("villageName").GetString(), detail.GetProperty("townshipName").GetString()));

        // A refusal names the village, whether the service refuses (reading) or the engine does (starting there).
        var outsider = await Service.TokenFor("nanguan-secretary");
        var read = await Api.Get($"/api/proposals/{id}", outsider);
        Assert.Equal(("auth.jurisdiction", "您的账号无权查看或办理 碛口镇西湾村 的事项。"), (read.Rule, read.Json.GetProperty("zh-CN").GetString()));
        var proposal = new { villagePath = "141124/141124109/141124109207", title = "修路", summary = "修村道", category = "public-welfare", amountYuan = 1000, source = "villager-suggestion" };
        var start = await Api.Post("/api/proposals", proposal, outsider);
        Assert.Equal("auth.jurisdiction", start.Rule);
        Assert.Contains("（碛口镇西湾村）", start.Json.GetProperty("zh-CN").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("141124109207", start.Text, StringComparison.Ordinal);

        // The areas themselves are public: a township's villages by code, any village by name, the counties.
        var qikou = (await Api.Get("/api/areas?parent=141124109")).Json.EnumerateArray().ToList();
        Assert.Equal(32, qikou.Count);
        var xiwan = qikou.Single(a => a.GetProperty("code").GetString() == "141124109207");
        Assert.Equal(("西湾村委会", "西湾村", "碛口镇西湾村", "village", "141124109"), (xiwan.GetProperty("name").GetString(), xiwan.GetProperty("shortName").GetString(),
            xiwan.GetProperty("displayName").GetString(), xiwan.GetProperty("level").GetString(), xiwan.GetProperty("parentCode").GetString()));
        var found = (await Api.Get("/api/areas?q=" + Uri.EscapeDataString("李家山"))).Json.EnumerateArray().Select(a => a.GetProperty("displayName").GetString()).ToList();
        Assert.Equal(["碛口镇李家山村", "刘家会镇李家山村"], found);
        Assert.Equal(["141124109230"], (await Api.Get("/api/areas?parent=141124109&q=" + Uri.EscapeDataString("李家山"))).Json.EnumerateArray().Select(a => a.GetProperty("code").GetString()));
        Assert.Equal("临县", (await Api.Get("/api/areas")).Json.EnumerateArray().Single().GetProperty("name").GetString());
        Assert.Equal("area.not-found", (await Api.Get("/api/areas?parent=141124999")).Rule);
        Assert.Equal("input.query", (await Api.Get("/api/areas?limit=0")).Rule);
    }

    [Fact]
    public async Task Health_the_openapi_document_and_its_browser_are_served_without_sign_in()
    {
        var health = await Api.Get("/health");
        Assert.Equal(200, health.Code);
        Assert.Equal("ready", health.Json.GetProperty("status").GetString());
        var openapi = await Api.Get("/openapi/v1.json");
        Assert.Equal(200, openapi.Code);
        var paths = openapi.Json.GetProperty("paths");
        foreach (var path in new[] { "/api/proposals", "/api/proposals/{id}", "/api/proposals/{id}/history",
            "/api/inbox", "/api/public/villages/{code}/disclosures", "/api/public/proposals/{id}/objections", "/api/auth/login", "/api/users", "/api/tokens" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        Assert.Equal(200, (await Api.Get("/scalar")).Code);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_actions_request_body_and_the_bearer_scheme()
    {
        var document = (await Api.Get("/openapi/v1.json")).Json;
        var paths = document.GetProperty("paths");
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.NotEmpty(LinxianWorkflow.Server.Application.ActionCatalog.Commands);
        foreach (var (action, type) in LinxianWorkflow.Server.Application.ActionCatalog.Commands)
        {
            Assert.True(paths.TryGetProperty($"/api/proposals/{{id}}/actions/{action}", out var path), action);
            var post = path.GetProperty("post");
            var schema = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            var name = schema.GetProperty("$ref").GetString()!.Split('/')[^1];
            Assert.Equal(type.Name, name);

            // Each required constructor parameter of the command is a required member of its schema.
            var required = schemas.GetProperty(name).TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()).ToHashSet() : [];
            foreach (var parameter in type.GetConstructors().Single().GetParameters().Where(p => !p.HasDefaultValue))
            {
                Assert.Contains(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!), required);
            }

            Assert.True(post.GetProperty("responses").TryGetProperty("422", out _), action);
            Assert.Equal("bearer", post.GetProperty("security")[0].EnumerateObject().Single().Name);
        }

        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.False(paths.GetProperty("/api/public/villages/{code}/disclosures").GetProperty("get").TryGetProperty("security", out _));
        Assert.True(paths.GetProperty("/api/proposals").GetProperty("post").TryGetProperty("requestBody", out _));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_at_once_and_a_disabled_user_cannot_act_nor_keep_a_session()
    {
        // A user of its own: disabling ends every token, the fixture's too.
        var admin = await Service.TokenFor("admin");
        var userName = "revoke-" + Guid.NewGuid().ToString("N")[..8];
        var userId = (await Api.Post("/api/users", new { userName, displayName = "陈委员", password = "linxian-demo", grants = new[] { new { role = "committee-member", scope = "141124/141124109/141124109207" } } }, admin))
            .Json.GetProperty("id").GetString();
        var session = (await Api.Post("/api/auth/login", new { userName, password = "linxian-demo" })).Json.GetProperty("token").GetString();
        var script = (await Api.Post("/api/tokens", new { name = "revoke-me", days = 30 }, session)).Json;
        var token = script.GetProperty("token").GetString();
        Assert.Equal(200, (await Api.Get("/api/inbox", token)).Code);

        var revoked = await Api.Send(HttpMethod.Delete, $"/api/users/{userId}/tokens/{script.GetProperty("tokenId").GetString()}", null, session);
        Assert.Equal(204, revoked.Code);
        Assert.Equal(401, (await Api.Get("/api/inbox", token)).Code);
        Assert.Equal(200, (await Api.Get("/api/inbox", session)).Code);

        Assert.Equal(204, (await Api.Send(HttpMethod.Patch, $"/api/users/{userId}", "{\"disabled\":true}", admin)).Code);
        Assert.Equal(401, (await Api.Get("/api/inbox", session)).Code);
        Assert.Equal(401, (await Api.Post("/api/auth/login", new { userName, password = "linxian-demo" })).Code);
        Assert.Equal(204, (await Api.Send(HttpMethod.Patch, $"/api/users/{userId}", "{\"disabled\":false}", admin)).Code);
        Assert.Equal(401, (await Api.Get("/api/inbox", session)).Code); // disabling ended the session; enabling does not bring it back
        Assert.Equal(200, (await Api.Post("/api/auth/login", new { userName, password = "linxian-demo" })).Code);
    }

    [Fact]
    public async Task The_inbox_shows_the_open_step_to_its_role_with_its_due_date_and_moves_on_when_done()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync();
        var secretary = await Service.TokenFor("xiwan-secretary");
        var task = (await Api.Get("/api/inbox", secretary)).Json.EnumerateArray().Single(t => t.GetProperty("proposalId").GetString() == id);
        Assert.Equal("intake", task.GetProperty("stepId").GetString());
        Assert.Equal("party-secretary", task.GetProperty("role").GetString());
        Assert.True(task.GetProperty("dueAt").GetDateTimeOffset() > task.GetProperty("remindAt").GetDateTimeOffset());
        Assert.DoesNotContain((await Api.Get("/api/inbox", await Service.TokenFor("xiwan-chair"))).Json.EnumerateArray(), t => t.GetProperty("proposalId").GetString() == id);

        await walker.StepAsync(id);
        var after = (await Api.Get("/api/inbox", secretary)).Json.EnumerateArray().Where(t => t.GetProperty("proposalId").GetString() == id).ToList();
        Assert.Equal("branch-proposal", Assert.Single(after).GetProperty("stepId").GetString());

        var filtered = (await Api.Get($"/api/proposals?village=141124109207&step=branch-proposal&status=running&category=public-welfare&minAmount=48000&maxAmount=48000", secretary)).Json;
        Assert.Contains(filtered.EnumerateArray(), p => p.GetProperty("id").GetString() == id);
        var none = (await Api.Get("/api/proposals?village=141124109207&minAmount=48000.01", secretary)).Json;
        Assert.DoesNotContain(none.EnumerateArray(), p => p.GetProperty("id").GetString() == id);

        // By actor: the secretary acted on it (started, accepted); the chair has not yet.
        var auditor = await Service.TokenFor("auditor");
        Assert.Contains((await Api.Get("/api/proposals?actor=xiwan-secretary&limit=200", auditor)).Json.EnumerateArray(), p => p.GetProperty("id").GetString() == id);
        Assert.DoesNotContain((await Api.Get("/api/proposals?actor=xiwan-chair&limit=200&status=running&step=branch-proposal", auditor)).Json.EnumerateArray(), p => p.GetProperty("id").GetString() == id);

        // Dates are China dates: `from` includes the day the proposal started, `to` excludes it.
        var started = filtered.EnumerateArray().Single(p => p.GetProperty("id").GetString() == id).GetProperty("startedAt").GetDateTimeOffset();
        var day = started.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var next = started.ToOffset(TimeSpan.FromHours(8)).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains((await Api.Get($"/api/proposals?village=141124109207&from={day}&to={next}", secretary)).Json.EnumerateArray(), p => p.GetProperty("id").GetString() == id);
        Assert.DoesNotContain((await Api.Get($"/api/proposals?village=141124109207&to={day}", secretary)).Json.EnumerateArray(), p => p.GetProperty("id").GetString() == id);
        Assert.DoesNotContain((await Api.Get($"/api/proposals?village=141124109207&from={next}", secretary)).Json.EnumerateArray(), p => p.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Two_clients_racing_on_one_version_one_wins_the_other_gets_409_and_the_history_has_no_gap()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync();
        var secretary = await Service.TokenFor("xiwan-secretary");
        var version = (await Api.Get($"/api/proposals/{id}", secretary)).Json.GetProperty("version").GetInt32();
        var headers = new Dictionary<string, string> { ["If-Match"] = $"\"{version}\"" };
        var body = new { stepId = "intake", outcome = "accepted" };

        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Api.Post($"/api/proposals/{id}/actions/complete-task", body, secretary, headers)));

        Assert.Single(replies, r => r.Code == 200);
        Assert.All(replies.Where(r => r.Code != 200), r => Assert.Equal(409, r.Code));
        Assert.All(replies.Where(r => r.Code != 200), r => Assert.StartsWith("concurrency.", r.Rule));
        var history = (await Api.Get($"/api/proposals/{id}/history", secretary)).Json;
        Assert.True(history.GetProperty("intact").GetBoolean());
        var events = history.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e.GetProperty("sequence").GetInt32()));
        Assert.Single(events, e => e.GetProperty("record").GetProperty("type").GetString() == "TaskCompleted");

        // Without If-Match, concurrent senders still cannot both land: the loser is refused, never duplicated.
        var meeting = (await Api.Get($"/api/proposals/{id}", secretary)).Json;
        Assert.Equal("branch-proposal", meeting.GetProperty("currentStep").GetProperty("id").GetString());
        var entered = meeting.GetProperty("currentStep").GetProperty("enteredAt").GetDateTimeOffset();
        await walker.AdvanceDaysAsync(1);
        var record = new
        {
            stepId = "branch-proposal",
            record = new { meetingKind = "branch-committee", heldAt = entered.AddHours(1), noticeGivenAt = (DateTimeOffset?)null, members = 7, exclusions = Array.Empty<object>(), present = 6, yes = 5, no = 1, abstain = 0, minutes = "记录" },
        };
        var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Api.Post($"/api/proposals/{id}/actions/record-meeting", record, secretary)));
        Assert.Single(racing, r => r.Code == 200);
        Assert.All(racing.Where(r => r.Code != 200), r => Assert.Equal(409, r.Code));
        var after = (await Api.Get($"/api/proposals/{id}/history", secretary)).Json.GetProperty("events").EnumerateArray().ToList();
        Assert.Single(after, e => e.GetProperty("record").GetProperty("type").GetString() == "MeetingRecorded");
        Assert.Equal(Enumerable.Range(1, after.Count), after.Select(e => e.GetProperty("sequence").GetInt32()));
    }

    [Fact]
    public async Task A_retried_request_with_the_same_idempotency_key_returns_the_first_answer_and_appends_nothing()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync();
        var secretary = await Service.TokenFor("xiwan-secretary");
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "retry-" + Guid.NewGuid() };
        var body = new { stepId = "intake", outcome = "accepted" };

        var first = await Api.Post($"/api/proposals/{id}/actions/complete-task", body, secretary, key);
        var count = (await Api.Get($"/api/proposals/{id}/history", secretary)).Json.GetProperty("events").GetArrayLength();
        var retries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Api.Post($"/api/proposals/{id}/actions/complete-task", body, secretary, key)));

        Assert.Equal(200, first.Code);
        Assert.All(retries, r => Assert.Equal(200, r.Code));
        Assert.All(retries, r => Assert.Equal(first.Json.GetProperty("events").ToString(), r.Json.GetProperty("events").ToString()));
        Assert.Equal(count, (await Api.Get($"/api/proposals/{id}/history", secretary)).Json.GetProperty("events").GetArrayLength());

        // The same request laid out differently (members reordered, spaces) is the same request: replayed, not refused.
        var relaid = await Api.Send(HttpMethod.Post, $"/api/proposals/{id}/actions/complete-task", "{ \"outcome\" : \"accepted\",\n  \"stepId\": \"intake\" }", secretary, key);
        Assert.True(relaid.Code == 200, relaid.ToString());
        Assert.Equal(first.Json.GetProperty("events").ToString(), relaid.Json.GetProperty("events").ToString());

        // The same key on a different request is refused, not replayed.
        var other = await Api.Post($"/api/proposals/{id}/actions/complete-task", new { stepId = "intake", outcome = "declined", note = "不同" }, secretary, key);
        Assert.Equal(422, other.Code);
        Assert.Equal("idempotency.key-reused", other.Rule);

        // Starting a proposal twice with one key makes one proposal.
        var startKey = new Dictionary<string, string> { ["Idempotency-Key"] = "start-" + Guid.NewGuid() };
        var start = new { villagePath = walker.VillagePath, title = "重试测试", summary = "测试", category = "general", amountYuan = 100, source = "cadre" };
        var starts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Api.Post("/api/proposals", start, secretary, startKey)));
        Assert.All(starts, r => Assert.True(r.Code == 201, r.ToString()));
        Assert.Single(starts.Select(r => r.Json.GetProperty("proposalId").GetString()).Distinct());
        var listed = (await Api.Get("/api/proposals?limit=200", secretary)).Json.EnumerateArray();
        Assert.Single(listed, p => p.GetProperty("title").GetString() == "重试测试");
    }

    [Fact]
    public async Task Bad_input_gets_a_problem_naming_what_is_wrong_and_never_a_500()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync();
        var token = await Service.TokenFor("xiwan-secretary");
        var path = $"/api/proposals/{id}/actions/complete-task";

        async Task<Reply> Raw(string json, string contentType = "application/json", string? at = null) =>
            await Api.Send(HttpMethod.Post, at ?? path, json, token, contentType: contentType);

        var cases = new (Reply Reply, int Status, string Rule)[]
        {
            (await Raw("{\"stepId\": \"intake\", "), 400, "input.malformed-json"),
            (await Raw("{\"stepId\": 5, \"outcome\": \"accepted\"}"), 400, "input.field"),
            (await Raw("{\"outcome\": \"accepted\"}"), 400, "input.field"),
            (await Raw("{\"stepId\": \"intake\", \"outcome\": \"accepted\", \"extra\": 1}"), 400, "input.field"),
            (await Raw("[1,2,3]"), 400, "input.field"),
            (await Raw(""), 400, "input.body-missing"),
            (await Raw("{\"stepId\": \"intake\", \"outcome\": \"accepted\"}", "text/plain"), 415, "input.content-type"),
            (await Api.Send(HttpMethod.Post, path, new string('x', 2 * 1024 * 1024), token, expectContinue: true), 413, "input.too-large"),
            (await Raw("{\"note\": \"" + new string('x', 300 * 1024) + "\"}"), 413, "input.too-large"),
            (await Raw("{\"stepId\": \"intake\", \"outcome\": \"accepted\", \"note\": \"a\\u0000b\"}"), 400, "input.control-character"),
            (await Raw("{}", at: $"/api/proposals/{id}/actions/fly-to-the-moon"), 400, "action.unknown"),
            (await Raw("{\"stepId\": \"intake\", \"outcome\": \"teleported\"}"), 422, "task.outcome"),
            (await Raw("{\"stepId\": \"villager-resolution\", \"outcome\": \"accepted\"}"), 409, "step.not-current"),
            (await Api.Send(HttpMethod.Post, path, "{\"stepId\":\"intake\",\"outcome\":\"accepted\"}", token, new Dictionary<string, string> { ["If-Match"] = "\"abc\"" }), 400, "concurrency.if-match"),
            (await Api.Get("/api/proposals?minAmount=lots", token), 400, "input.query"),
            (await Api.Get("/api/proposals/nothing-here", token), 404, "proposal.not-found"),
            (await Api.Get("/api/no/such/route", token), 404, "http.not-found"),
            (await Api.Post("/api/proposals", new { villagePath = "141124/../../etc", title = "x", summary = "x", category = "general", amountYuan = 1, source = "cadre" }, token), 400, "input.village-path"),
            (await Api.Post("/api/proposals", new { villagePath = walker.VillagePath, title = "x", summary = "x", category = "general", amountYuan = 0.001, source = "cadre" }, token), 422, "input.amount"),
            (await Api.Post("/api/proposals", new { villagePath = walker.VillagePath, title = new string('长', 201), summary = "x", category = "general", amountYuan = 1, source = "cadre" }, token), 422, "input.too-long"),
        };
        foreach (var (reply, status, rule) in cases)
        {
            Assert.True(reply.Code == status && reply.Rule == rule, $"expected {status} {rule}, got {reply}");
            Assert.Equal("application/problem+json", reply.ContentType);
            var problem = reply.Json;
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("zh-CN").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("en").GetString()));
            Assert.Equal(problem.GetProperty("zh-CN").GetString(), problem.GetProperty("detail").GetString());
        }

        // A member named twice is a 400 like any other wrong body, not a failure of the handler naming it.
        Assert.Equal((400, "input.field"), (await Raw("{\"stepId\":\"intake\",\"stepId\":\"intake\",\"x\":1}")) is var twice ? (twice.Code, twice.Rule) : default);

        // Members bind whatever their case, and the one the reader stopped at is named with the rest.
        Assert.Contains("outcome", (await Raw("{\"StepId\": \"intake\", \"outcome\": 5}")).Json.GetProperty("en").GetString(), StringComparison.Ordinal);

        // Every member that is wrong is named at once: the two missing and the one unknown.
        var named = (await Raw("{\"extra\": 1}")).Json.GetProperty("en").GetString()!;
        foreach (var member in (string[])["stepId", "outcome", "extra"])
        {
            Assert.Contains(member, named, StringComparison.Ordinal);
        }

        Assert.Contains("note", (await Raw("{\"stepId\": \"intake\", \"outcome\": \"accepted\", \"note\": 5}")).Json.GetProperty("en").GetString(), StringComparison.Ordinal);

        // English first when the request prefers it.
        var english = await Api.Send(HttpMethod.Get, "/api/proposals/nothing-here", null, token, new Dictionary<string, string> { ["Accept-Language"] = "en-US,en;q=0.9" });
        Assert.Equal(english.Json.GetProperty("en").GetString(), english.Json.GetProperty("detail").GetString());

        // Random bytes at every writing endpoint: always a 4xx.
        var random = new Random(20261127);
        var targets = new[] { path, "/api/proposals", "/api/public/proposals/" + id + "/objections", "/api/users", "/api/tokens", "/api/auth/login", "/api/admin/clock" };
        for (var i = 0; i < 60; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            var junk = i % 3 == 0 ? System.Text.Encoding.Latin1.GetString(bytes) : "{\"stepId\":" + new string('[', random.Next(1, 80));
            var reply = await Api.Send(HttpMethod.Post, targets[i % targets.Length], junk, token);
            Assert.True(reply.Code is >= 400 and < 500, $"{targets[i % targets.Length]}: {reply}");
        }

        // The refused requests changed nothing.
        Assert.Equal("intake", (await Api.Get($"/api/proposals/{id}", token)).Json.GetProperty("currentStep").GetProperty("id").GetString());

        // And none of them is an error in the server's log: a refusal is an answer, not a failure.
        Assert.DoesNotContain(Service.Server.Output.Split('\n'), line => line.StartsWith("fail:", StringComparison.Ordinal) || line.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Every_event_lands_in_the_merkle_log_and_its_proof_verifies_against_the_signed_checkpoint()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync("公开日志测试：新建村史馆");
        await walker.StepAsync(id);
        var auditor = await Service.TokenFor("auditor");
        var history = (await Api.Get($"/api/proposals/{id}/history", auditor)).Json.GetProperty("events").EnumerateArray().ToList();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await Api.Get($"/api/proposals/{id}/events/{history.Count}/proof", auditor)).Code != 200)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the events did not reach the log within 30 s");
            await Task.Delay(200);
        }

        var keyReply = await Api.Get("/api/public/log/key");
        var key = Audit.NoteVerifierKey.Parse(keyReply.Text.Trim());
        Assert.True(key is not null, keyReply.ToString());
        foreach (var e in history)
        {
            var proof = (await Api.Get($"/api/proposals/{id}/events/{e.GetProperty("sequence").GetInt32()}/proof", auditor)).Json;
            var text = Audit.SignedNote.Open(proof.GetProperty("checkpoint").GetString()!, key);
            var checkpoint = Audit.Checkpoint.Parse(text!)!;
            Assert.Equal(proof.GetProperty("treeSize").GetInt64(), checkpoint.Size);
            Assert.Equal(proof.GetProperty("root").GetString(), Convert.ToHexStringLower(checkpoint.Root));

            // The leaf is recomputed from the stored record the history returns, not taken from the server.
            var leaf = Audit.MerkleTree.LeafHash(System.Text.Encoding.UTF8.GetBytes(e.GetProperty("recordText").GetString()!));
            var path = proof.GetProperty("proof").EnumerateArray().Select(p => Convert.FromHexString(p.GetString()!)).ToList();
            Assert.True(Audit.MerkleProof.VerifyInclusion(leaf, proof.GetProperty("position").GetInt64(), checkpoint.Size, path, checkpoint.Root));
            if (path.Count > 0)
            {
                path[0][0] ^= 1;
                Assert.False(Audit.MerkleProof.VerifyInclusion(leaf, proof.GetProperty("position").GetInt64(), checkpoint.Size, path, checkpoint.Root));
            }
        }

        Assert.Equal(200, (await Api.Get("/api/public/log/checkpoint")).Code);
    }

    [Fact]
    public async Task Sql_and_html_in_text_fields_are_stored_verbatim_and_returned_encoded()
    {
        const string Nasty = "<script>alert('村')</script>'; DROP TABLE events; -- & \"引号\"";
        var token = await Service.TokenFor("xiwan-secretary");
        var start = await Api.Post("/api/proposals", new
        {
            villagePath = new Walker(Service).VillagePath,
            title = Nasty,
            summary = Nasty,
            category = "general",
            amountYuan = 1,
            source = "cadre",
        }, token);
        Assert.Equal(201, start.Code);
        var id = start.Json.GetProperty("proposalId").GetString()!;

        var read = await Api.Get($"/api/proposals/{id}", token);
        Assert.Equal(Nasty, read.Json.GetProperty("title").GetString());
        Assert.DoesNotContain("<script>", read.Text, StringComparison.Ordinal);
        Assert.Equal("nosniff", read.Headers.GetValues("X-Content-Type-Options").Single());
        var history = await Api.Get($"/api/proposals/{id}/history", token);
        Assert.Equal(Nasty, history.Json.GetProperty("events")[0].GetProperty("record").GetProperty("data").GetProperty("title").GetString());
        Assert.DoesNotContain("<script>", history.Text, StringComparison.Ordinal);
        Assert.True(history.Json.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task A_server_killed_between_commands_loses_nothing_and_carries_on()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync();
        for (var i = 0; i < 4; i++)
        {
            await walker.StepAsync(id);
        }

        var before = (await Api.Get($"/api/proposals/{id}/history", await Service.TokenFor("auditor"))).Text;
        await Service.RestartAsync();

        var after = (await Api.Get($"/api/proposals/{id}/history", await Service.TokenFor("auditor"))).Text;
        Assert.Equal(before, after);
        var end = await walker.WalkToEndAsync(id);
        Assert.Equal("archived", end.GetProperty("result").GetString());
        Assert.True((await Api.Get($"/api/proposals/{id}/history", await Service.TokenFor("auditor"))).Json.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task A_villager_reads_the_noticeboard_and_lodges_an_objection_without_an_account_and_gets_a_receipt()
    {
        var walker = new Walker(Service);
        var id = await walker.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            var view = (await Api.Get($"/api/proposals/{id}", await Service.TokenFor("xiwan-chair"))).Json;
            if (view.GetProperty("disclosure").ValueKind == JsonValueKind.Object && view.GetProperty("disclosure").GetProperty("publishedAt").ValueKind != JsonValueKind.Null)
            {
                break;
            }

            await walker.StepAsync(id);
        }

        var board = (await Api.Get("/api/public/villages/141124109207/disclosures")).Json.EnumerateArray().ToList();
        var notice = board.Single(d => d.GetProperty("proposalId").GetString() == id);
        Assert.True(notice.GetProperty("current").GetBoolean());
        Assert.Equal(64, notice.GetProperty("eventHash").GetString()!.Length);

        var lodged = await Api.Post($"/api/public/proposals/{id}/objections", new { text = "公示金额与预算不符，请说明。" });
        Assert.Equal(201, lodged.Code);
        var receipt = lodged.Json.GetProperty("receiptNumber").GetString();
        var view2 = (await Api.Get($"/api/proposals/{id}", await Service.TokenFor("xiwan-chair"))).Json;
        Assert.Contains(view2.GetProperty("disclosure").GetProperty("objections").EnumerateArray(), o => o.GetProperty("objectionId").GetString() == receipt);
        Assert.Contains(view2.GetProperty("actions").EnumerateArray(), a => a.GetProperty("action").GetString() == "answer-objection");

        // The disclosure cannot be closed while the objection is open or before its period.
        var close = await Api.Post($"/api/proposals/{id}/actions/close-disclosure", new { stepId = view2.GetProperty("currentStep").GetProperty("id").GetString() }, await Service.TokenFor("xiwan-chair"));
        Assert.Equal(422, close.Code);
        Assert.StartsWith("disclosure.", close.Rule);

        // Too long an objection is refused by the engine's limit; a flood from one address is cut off.
        Assert.Equal(422, (await Api.Post($"/api/public/proposals/{id}/objections", new { text = new string('长', 2001) })).Code);
        var flood = new List<int>();
        for (var i = 0; i < 25; i++)
        {
            flood.Add((await Api.Post($"/api/public/proposals/{id}/objections", new { text = "重复" + i })).Code);
        }

        Assert.Contains(429, flood);
    }
}

public sealed class SqliteServiceTests(SqliteService service) : ServiceTests<SqliteService>(service);

public sealed class PostgresServiceTests(PostgresService service) : ServiceTests<PostgresService>(service);

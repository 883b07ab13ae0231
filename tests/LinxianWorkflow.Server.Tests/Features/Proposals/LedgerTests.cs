using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Proposals;

/// <summary>The 台账 on PostgreSQL (the page tests read it on SQLite): each step's first date comes from the events of the proposals listed.</summary>
public sealed class LedgerTests(PostgresService service) : IClassFixture<PostgresService>
{
    [Fact]
    public async Task The_ledger_lists_a_proposal_with_the_date_its_steps_were_entered()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("台账测试：修缮村委会院墙");
        Assert.True(await walker.StepAsync(id));
        var csv = await service.Api.Get("/api/proposals/ledger.csv?village=141124109207", await service.TokenFor("auditor"));
        Assert.True(csv.Code == 200, csv.ToString());
        var row = Assert.Single(csv.Text.Split('\n'), line => line.Contains(id, StringComparison.Ordinal));
        Assert.Contains("台账测试：修缮村委会院墙", row, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d{2}-\d{2}", row);
    }

    [Fact]
    public async Task The_public_search_finds_titles_on_postgresql_and_refuses_a_nul()
    {
        var found = await service.Api.Get("/api/public/disclosures?q=" + Uri.EscapeDataString("供水管网"));
        Assert.True(found.Code == 200, found.ToString());
        Assert.Equal("改造村内供水管网", Assert.Single(found.Json.EnumerateArray()).GetProperty("disclosure").GetProperty("title").GetString());
        Assert.Empty((await service.Api.Get("/api/public/disclosures?q=" + Uri.EscapeDataString("100%"))).Json.EnumerateArray());
        var nul = await service.Api.Get("/api/public/disclosures?q=%00%00");
        Assert.Equal((400, "input.control-character"), (nul.Code, nul.Rule));
    }
}

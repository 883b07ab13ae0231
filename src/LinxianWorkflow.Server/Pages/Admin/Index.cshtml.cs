using System.Globalization;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Features.Admin;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Hosting;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Pages.Admin;

/// <summary>The administrator's page: the demo clock, users with their roles and areas by name, a new user with a grant chosen from pickers, the definitions as diagrams, the rule profiles.</summary>
public sealed class IndexModel(ISender sender, WorkflowLibrary library, AdjustableClock clock, AreaRegistry areas) : AdminModel(areas)
{
    public IReadOnlyList<UserView> Users { get; private set; } = [];

    /// <summary>The user name the next page of users starts after, or null on the last page.</summary>
    public string? NextUsers { get; private set; }

    public WorkflowLibrary Library => library;

    public DateTimeOffset Now => clock.GetUtcNow();

    public CreatedUser? Created { get; private set; }

    [BindProperty(Name = "userName")]
    public string? UserName { get; set; }

    [BindProperty(Name = "displayName")]
    public string? DisplayName { get; set; }

    [BindProperty(Name = "role")]
    public string? Role { get; set; }

    [BindProperty(Name = "area")]
    public string? Area { get; set; }

    [BindProperty(Name = "advanceDays")]
    public string? AdvanceDays { get; set; }

    /// <summary>The last migration's (or dry run's) report.</summary>
    public MigrationReport? Migration { get; private set; }

    [BindProperty(Name = "definition")]
    public string? Definition { get; set; }

    [BindProperty(Name = "fromVersion")]
    public int? FromVersion { get; set; }

    [BindProperty(Name = "toVersion")]
    public int? ToVersion { get; set; }

    [BindProperty(Name = "atStep")]
    public string? AtStep { get; set; }

    [BindProperty(Name = "proposalIds")]
    public string? ProposalIds { get; set; }

    [BindProperty(Name = "mapping")]
    public string? Mapping { get; set; }

    [BindProperty(Name = "reason")]
    public string? Reason { get; set; }

    [BindProperty(Name = "dryRun")]
    public bool DryRun { get; set; }

    public async Task OnGetAsync([FromQuery(Name = "after")] string? after) => await ReadUsersAsync(after);

    private async Task ReadUsersAsync(string? after = null)
    {
        var page = await sender.Send(new ListUsers(Caller, after), HttpContext.RequestAborted);
        (Users, NextUsers) = (page.Users, page.Next);
    }

    public async Task<IActionResult> OnPostUserAsync()
    {
        try
        {
            Created = await sender.Send(new CreateUser(Caller, new NewUser((UserName ?? "").Trim(), (DisplayName ?? "").Trim(),
                Picked(Role, Area) is { } grant ? [grant] : [])), HttpContext.RequestAborted);
            Response.StatusCode = StatusCodes.Status201Created;
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
        }

        await ReadUsersAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostClockAsync()
    {
        try
        {
            var days = double.TryParse(AdvanceDays, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : -1;
            await sender.Send(new AdvanceClock(Caller, new ClockChange(days)), HttpContext.RequestAborted);
            return Redirect("/admin");
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
            await ReadUsersAsync();
            return Page();
        }
    }

    /// <summary>
    /// Moves instances to another definition version, or only says what that would do (the dry run): the ids one to a
    /// line (none: every running one, at the step if given), the mapping one "old=new" to a line.
    /// </summary>
    public async Task<IActionResult> OnPostMigrateAsync()
    {
        try
        {
            static string[] Lines(string? text) => (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var ids = Lines(ProposalIds);
            var mapping = new Dictionary<string, string>(StringComparer.Ordinal); // a step given twice: the later line counts
            foreach (var pair in Lines(Mapping).Select(l => l.Split(['=', '＝'], 2)))
            {
                mapping[pair[0].Trim()] = pair.Length > 1 ? pair[1].Trim() : "";
            }

            var request = new MigrationRequest((Definition ?? "").Trim(), FromVersion ?? 0, ToVersion ?? 0, (Reason ?? "").Trim(),
                AtStep: string.IsNullOrWhiteSpace(AtStep) ? null : AtStep.Trim(), ProposalIds: ids.Length == 0 ? null : ids, Mapping: mapping);
            Migration = await sender.Send(new MigrateInstances(Caller, request, DryRun), HttpContext.RequestAborted);
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
        }

        await ReadUsersAsync();
        return Page();
    }

    public static string Describe(Threshold t) => $"{(t.Comparison == Comparison.AtLeast ? "≥" : ">")} {t.Fraction} × {t.Base}";
}

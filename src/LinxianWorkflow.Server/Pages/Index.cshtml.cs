using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Web;
using Mediator;

namespace LinxianWorkflow.Server.Pages;

/// <summary>
/// Home: what waits for me (overdue marked), what I was told, and the proposals I may read, filtered and paged.
/// </summary>
public sealed class IndexModel(ISender sender, WorkflowLibrary library) : AppPageModel
{
    public IReadOnlyList<InboxItem> Inbox { get; private set; } = [];

    public IReadOnlyList<NotificationView> Notifications { get; private set; } = [];

    public IReadOnlyList<ProposalSummary> Proposals { get; private set; } = [];

    public ProposalFilter Filter { get; private set; } = new();

    public bool CanStart { get; private set; }

    /// <summary>The main path's steps of every definition, for the step filter.</summary>
    public IReadOnlyList<string> Steps { get; } = [.. library.Catalog.Definitions.Values.SelectMany(d => d.MainPath).Distinct(StringComparer.Ordinal)];

    /// <summary>Categories of every profile, for the category filter.</summary>
    public IReadOnlyList<string> Categories { get; } = [.. library.Catalog.Profiles.Values.SelectMany(p => p.Categories.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public async Task OnGetAsync()
    {
        var ct = HttpContext.RequestAborted;
        CanStart = Starting.Procedures(Caller, library).Count > 0;
        Inbox = Caller.IsReadOnly ? [] : await sender.Send(new GetInbox(Caller), ct);
        Notifications = [.. (await sender.Send(new GetNotifications(Caller), ct)).OrderByDescending(n => n.CreatedAt).Take(20)];
        Filter = ProposalEndpoints.Filter(Request.Query);
        Proposals = await sender.Send(new ListProposals(Caller, Filter), ct);
    }

    /// <summary>This list at another offset, the other filters kept.</summary>
    public string PageLink(int offset) => QueryString.Create(Request.Query
        .Where(p => p.Key is not ("offset" or "limit"))
        .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
        .Append(new("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        .Append(new("limit", Filter.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToUriComponent() is var q ? "/" + q : "/";

    public string Query(string name) => Request.Query[name].ToString();

    /// <summary>The current filters (not the paging) as a query string, for the 台账 exports.</summary>
    public string FilterQuery => QueryString.Create(Request.Query
        .Where(p => p.Key is not ("offset" or "limit"))
        .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))).ToUriComponent();
}

using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Features.Noticeboard;
using LinxianWorkflow.Server.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Pages.Villages;

/// <summary>
/// 各村公开栏: every village and community of the county by township, by name, with those that have matters on
/// record marked; a villager finds their own by typing part of its name.
/// </summary>
public sealed class IndexModel(AreaRegistry areas, ISender sender) : AppPageModel
{
    /// <summary>Areas by name, for the villages of the notices found.</summary>
    public AreaRegistry Areas => areas;

    protected override bool RequiresSignIn => false;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    /// <summary>Townships with their villages (only the matching ones when searching).</summary>
    public IReadOnlyList<(Area Township, IReadOnlyList<Area> Villages)> Townships { get; private set; } = [];

    /// <summary>True when the reader typed a name: every township that matched is shown open.</summary>
    public bool Searching => !string.IsNullOrWhiteSpace(Query);

    /// <summary>Notices whose title holds the words searched for (a villager may know the matter, not the village).</summary>
    public IReadOnlyList<FoundDisclosure> Notices { get; private set; } = [];

    /// <summary>Villages that have matters on record.</summary>
    public IReadOnlySet<string> Active { get; private set; } = new HashSet<string>();

    public async Task OnGetAsync()
    {
        Active = await sender.Send(new ListVillagesWithMatters(), HttpContext.RequestAborted);
        var q = Query?.Trim() ?? "";
        var list = new List<(Area, IReadOnlyList<Area>)>();
        foreach (var county in areas.Counties())
        {
            foreach (var township in areas.Townships(county.Code))
            {
                var villages = areas.Children(township.Code);
                var matched = q.Length == 0 || township.Name.Contains(q, StringComparison.Ordinal)
                    ? villages
                    : [.. villages.Where(v => v.Name.Contains(q, StringComparison.Ordinal) || v.Code.StartsWith(q, StringComparison.Ordinal))];
                if (matched.Count > 0)
                {
                    list.Add((township, matched));
                }
            }
        }

        Townships = list;
        if (q.Length > 0)
        {
            Notices = await sender.Send(new SearchDisclosures(q), HttpContext.RequestAborted);
        }
    }
}

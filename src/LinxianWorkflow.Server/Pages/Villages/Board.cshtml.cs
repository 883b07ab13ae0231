using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Features.Noticeboard;
using LinxianWorkflow.Server.Web;
using Mediator;

namespace LinxianWorkflow.Server.Pages.Villages;

/// <summary>A village's noticeboard (公开栏): its notices, current first, each linking to the printable notice.</summary>
public sealed class BoardModel(ISender sender, AreaRegistry areas) : AppPageModel
{
    protected override bool RequiresSignIn => false;

    public string VillageName { get; private set; } = "";

    public IReadOnlyList<PublicDisclosure> Notices { get; private set; } = [];

    public async Task OnGetAsync(string code)
    {
        if (areas.Find(code) is not { Level: AreaLevel.Village or AreaLevel.Community })
        {
            throw ServerText.Problem(StatusCodes.Status404NotFound, "area.unknown", "AreaUnknown", code);
        }

        VillageName = areas.DisplayName(code);
        Notices = await sender.Send(new ListDisclosures(code), HttpContext.RequestAborted);
    }
}

using System.Globalization;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Features.Noticeboard;
using LinxianWorkflow.Server.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using QRCoder;

namespace LinxianWorkflow.Server.Pages.Notices;

/// <summary>
/// One disclosure as a printable A4 notice whose QR code carries its address, event hash, log position and checkpoint
/// size; while it is current, the objection form that returns a receipt number (rate-limited per address).
/// </summary>
public sealed class ShowModel(ISender sender, AreaRegistry areas, Names names, IConfiguration configuration) : AppPageModel
{
    protected override bool RequiresSignIn => false;

    public PublicDisclosure Notice { get; private set; } = null!;

    public string VillageName { get; private set; } = "";

    /// <summary>The matter and the resolution the notice discloses, as the printed 公示 states them.</summary>
    public NoticePaper Paper { get; private set; } = null!;

    /// <summary>The village committee as registered (西湾村委会): the 落款 above its seal.</summary>
    public string Committee { get; private set; } = "";

    /// <summary>The supervision telephone the county prints on notices (<c>Notices:SupervisionPhone</c>); a line to fill in by hand when not set.</summary>
    public string? SupervisionPhone => configuration["Notices:SupervisionPhone"] is { Length: > 0 } phone ? phone : null;

    /// <summary>Where a villager objects without the QR code: this notice's address.</summary>
    public string Address { get; private set; } = "";

    public Names Names => names;

    /// <summary>The QR code as the library draws it (SVG).</summary>
    public string QrSvg { get; private set; } = "";

    [BindProperty(Name = "text")]
    public string? Text { get; set; }

    [BindProperty(Name = "contact")]
    public string? Contact { get; set; }

    public static string PathOf(PublicDisclosure n) => $"/notices/{Uri.EscapeDataString(n.ProposalId)}/{n.EventSequence}";

    public async Task OnGetAsync(string id, int seq) => await LoadAsync(id, seq);

    public async Task<IActionResult> OnPostObjectionsAsync(string id, int seq)
    {
        await LoadAsync(id, seq);
        try
        {
            var contact = (Contact ?? "").Trim();
            var receipt = await sender.Send(new LodgePublicObjection(id, new ObjectionForm(Text ?? "", contact.Length == 0 ? null : contact),
                HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown"), HttpContext.RequestAborted);

            // Post, then redirect: the follow-up page shows the receipt number, and reloading it lodges nothing again.
            return Redirect($"/receipts?number={receipt.ReceiptNumber}&new=1");
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
        }

        return Page();
    }

    private async Task LoadAsync(string id, int seq)
    {
        var found = await sender.Send(new GetNotice(id, seq), HttpContext.RequestAborted);
        Notice = found.Notice;
        VillageName = areas.DisplayName(found.VillageCode);
        Committee = areas.Find(found.VillageCode)?.Name ?? VillageName;
        Paper = await sender.Send(new GetNoticePaper(id, seq), HttpContext.RequestAborted);

        // The QR code: this notice's address (on the configured public address, never a client's Host header when one
        // is configured) with the event hash, log position and checkpoint size in it.
        var origin = configuration["Public:BaseUrl"] is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{Request.Scheme}://{Request.Host}";
        Address = origin + PathOf(Notice);
        var address = $"{Address}?h={Notice.EventHash}"
            + (Notice.LogPosition is { } p ? string.Create(CultureInfo.InvariantCulture, $"&p={p}&c={Notice.CheckpointSize}") : "");
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(address, QRCodeGenerator.ECCLevel.M);
        QrSvg = new SvgQRCode(data).GetGraphic(4, "#000000", "#ffffff", true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }
}

using System.Globalization;
using System.Text;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Noticeboard;
using LinxianWorkflow.Server.Storage;
using Mediator;
using QRCoder;

namespace LinxianWorkflow.Server.Pages;

/// <summary>
/// The villagers' side, no sign-in: each village's noticeboard (公开栏), each disclosure as a printable A4
/// notice whose QR code carries its address, event hash, log position and checkpoint size, and the objection
/// form that returns a receipt number.
/// </summary>
public static class NoticePages
{
    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/villages", async (HttpContext http, WorkflowStore store) =>
        {
            var page = new PageContext(http);
            var items = string.Concat((await store.VillageCodesAsync(http.RequestAborted)).Select(c => $"<li><a href=\"/villages/{Uri.EscapeDataString(c)}\">{page.T("Noticeboard", c)}</a></li>"));
            return page.Page(page.Raw("Villages"), $"<ul class=\"villages\">{items}</ul>");
        });

        // The public log: its verifier key (to keep), its latest signed checkpoint, what each township witnessed.
        pages.MapGet("/log", async (HttpContext http, WorkflowStore store, AuditLog.LogKey key, ISender sender) =>
        {
            var page = new PageContext(http);
            var checkpoint = await store.LatestCheckpointAsync(http.RequestAborted);
            var witnessed = await sender.Send(new Features.Audit.ListWitnessed(), http.RequestAborted);
            var rows = string.Concat(witnessed.Select(w =>
                $"<tr><td>{PageContext.E(w.Township)}</td><td class=\"num\">{w.Size}</td><td>{PageContext.ChinaTime(w.SignedAt)}</td></tr>"));
            return page.Page(page.Raw("PublicLog"), $"""
                <p>{page.T("PublicLogIntro")}</p>
                <h2>{page.T("LogKey")}</h2>
                <pre class="key">{PageContext.E(key.Verifier.ToString())}</pre>
                <h2>{page.T("LatestCheckpoint")}</h2>
                <pre class="key">{PageContext.E(checkpoint?.Note ?? "")}</pre>
                <h2>{page.T("Witnessed")}</h2>
                {(witnessed.Count == 0 ? $"<p>{page.T("NoneWitnessed")}</p>" : $"<table><thead><tr><th scope=\"col\">{page.T("Township")}</th><th scope=\"col\">{page.T("CheckpointSize")}</th><th scope=\"col\">{page.T("Time")}</th></tr></thead><tbody>{rows}</tbody></table>")}
                <p><a href="/api/public/open-data/disclosures.csv">{page.T("OpenData")}</a> · <a href="/api/public/open-data/README.md">{page.T("OpenDataReadme")}</a></p>
                """);
        });

        pages.MapGet("/villages/{code}", async (string code, HttpContext http, ISender sender) =>
        {
            var page = new PageContext(http);
            var notices = await sender.Send(new ListDisclosures(code), http.RequestAborted);
            var html = new StringBuilder($"<p>{page.T("NoticeboardIntro")}</p>");
            if (notices.Count == 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p>{page.T("NoticeboardEmpty")}</p>");
            }

            foreach (var n in notices)
            {
                html.Append(CultureInfo.InvariantCulture, $"""
                    <article class="notice-card">
                    <h2><a href="{NoticePath(n)}">{PageContext.E(n.Title)}</a></h2>
                    <p class="badge">{(n.Current ? page.T("Current") : page.T("Past"))} · {page.T("PublishedAt")} {PageContext.ChinaTime(n.PublishedAt)} · {page.T("ClosableFrom")} {PageContext.ChinaTime(n.ClosableFrom)}</p>
                    <p class="notice-text">{PageContext.E(n.NoticeText)}</p>
                    </article>
                    """);
            }

            return page.Page(page.Raw("Noticeboard", code), html.ToString());
        });

        pages.MapGet("/notices/{id}/{seq:int}", async (string id, int seq, HttpContext http, WorkflowStore store) =>
        {
            var page = new PageContext(http);
            var row = await store.DisclosureByEventAsync(id, seq, http.RequestAborted);
            return row is null
                ? page.Problem(ServerText.Problem(StatusCodes.Status404NotFound, "log.not-public", "ProofNotPublic", id, seq))
                : NoticePage(page, PublicDisclosure.Of(row, await store.LatestCheckpointAsync(http.RequestAborted)), null);
        });

        pages.MapPost("/notices/{id}/{seq:int}/objections", async (string id, int seq, HttpContext http, ISender sender, WorkflowStore store) =>
        {
            var page = new PageContext(http);
            var row = await store.DisclosureByEventAsync(id, seq, http.RequestAborted);
            if (row is null)
            {
                return page.Problem(ServerText.Problem(StatusCodes.Status404NotFound, "log.not-public", "ProofNotPublic", id, seq));
            }

            var notice = PublicDisclosure.Of(row, await store.LatestCheckpointAsync(http.RequestAborted));
            if (await PageEndpoints.FormAsync(http) is not { } form)
            {
                return NoticePage(page, notice, PageContext.ExpiredForm());
            }

            try
            {
                var contact = form["contact"].ToString().Trim();
                var receipt = await sender.Send(new LodgePublicObjection(id, new ObjectionForm(form["text"].ToString(), contact.Length == 0 ? null : contact),
                    http.Connection.RemoteIpAddress?.ToString() ?? "unknown"), http.RequestAborted);
                return page.Page(page.Raw("ObjectionReceived"),
                    $"<p class=\"done\" role=\"status\">{page.T("ReceiptNumber", receipt.ReceiptNumber)}</p><p><a href=\"{NoticePath(notice)}\">{page.T("Back")}</a></p>",
                    StatusCodes.Status201Created);
            }
            catch (ProblemException problem)
            {
                return NoticePage(page, notice, problem);
            }
        }).RequireRateLimiting(PublicEndpoints.ObjectionPolicy);
    }

    public static string NoticePath(PublicDisclosure n) => $"/notices/{Uri.EscapeDataString(n.ProposalId)}/{n.EventSequence}";

    private static IResult NoticePage(PageContext page, PublicDisclosure n, ProblemException? problem)
    {
        // The QR code: this notice's address with the event hash, log position and checkpoint size in it.
        var request = page.Http.Request;
        var address = $"{request.Scheme}://{request.Host}{NoticePath(n)}?h={n.EventHash}"
            + (n.LogPosition is { } p ? string.Create(CultureInfo.InvariantCulture, $"&p={p}&c={n.CheckpointSize}") : "");
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(address, QRCodeGenerator.ECCLevel.M);
        var qr = new SvgQRCode(data).GetGraphic(4, "#000000", "#ffffff", true, SvgQRCode.SizingMode.ViewBoxAttribute);
        var proof = n.LogPosition is { } position
            ? page.T("NoticeProof", n.EventHash, position, n.CheckpointSize)
            : page.T("NoticeNotLogged", n.EventHash);
        var error = page.Refusal(problem);
        var objection = n.Current ? $"""
            <section class="no-print" aria-labelledby="object"><h2 id="object">{page.T("Object")}</h2>
            {error}
            <form method="post" action="{NoticePath(n)}/objections" class="narrow">
            {page.Antiforgery()}
            <label for="text">{page.T("ObjectionText")}</label><textarea id="text" name="text" rows="4" maxlength="2000" required></textarea>
            <label for="contact">{page.T("Contact")}</label><input id="contact" name="contact" maxlength="100">
            <button type="submit">{page.T("Submit")}</button>
            </form></section>
            """ : error;
        return page.Page(n.Title, $"""
            <article class="notice">
            <p class="badge">{page.T("Notice")} · {(n.Current ? page.T("Current") : page.T("Past"))}</p>
            <p class="notice-text">{PageContext.E(n.NoticeText)}</p>
            <dl class="facts">
            <dt>{page.T("PublishedAt")}</dt><dd>{PageContext.ChinaTime(n.PublishedAt)}</dd>
            <dt>{page.T("ClosableFrom")}</dt><dd>{PageContext.ChinaTime(n.ClosableFrom)}</dd>
            <dt>{page.T("Channels")}</dt><dd>{PageContext.E(n.Channels)}</dd>
            </dl>
            <figure class="qr"><div class="qr-code" role="img" aria-label="{page.T("ScanToCheck")}">{qr}</div><figcaption>{page.T("ScanToCheck")}</figcaption></figure>
            <p class="proof"><small>{proof}{(n.ProofUrl is { } url ? $" <a href=\"{PageContext.Attr(url)}\">{page.T("ProofLink")}</a>" : "")}</small></p>
            </article>
            {objection}
            """, problem?.Status ?? StatusCodes.Status200OK);
    }
}

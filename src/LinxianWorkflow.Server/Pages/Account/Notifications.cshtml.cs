using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Pages.Account;

/// <summary>
/// 我的通知方式: the signed-in user's own phone number (confirmed by a code sent to it; shown 未验证 until then), the WeCom id their
/// administrator set, and the channels they want. One form per change, no script.
/// </summary>
public sealed class NotificationsModel(ISender sender) : AppPageModel
{
    public OwnAddresses Own { get; private set; } = null!;

    /// <summary>What the last form did, for the status line (a resource key), or null.</summary>
    public string? Done { get; private set; }

    [BindProperty(Name = "phone")]
    public string? Phone { get; set; }

    [BindProperty(Name = "code")]
    public string? Code { get; set; }

    [BindProperty(Name = "sms")]
    public bool Sms { get; set; }

    [BindProperty(Name = "weCom")]
    public bool WeCom { get; set; }

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostPhoneAsync() =>
        RunAsync(new SetOwnPhone(Caller, new OwnPhoneForm(string.IsNullOrWhiteSpace(Phone) ? null : Phone.Trim())), "PhoneSaved");

    public Task<IActionResult> OnPostCodeAsync() => RunAsync(new SendPhoneCode(Caller), "CodeSent");

    public Task<IActionResult> OnPostVerifyAsync() => RunAsync(new VerifyPhone(Caller, new PhoneCodeForm(Code ?? "")), "PhoneVerified");

    public Task<IActionResult> OnPostChannelsAsync() => RunAsync(new ChooseChannels(Caller, new ChannelChoice(Sms, WeCom)), "Saved");

    private async Task<IActionResult> RunAsync<T>(ICommand<T> command, string done)
    {
        try
        {
            await sender.Send(command, HttpContext.RequestAborted);
            Done = command is SetOwnPhone && (await LoadAsync()).PhoneVerified ? "Saved" : done;
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
        }

        await LoadAsync();
        return Page();
    }

    private async Task<OwnAddresses> LoadAsync() => Own = await sender.Send(new GetOwnAddresses(Caller), HttpContext.RequestAborted);
}

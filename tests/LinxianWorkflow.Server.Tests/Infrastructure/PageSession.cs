using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace LinxianWorkflow.Server.Tests.Infrastructure;

/// <summary>A browser's session without a browser: cookies kept, redirects not followed, each page parsed.</summary>
public sealed class PageSession(Uri baseUrl) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseUrl };

    public async Task<(HttpStatusCode Status, string Html, IDocument Document, HttpResponseMessage Response)> GetAsync(string path)
    {
        var response = await _http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, html, await new HtmlParser().ParseDocumentAsync(html), response);
    }

    public async Task<(HttpStatusCode Status, string Html, IDocument Document, HttpResponseMessage Response)> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> form)
    {
        var response = await _http.PostAsync(path, new FormUrlEncodedContent(form));
        var html = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, html, await new HtmlParser().ParseDocumentAsync(html), response);
    }

    /// <summary>The fields of a form on a page, as a browser would post them untouched (hidden ones and the token).</summary>
    public static List<KeyValuePair<string, string>> Fields(IElement form) =>
        [.. form.QuerySelectorAll("input[type=hidden]").Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? ""))];

    /// <summary>Signs in on the sign-in page (reached with <paramref name="query"/>); the answer to the posted form.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string user, string password = "linxian-demo", string query = "")
    {
        var login = await GetAsync("/login" + query);
        var fields = Fields(login.Document.QuerySelector("form.narrow")!);
        fields.Add(new("userName", user));
        fields.Add(new("password", password));
        var signedIn = await PostAsync("/login", fields);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        return signedIn.Response;
    }

    public async Task<byte[]> GetBytesAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    public async Task<HttpStatusCode> SendAsync(HttpMethod method, string path)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(method, path));
        return response.StatusCode;
    }

    public void Dispose() => _http.Dispose();
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace LinxianWorkflow.Server.Tests.Infrastructure;

/// <summary>An HTTP answer: status, raw text, headers; <see cref="Json"/> parses the text.</summary>
public sealed record Reply(HttpStatusCode Status, string Text, HttpResponseHeaders Headers, string? ContentType)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    public int Code => (int)Status;

    public string? Rule => ContentType == "application/problem+json" ? Json.GetProperty("rule").GetString() : null;

    public override string ToString() => $"{Code} {Text}";
}

/// <summary>Plain HTTP to the server: JSON bodies, bearer tokens, extra headers.</summary>
public sealed class ApiClient(Uri baseUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };

    public Task<Reply> Get(string path, string? token = null) => Send(HttpMethod.Get, path, token: token);

    public Task<Reply> Post(string path, object? body, string? token = null, IReadOnlyDictionary<string, string>? headers = null) =>
        Send(HttpMethod.Post, path, body is null ? null : JsonSerializer.Serialize(body, JsonOptions), token, headers);

    public Task<Reply> Put(string path, object body, string? token = null) =>
        Send(HttpMethod.Put, path, JsonSerializer.Serialize(body, JsonOptions), token);

    public async Task<Reply> Send(HttpMethod method, string path, string? json = null, string? token = null,
        IReadOnlyDictionary<string, string>? headers = null, string contentType = "application/json", bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.ExpectContinue = expectContinue;
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, text, response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public void Dispose() => _http.Dispose();
}

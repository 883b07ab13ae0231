using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Proposals;

/// <summary>Attachments over the API on real PostgreSQL: stored by SHA-256, typed by content, recorded in the history, read only by the proposal's readers.</summary>
public sealed class AttachmentTests(PostgresService service) : IClassFixture<PostgresService>
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 1, 2, 3];

    private async Task<(int Code, string Text)> UploadAsync(string id, byte[] content, string fileName, string token, string stepId = "intake")
    {
        using var http = new HttpClient { BaseAddress = service.Server.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(content), "file", fileName },
            { new StringContent(stepId), "stepId" },
            { new StringContent("合同扫描件"), "description" },
        };
        using var reply = await http.PostAsync(new Uri($"/api/proposals/{id}/attachments", UriKind.Relative), form);
        return ((int)reply.StatusCode, await reply.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_document_is_stored_by_its_hash_recorded_in_the_history_and_served_only_to_readers()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("附件测试：承包合同");
        var secretary = await service.TokenFor("xiwan-secretary");

        var (code, text) = await UploadAsync(id, Png, "合同.png", secretary);
        Assert.True(code == 201, text);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Png));
        var history = (await service.Api.Get($"/api/proposals/{id}/history", secretary)).Json;
        var attached = history.GetProperty("events").EnumerateArray().Last().GetProperty("record");
        Assert.Equal("DocumentAttached", attached.GetProperty("type").GetString());
        Assert.Equal(sha, attached.GetProperty("data").GetProperty("sha256").GetString());
        Assert.Equal("image/png", attached.GetProperty("data").GetProperty("mediaType").GetString());
        Assert.True(history.GetProperty("intact").GetBoolean());

        var download = await service.Api.Get($"/api/proposals/{id}/attachments/{sha}", await service.TokenFor("auditor"));
        Assert.Equal(200, download.Code);
        Assert.Equal("image/png", download.ContentType);
        Assert.Equal(403, (await service.Api.Get($"/api/proposals/{id}/attachments/{sha}", await service.TokenFor("nanguan-chair"))).Code);

        // The same file on another proposal is not reachable through this one's id unless attached here.
        var other = await walker.StartAsync("附件测试：另一事项");
        Assert.Equal("attachment.unknown", (await service.Api.Get($"/api/proposals/{other}/attachments/{sha}", secretary)).Rule);

        // Not a PDF/JPEG/PNG by content, a reviewer, a step that does not exist: refused with the rule, nothing recorded.
        var version = (await service.Api.Get($"/api/proposals/{id}", secretary)).Json.GetProperty("version").GetInt32();
        Assert.Equal("attachment.type", JsonDocument.Parse((await UploadAsync(id, "MZ\u0090 not a pdf"u8.ToArray(), "x.pdf", secretary)).Text).RootElement.GetProperty("rule").GetString());
        Assert.Equal("auth.role", JsonDocument.Parse((await UploadAsync(id, Png, "a.png", await service.TokenFor("reviewer-109"))).Text).RootElement.GetProperty("rule").GetString());
        Assert.Equal("step.unknown", JsonDocument.Parse((await UploadAsync(id, Png, "a.png", secretary, "no-such-step")).Text).RootElement.GetProperty("rule").GetString());
        Assert.Equal(version, (await service.Api.Get($"/api/proposals/{id}", secretary)).Json.GetProperty("version").GetInt32());

        // An upload cut short (no closing boundary) is a 400 naming it, not a 500.
        using (var http = new HttpClient { BaseAddress = service.Server.Url })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secretary);
            using var truncated = new ByteArrayContent("--XYZ\r\nContent-Disposition: form-data; name=\"stepId\"\r\n\r\nintake\r\n--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4 cut"u8.ToArray());
            truncated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XYZ");
            using var reply = await http.PostAsync(new Uri($"/api/proposals/{id}/attachments", UriKind.Relative), truncated);
            Assert.Equal(400, (int)reply.StatusCode);
            Assert.Equal("input.multipart", JsonDocument.Parse(await reply.Content.ReadAsStringAsync()).RootElement.GetProperty("rule").GetString());
        }

        // A file the engine refused is not kept either: it is stored with its event, in one transaction, or not at all.
        byte[] refusedFile = [.. Png, .. "只在被拒绝的上传里"u8.ToArray()];
        Assert.Equal("step.unknown", JsonDocument.Parse((await UploadAsync(id, refusedFile, "b.png", secretary, "no-such-step")).Text).RootElement.GetProperty("rule").GetString());
        var owner = service.Arguments.Single(a => a.StartsWith("--Storage:PostgresMigrations=", StringComparison.Ordinal)).Split('=', 2)[1];
        await using var connection = new Npgsql.NpgsqlConnection(owner);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM attachments WHERE sha256 = @sha", connection);
        count.Parameters.AddWithValue("sha", Convert.ToHexStringLower(SHA256.HashData(refusedFile)));
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
        count.Parameters["sha"].Value = sha;
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }
}

using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Notifications;

// A villager who left a phone number with an objection gets the answer and the escalation by SMS (registered templates, checked by the
// local Tencent receiver); the number lives only in objection_contacts, so once an administrator erases it no delivery holds it.
public sealed class ObjectorSmsTests(NotifyingPostgresService service) : IClassFixture<NotifyingPostgresService>
{
    private ProviderReceiver Providers => service.Providers;

    [Fact]
    public async Task An_objector_gets_the_answer_and_the_escalation_by_sms_and_after_erasure_no_delivery_holds_the_number()
    {
        const string Answered = "13912340001";
        const string Escalated = "13912340002";
        const string Title = "异议短信测试：村道拓宽占地补偿";
        var walker = new Walker(service);
        var id = await walker.StartAsync(Title);
        for (var i = 0; i < 40 && !await PublishedAsync(id); i++)
        {
            Assert.True(await walker.StepAsync(id), "the proposal ended before its disclosure was posted");
        }

        var first = await LodgeAsync(id, "补偿标准没有公示", Answered);
        var second = await LodgeAsync(id, "占地面积有误", " 139-1234-0002 "); // as a villager types it
        var third = await LodgeAsync(id, "请到三组来解释", "三组李大爷家"); // not a phone number: nothing to send to
        foreach (var receipt in new[] { first, second, third })
        {
            await AnswerAsync(id, receipt);
        }

        var escalated = await service.Api.Post($"/api/public/proposals/{id}/objections/{second}/escalate", new { reason = "答复没有说明面积怎么量的" });
        Assert.True(escalated.Code == 201, escalated.ToString());

        var answeredSms = await SmsAsync("2004", Answered);
        Assert.Equal([Title, first], answeredSms.Params);
        Assert.True(answeredSms.SignatureValid, answeredSms.Problem);
        Assert.Equal([Title, second], (await SmsAsync("2004", Escalated)).Params);
        var escalatedSms = await SmsAsync("2005", Escalated);
        Assert.Equal([Title, second], escalatedSms.Params);
        Assert.DoesNotContain(Providers.Sms, s => s.Params.Contains(third));
        Assert.DoesNotContain(Providers.WeCom, w => w.Content.Contains(first, StringComparison.Ordinal) && w.Content.Contains("已有答复", StringComparison.Ordinal));

        // The deliveries name the objection, never the number; the SMS carries the delivery's id to the provider.
        var rows = await DeliveriesAsync(id);
        var toFirst = Assert.Single(rows, r => r.Recipient == "objection:" + first && r.Channel == "sms");
        Assert.Equal("sent", toFirst.Status);
        Assert.Equal($"delivery-{toFirst.Id}", answeredSms.SessionContext);
        Assert.DoesNotContain(rows, r => r.Recipient == "objection:" + third && r.Channel == "sms");

        // The township rules on the escalated objection, the proposal runs to its end, the administrator erases the contacts.
        var ruled = await service.Api.Post($"/api/proposals/{id}/actions/rule-on-objection",
            new { stepId = "resolution-disclosure", objectionId = second, ruling = "dismissed", reasons = "面积按确权图测量，无误。" }, await service.TokenFor("reviewer-109"));
        Assert.True(ruled.Code == 200, ruled.ToString());
        Assert.Equal("ended", (await walker.WalkToEndAsync(id)).GetProperty("status").GetString());
        var erased = await service.Api.Send(HttpMethod.Delete, $"/api/proposals/{id}/objection-contacts", null, await service.TokenFor("admin"));
        Assert.True(erased.Code == 200, erased.ToString());

        foreach (var row in await DeliveriesAsync(id))
        {
            foreach (var digits in new[] { "12340001", "12340002" })
            {
                Assert.DoesNotContain(digits, row.ToString(), StringComparison.Ordinal);
            }
        }
    }

    private async Task<SmsRequest> SmsAsync(string template, string phone)
    {
        await Outbox.Eventually($"SMS {template} to {phone}", () => Task.FromResult(Providers.Sms.Any(s => s.TemplateId == template && s.Phones.Contains("+86" + phone))));
        return Assert.Single(Providers.Sms, s => s.TemplateId == template && s.Phones.Contains("+86" + phone));
    }

    private async Task<string> LodgeAsync(string id, string text, string contact)
    {
        var lodged = await service.Api.Post($"/api/public/proposals/{id}/objections", new { text, contact });
        Assert.True(lodged.Code == 201, lodged.ToString());
        return lodged.Json.GetProperty("receiptNumber").GetString()!;
    }

    private async Task AnswerAsync(string id, string receipt)
    {
        var answered = await service.Api.Post($"/api/proposals/{id}/actions/answer-objection",
            new { stepId = "resolution-disclosure", objectionId = receipt, answer = "标准已补充公示。", ruling = "dismissed" }, await service.TokenFor("xiwan-chair"));
        Assert.True(answered.Code == 200, answered.ToString());
    }

    private sealed record DeliveryRecord(long Id, string Channel, string Recipient, string Status, string? LastError, string? ProviderMessageId, string? ReceiptDetail);

    /// <summary>Every delivery of the proposal's notifications, read from the database as an operator would.</summary>
    private async Task<List<DeliveryRecord>> DeliveriesAsync(string proposalId)
    {
        var store = service.OpenStore();
        await using var connection = await store.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT d.id, d.channel, d.recipient, d.status, d.last_error, d.provider_message_id, d.receipt_detail FROM deliveries d " +
            "JOIN notifications n ON n.id = d.notification_id WHERE n.instance_id = @id";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "id";
        parameter.Value = proposalId;
        command.Parameters.Add(parameter);
        var rows = new List<DeliveryRecord>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(new DeliveryRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Text(4), Text(5), Text(6)));
        }

        return rows;
    }

    private async Task<bool> PublishedAsync(string id)
    {
        var view = (await service.Api.Get($"/api/proposals/{id}", await service.TokenFor("xiwan-secretary"))).Json;
        return view.GetProperty("disclosure") is { ValueKind: JsonValueKind.Object } d && d.GetProperty("publishedAt").ValueKind != JsonValueKind.Null;
    }
}

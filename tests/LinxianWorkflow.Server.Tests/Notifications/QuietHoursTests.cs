using LinxianWorkflow.Server.Notifications;

namespace LinxianWorkflow.Server.Tests.Notifications;

public sealed class QuietHoursTests
{
    private static readonly QuietHours Night = new("22:00-07:00");

    private static readonly string[] Kinds = ["reminder", "escalated", "objection-escalated", "concern", "emergency-notice", "routine-disclosure"];

    private static DateTimeOffset China(int day, int hour, int minute = 0) => new(2026, 12, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData(2, 21, 59)]
    [InlineData(3, 7, 0)]
    [InlineData(3, 12, 0)]
    public void Outside_the_night_a_message_goes_now(int day, int hour, int minute) =>
        Assert.Equal(China(day, hour, minute), Night.Release(China(day, hour, minute)));

    [Theory]
    [InlineData(2, 22, 0)]
    [InlineData(2, 23, 30)]
    [InlineData(3, 0, 0)]
    [InlineData(3, 6, 59)]
    public void At_night_a_message_waits_for_seven_oclock_china_time_the_next_morning(int day, int hour, int minute)
    {
        var release = Night.Release(China(day, hour, minute).ToUniversalTime());
        Assert.Equal(China(3, 7), release);
        Assert.Equal(TimeSpan.Zero, release.Offset); // instants are written as UTC
    }

    [Fact]
    public void No_quiet_hours_when_the_setting_is_empty_and_a_malformed_one_is_refused_at_start()
    {
        Assert.Equal(China(2, 23), new QuietHours("").Release(China(2, 23)));
        Assert.Throws<InvalidOperationException>(() => new QuietHours("22-7"));
    }

    [Fact]
    public void Only_escalations_go_out_at_night() =>
        Assert.Equal(["escalated", "objection-escalated"], Kinds.Where(QuietHours.IsEscalation));
}

using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using Mediator;

namespace LinxianWorkflow.Server.Features.Admin;

/// <summary>The body of POST /api/admin/clock.</summary>
public sealed record ClockChange(double AdvanceDays);

public sealed record ClockView(DateTimeOffset Now, string NowChina, TimeSpan Offset);

/// <summary>
/// Demo and test mode only (--demo, or Clock:Adjustable): moves the service's clock forward, so notice and
/// disclosure periods can be walked through in minutes. Refused in production; the clock never goes back.
/// </summary>
public sealed record AdvanceClock(Caller Caller, ClockChange Change) : ICommand<ClockView>, IAdministrationMessage, IValidatedMessage
{
    public ProblemException? Validate() =>
        Change.AdvanceDays is > 0 and <= 400 ? null : ServerText.Problem(StatusCodes.Status400BadRequest, "clock.advance", "FieldInvalid", "advanceDays", "0 < days ≤ 400");
}

public sealed class AdvanceClockHandler(TimeProvider time) : ICommandHandler<AdvanceClock, ClockView>
{
    public async ValueTask<ClockView> Handle(AdvanceClock command, CancellationToken cancellationToken)
    {
        if (time is not AdjustableClock clock || !clock.Adjustable)
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "clock.fixed", "ClockDisabled");
        }

        await clock.AdvanceAsync(TimeSpan.FromDays(command.Change.AdvanceDays), cancellationToken);
        var now = clock.GetUtcNow();
        return new ClockView(now, Engine.Time.ChinaTime.Display(now), clock.Offset);
    }
}

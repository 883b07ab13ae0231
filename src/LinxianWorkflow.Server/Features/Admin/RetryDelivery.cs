using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Notifications;
using Mediator;

namespace LinxianWorkflow.Server.Features.Admin;

/// <summary>
/// An administrator sends a dead delivery again once its cause is fixed (a robot's key, a template, a number): it is pending again with its
/// attempts reset and its last error kept until the next one. Only for notifications in the administrator's areas, and only dead ones.
/// </summary>
public sealed record RetryDelivery(Caller Caller, long DeliveryId) : ICommand<Unit>, IAdministrationMessage;

public sealed class RetryDeliveryHandler(DeliveryQueries deliveries, AdjustableClock clock) : ICommandHandler<RetryDelivery, Unit>
{
    public async ValueTask<Unit> Handle(RetryDelivery command, CancellationToken cancellationToken)
    {
        var (delivery, areaPath) = await deliveries.GetAsync(command.DeliveryId, cancellationToken) is { } found
            ? found
            : throw ServerText.Problem(StatusCodes.Status404NotFound, "delivery.unknown", "DeliveryUnknown", command.DeliveryId);
        if (!command.Caller.Administers(areaPath))
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "admin.scope", "DeliveryOutside", command.DeliveryId);
        }

        if (delivery.Status != "dead" || !await deliveries.RetryDeadAsync(delivery.Id, clock.GetUtcNow(), cancellationToken))
        {
            throw ServerText.Problem(StatusCodes.Status409Conflict, "delivery.not-dead", "DeliveryNotDead", command.DeliveryId);
        }

        return Unit.Value;
    }
}

using LinxianWorkflow.Server.Application;
using Mediator;

namespace LinxianWorkflow.Server.Tests.Application;

/// <summary>
/// Jurisdiction over a proposal is checked where it is loaded (<see cref="ProposalAccess"/>), not by a behaviour
/// handing the row down: so every handler of a message about one proposal must take the access check.
/// </summary>
public sealed class ProposalAccessTests
{
    [Fact]
    public void Every_handler_of_a_message_about_one_proposal_loads_it_through_the_access_check()
    {
        var assembly = typeof(ProposalAccess).Assembly;
        var messages = assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IProposalMessage).IsAssignableFrom(t)).ToList();
        Assert.True(messages.Count >= 7, $"only {messages.Count} proposal messages found");
        foreach (var message in messages)
        {
            var handlers = assembly.GetTypes()
                .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericArguments()[0] == message
                    && (i.GetGenericTypeDefinition() == typeof(IQueryHandler<,>) || i.GetGenericTypeDefinition() == typeof(ICommandHandler<,>))))
                .ToList();
            var handler = Assert.Single(handlers);
            Assert.True(handler.GetConstructors().Single().GetParameters().Any(p => p.ParameterType == typeof(ProposalAccess)),
                $"{handler.Name} handles {message.Name} without ProposalAccess");
        }
    }
}

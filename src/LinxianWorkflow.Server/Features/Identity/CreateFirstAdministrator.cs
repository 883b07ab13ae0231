using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>
/// `create-admin &lt;userName&gt; [county]` on the command line: adds an administrator with a generated
/// password (printed once). There is no default password; this is how a deployment gets its first account, and the only
/// way to make a deployment-wide administrator (no county): the API and the pages never grant that.
/// </summary>
public sealed record CreateFirstAdministrator(string UserName, string Scope) : ICommand<CreatedUser>, IValidatedMessage
{
    public ProblemException? Validate() =>
        CreateUser.CheckUser(UserName, UserName, null) ?? GrantRules.Check([new RoleGrant(Roles.Administrator, Scope)]);
}

public sealed class CreateFirstAdministratorHandler(UserQueries users, TimeProvider time, IPasswordHasher<UserRow> hasher, WorkflowLibrary library, AreaRegistry areas)
    : ICommandHandler<CreateFirstAdministrator, CreatedUser>
{
    public async ValueTask<CreatedUser> Handle(CreateFirstAdministrator command, CancellationToken cancellationToken)
    {
        var handler = new CreateUserHandler(users, time, hasher, library, areas);
        return await handler.AddAsync(new NewUser(command.UserName, "系统管理员", [new RoleGrant(Roles.Administrator, command.Scope)]), cancellationToken);
    }
}

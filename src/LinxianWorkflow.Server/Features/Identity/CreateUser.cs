using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>The body of POST /api/users. Without a password, one is generated and returned once.</summary>
public sealed record NewUser(string UserName, string DisplayName, IReadOnlyList<RoleGrant> Grants, string? Password = null);

public sealed record CreatedUser(string Id, string UserName, string DisplayName, IReadOnlyList<RoleGrant> Grants, string? GeneratedPassword);

/// <summary>An administrator adds a user with roles over areas (county → township → village).</summary>
public sealed record CreateUser(Caller Caller, NewUser User) : ICommand<CreatedUser>, IAdministrationMessage, IValidatedMessage
{
    public const int MinimumPassword = 10;

    public ProblemException? Validate() => CheckUser(User.UserName, User.DisplayName, User.Password) ?? GrantRules.Check(User.Grants);

    public static ProblemException? CheckUser(string userName, string displayName, string? password) =>
        string.IsNullOrWhiteSpace(userName) || userName.Length > 64 || userName.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            ? ServerText.Problem(StatusCodes.Status400BadRequest, "user.name", "FieldInvalid", "userName", "1-64 ASCII letters, digits, - _ .")
            : string.IsNullOrWhiteSpace(displayName) || displayName.Length > 100
                ? ServerText.Problem(StatusCodes.Status400BadRequest, "user.display-name", "FieldRequired", "displayName")
                : password is { Length: < MinimumPassword }
                    ? ServerText.Problem(StatusCodes.Status400BadRequest, "user.password", "PasswordTooShort", MinimumPassword)
                    : null;
}

public sealed class CreateUserHandler(UserQueries users, TimeProvider time, IPasswordHasher<UserRow> hasher, WorkflowLibrary library, AreaRegistry areas) : ICommandHandler<CreateUser, CreatedUser>
{
    public async ValueTask<CreatedUser> Handle(CreateUser command, CancellationToken cancellationToken) =>
        GrantRules.CheckGrantable(command.Caller, areas, command.User.Grants, []) is { } outside
            ? throw outside
            : await AddAsync(command.User, cancellationToken);

    /// <summary>Adds the user whoever asks; <see cref="Handle"/> first checks that the caller may grant what the user holds.</summary>
    public async Task<CreatedUser> AddAsync(NewUser u, CancellationToken cancellationToken)
    {
        if (GrantRules.CheckSeparation(library, areas, u.Grants) is { } conflict)
        {
            throw conflict;
        }

        var generated = u.Password is null ? Tokens.NewPassword() : null;
        var row = new UserRow
        {
            Id = "u-" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N")[..20],
            UserName = u.UserName,
            DisplayName = u.DisplayName,
            Grants = Tokens.GrantsJson(u.Grants),
            CreatedAt = time.GetUtcNow(),
        };
        row.PasswordHash = hasher.HashPassword(row, u.Password ?? generated!);
        if (!await users.AddAsync(row, cancellationToken))
        {
            throw ServerText.Problem(StatusCodes.Status409Conflict, "user.name-taken", "UserNameTaken", u.UserName);
        }

        return new CreatedUser(row.Id, row.UserName, row.DisplayName, u.Grants, generated);
    }
}

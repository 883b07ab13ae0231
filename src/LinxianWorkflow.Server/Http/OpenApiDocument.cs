using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace LinxianWorkflow.Server.Http;

/// <summary>
/// The OpenAPI document (/openapi/v1.json, browsed at /scalar): the bearer scheme declared once, and required on every
/// operation that needs a signed-in caller, so that Scalar can call them with a token.
/// </summary>
public static class OpenApiDocument
{
    public const string Scheme = "bearer";

    public static void AddOpenApiDocument(this WebApplicationBuilder builder) => builder.Services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "LinxianWorkflow";
            document.Info.Description = "四议两公开 and the county's other procedures: proposals, actions, the noticeboard, the verifiable log. " +
                "Sign in at POST /api/auth/login and send the token as `Authorization: Bearer …`. Errors are problem+json with `rule`, `zh-CN` and `en`.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A session token from POST /api/auth/login, or a script token from POST /api/tokens.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] });
            }

            return Task.CompletedTask;
        });
    });
}

using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using Mediator;

namespace LinxianWorkflow.Server.Features.Areas;

/// <summary>
/// Areas for pickers and search, readable without an account (public data): the areas under <paramref name="Parent"/>,
/// or those whose name or code matches <paramref name="Text"/> (within <paramref name="Parent"/> when both are given),
/// or the counties when neither is.
/// </summary>
public sealed record ListAreas(string? Parent, string? Text, int Limit) : IQuery<IReadOnlyList<AreaView>>;

/// <summary>An area as the API shows it: its code, its published and short names, the name a person reads, its level and parent.</summary>
public sealed record AreaView(string Code, string Name, string ShortName, string DisplayName, string Level, string? ParentCode);

public sealed class ListAreasHandler(AreaRegistry areas) : IQueryHandler<ListAreas, IReadOnlyList<AreaView>>
{
    public const int MaxLimit = 500;

    public ValueTask<IReadOnlyList<AreaView>> Handle(ListAreas query, CancellationToken cancellationToken)
    {
        var parent = string.IsNullOrWhiteSpace(query.Parent) ? null : areas.Find(query.Parent)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "area.not-found", "AreaNotFound", query.Parent);
        var text = query.Text?.Trim() ?? "";
        IEnumerable<Area> found = text.Length > 0
            ? areas.Search(text, parent is null ? query.Limit : MaxLimit).Where(a => parent is null || areas.PathOf(a.Code).Split('/').Contains(parent.Code))
            : parent is not null ? areas.Children(parent.Code) : areas.Counties();
        return ValueTask.FromResult<IReadOnlyList<AreaView>>(
            [.. found.Take(query.Limit).Select(a => new AreaView(a.Code, a.Name, a.ShortName, areas.DisplayName(a.Code), a.LevelName, a.ParentCode))]);
    }
}

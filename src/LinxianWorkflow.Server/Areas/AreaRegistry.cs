namespace LinxianWorkflow.Server.Areas;

// TEMPORARY STUB, replaced by the area registry branch.
public enum AreaLevel { County, Township, Village, Community }

public sealed record Area(string Code, string Name, string? ParentCode, AreaLevel Level)
{
    public string ShortName => Name;
}

public sealed class AreaRegistry
{
    public Area? Find(string codeOrPath) => null;

    public string ShortName(string codeOrPath) => codeOrPath.Split('/')[^1];

    public string DisplayName(string codeOrPath) => codeOrPath.Split('/')[^1];

    public string PathOf(string code) => code;

    public IReadOnlyList<Area> Children(string codeOrPath) => [];

    public IReadOnlyList<Area> Townships(string countyCode) => [];

    public IReadOnlyList<Area> Counties() => [];

    public IReadOnlyList<Area> Search(string text, int limit = 50) => [];
}

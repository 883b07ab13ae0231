namespace LinxianWorkflow.Server.Areas;

/// <summary>
/// The counties, townships, villages and communities the service knows, by code: their names as people read
/// them. Loaded at start from the <c>areas</c> table (seeded from <c>workflows/areas/*.csv</c> when empty) and held
/// in memory: a county is a few hundred rows. Every lookup takes a code or a path ("141124/141124109/141124109207",
/// whose last segment is the code) and never throws: an unknown area reads as its code.
/// </summary>
public sealed class AreaRegistry(string seedFolder)
{
    private Snapshot _snapshot = new([]);

    /// <summary>Where the areas are seeded from when the table is empty (the <c>areas</c> folder beside the program).</summary>
    public string SeedFolder { get; } = seedFolder;

    /// <summary>How many areas are loaded.</summary>
    public int Count => _snapshot.ByCode.Count;

    /// <summary>Reads the areas from the store, seeding the table from <see cref="SeedFolder"/> first if it is empty.</summary>
    public async Task LoadAsync(AreaQueries store, CancellationToken ct = default)
    {
        var stored = await store.AllAsync(ct);
        if (stored.Count == 0 && Directory.Exists(SeedFolder))
        {
            foreach (var file in Directory.EnumerateFiles(SeedFolder, "*.csv").Order(StringComparer.Ordinal))
            {
                var table = AreaTable.Read(file);
                if (table.Errors.Count > 0)
                {
                    throw new InvalidOperationException($"The areas in {file} do not load:{Environment.NewLine}{string.Join(Environment.NewLine, table.Errors.Select(e => e.En))}");
                }

                await store.UpsertAsync(table.Areas, ct);
            }

            stored = await store.AllAsync(ct);
        }

        Load(stored);
    }

    /// <summary>Replaces what is loaded (the store's rows, or a test's).</summary>
    public void Load(IEnumerable<Area> areas) => _snapshot = new Snapshot(areas);

    /// <summary>The area a code or path names, or null.</summary>
    public Area? Find(string codeOrPath) => _snapshot.ByCode.GetValueOrDefault(CodeOf(codeOrPath));

    /// <summary>The area's <see cref="Area.ShortName"/> (西湾村, 碛口镇), or the code itself when unknown.</summary>
    public string ShortName(string codeOrPath) => Find(codeOrPath)?.ShortName ?? CodeOf(codeOrPath);

    /// <summary>
    /// What a person reads: a village or community with its township (碛口镇西湾村, 临泉镇凤凰社区), a township
    /// or county by its name (碛口镇, 临县); the code itself when unknown.
    /// </summary>
    public string DisplayName(string codeOrPath)
    {
        var code = CodeOf(codeOrPath);
        return _snapshot.Display.GetValueOrDefault(code, code);
    }

    /// <summary>
    /// The path of a code (or of a path's last segment), county/township/village: "141124/141124109/141124109207".
    /// An unknown code of 9 or 12 digits is read from its digits (NBS codes start with their parent's); anything else is returned as given.
    /// </summary>
    public string PathOf(string code)
    {
        var snapshot = _snapshot;
        code = CodeOf(code);
        if (snapshot.ByCode.TryGetValue(code, out var area))
        {
            var path = new List<string> { area.Code };
            while (area.Level != AreaLevel.County && area.ParentCode is { } parent && snapshot.ByCode.TryGetValue(parent, out area))
            {
                path.Insert(0, area.Code);
            }

            return string.Join('/', path);
        }

        return code.All(char.IsAsciiDigit) ? code.Length switch
        {
            9 => $"{code[..6]}/{code}",
            12 => $"{code[..6]}/{code[..9]}/{code}",
            _ => code,
        } : code;
    }

    /// <summary>The areas directly under a county or township, ordered by code; none for a village or an unknown code.</summary>
    public IReadOnlyList<Area> Children(string codeOrPath) => _snapshot.Children.GetValueOrDefault(CodeOf(codeOrPath), []);

    /// <summary>The counties loaded, ordered by code.</summary>
    public IReadOnlyList<Area> Counties() => [.. _snapshot.ByCode.Values.Where(a => a.Level == AreaLevel.County).OrderBy(a => a.Code, StringComparer.Ordinal)];

    /// <summary>A county's townships (镇 and 乡), ordered by code.</summary>
    public IReadOnlyList<Area> Townships(string countyCode) => [.. Children(countyCode).Where(a => a.Level == AreaLevel.Township)];

    /// <summary>
    /// Townships, villages and communities by name, short name, name with township (碛口镇西湾, 碛口西湾) or code prefix (digits):
    /// exact names first, then names that start with the text, then the rest; townships before villages; then by code.
    /// </summary>
    public IReadOnlyList<Area> Search(string text, int limit = 50)
    {
        text = text.Trim();
        if (text.Length == 0 || limit <= 0)
        {
            return [];
        }

        var snapshot = _snapshot;
        var digits = text.All(char.IsAsciiDigit);
        return [.. snapshot.ByCode.Values
            .Where(a => a.Level != AreaLevel.County)
            .Select(a => (Area: a, Rank: digits ? (a.Code.StartsWith(text, StringComparison.Ordinal) ? 0 : -1) : Rank(snapshot.Names[a.Code], text)))
            .Where(x => x.Rank >= 0)
            .OrderBy(x => x.Rank).ThenBy(x => x.Area.Level).ThenBy(x => x.Area.Code, StringComparer.Ordinal)
            .Take(limit)
            .Select(x => x.Area)];
    }

    /// <summary>0 for an exact name, 1 for a name that starts with the text, 2 for one that contains it, -1 for no match.</summary>
    private static int Rank(string[] names, string text) =>
        names.Any(n => n == text) ? 0
            : names.Any(n => n.StartsWith(text, StringComparison.Ordinal)) ? 1
            : names.Any(n => n.Contains(text, StringComparison.Ordinal)) ? 2
            : -1;

    private static string CodeOf(string codeOrPath)
    {
        var trimmed = (codeOrPath ?? "").Trim();
        return trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }

    /// <summary>One immutable view of the areas, swapped whole on reload so readers never see half of one.</summary>
    private sealed class Snapshot
    {
        public Snapshot(IEnumerable<Area> areas)
        {
            ByCode = areas.ToDictionary(a => a.Code, StringComparer.Ordinal);
            Children = ByCode.Values
                .Where(a => a.ParentCode is not null)
                .GroupBy(a => a.ParentCode!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<Area>)[.. g.OrderBy(a => a.Code, StringComparer.Ordinal)], StringComparer.Ordinal);
            Display = ByCode.Values.ToDictionary(a => a.Code, a =>
                a.Level is AreaLevel.Village or AreaLevel.Community && a.ParentCode is { } parent && ByCode.TryGetValue(parent, out var township)
                    ? township.Name + a.ShortName
                    : a.ShortName, StringComparer.Ordinal);
            // What people type: the published and short names, and the village with its township, with or without 镇/乡.
            Names = ByCode.Values.ToDictionary(a => a.Code, a =>
                a.ParentCode is { } parent && ByCode.TryGetValue(parent, out var up) && up.Level == AreaLevel.Township
                    ? new[] { a.ShortName, a.Name, Display[a.Code], up.Name.TrimEnd('镇', '乡') + a.ShortName }
                    : [a.ShortName, a.Name], StringComparer.Ordinal);
        }

        public Dictionary<string, Area> ByCode { get; }

        public Dictionary<string, IReadOnlyList<Area>> Children { get; }

        public Dictionary<string, string> Display { get; }

        public Dictionary<string, string[]> Names { get; }
    }
}

using System.Text;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;

namespace LinxianWorkflow.Server.Areas;

/// <summary>
/// A table of areas read from a file, in either of two shapes (told apart by the header):
/// <list type="bullet">
/// <item><c>code,name,parent_code,level</c>: the shape shipped in <c>workflows/areas/</c>;</item>
/// <item><c>统计用区划代码,城乡分类代码,名称</c>: the National Bureau of Statistics' published tables, 12-digit codes
/// (county 141124000000, township 141124109000, village 141124109207). Level and parent come from the digits; a
/// village-level serial below 200 is a residents' committee (community), 200 and above a villagers' committee
/// (the NBS coding rule). Province and city rows are skipped; the 城乡分类代码 column may be left out.</item>
/// </list>
/// Commas or tabs separate the columns (a table copied from the NBS web page has tabs). A malformed row is an
/// error naming its line; a table with errors is not imported at all.
/// </summary>
public sealed class AreaTable
{
    private static readonly string[] CsvColumns = ["code", "name", "parent_code", "level"];
    private const string NbsCode = "统计用区划代码";
    private const string NbsUrbanRural = "城乡分类代码";
    private const string NbsName = "名称";

    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);
    private readonly List<Area> _areas = [];
    private readonly List<LocalizedText> _errors = [];

    /// <summary>The areas, in the file's order.</summary>
    public IReadOnlyList<Area> Areas => _areas;

    /// <summary>Every malformed row, each naming its line (Chinese first).</summary>
    public IReadOnlyList<LocalizedText> Errors => _errors;

    /// <summary>Province and city rows of an NBS table, which the service does not keep.</summary>
    public int Skipped { get; private set; }

    /// <summary>The line an area was read from.</summary>
    public int LineOf(string code) => _lines.GetValueOrDefault(code);

    /// <summary>Reads a UTF-8 file (a byte-order mark is allowed).</summary>
    public static AreaTable Read(string path)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException)
        {
            var table = new AreaTable();
            table._errors.Add(ServerText.Get("AreaFileEncoding"));
            return table;
        }

        return Parse(text);
    }

    public static AreaTable Parse(string text)
    {
        var table = new AreaTable();
        var lines = text.TrimStart('\uFEFF').Split('\n');
        var headerAt = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (headerAt < 0)
        {
            table._errors.Add(ServerText.Get("AreaFileEmpty"));
            return table;
        }

        var separator = lines[headerAt].Contains('\t', StringComparison.Ordinal) ? '\t' : ',';
        var header = Fields(lines[headerAt], separator);
        Func<int, string[], LocalizedText?>? readRow =
            header.SequenceEqual(CsvColumns) ? table.CsvRow
            : header.Contains(NbsCode) && header.Contains(NbsName) ? (line, fields) => table.NbsRow(line, fields, header)
            : null;
        if (readRow is null)
        {
            table._errors.Add(ServerText.Get("AreaHeader", headerAt + 1, lines[headerAt].Trim()));
            return table;
        }

        for (var i = headerAt + 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }

            var fields = Fields(lines[i], separator);
            var error = fields.Length != header.Length
                ? ServerText.Get("AreaColumns", i + 1, header.Length, fields.Length)
                : readRow(i + 1, fields);
            if (error is not null)
            {
                table._errors.Add(error);
            }
        }

        return table;
    }

    /// <summary>What importing this table over <paramref name="existing"/> adds, changes and leaves out; errors for areas whose parent is nowhere.</summary>
    public AreaChanges Compare(IReadOnlyList<Area> existing)
    {
        var before = existing.ToDictionary(a => a.Code, StringComparer.Ordinal);
        var incoming = _areas.ToDictionary(a => a.Code, StringComparer.Ordinal);
        var errors = _areas
            .Where(a => a.Level != AreaLevel.County && !incoming.ContainsKey(a.ParentCode!) && !before.ContainsKey(a.ParentCode!))
            .Select(a => ServerText.Get("AreaOrphan", LineOf(a.Code), a.ParentCode, a.Code))
            .ToList();
        var counties = _areas.Select(a => a.Code[..6]).ToHashSet(StringComparer.Ordinal);
        return new AreaChanges(
            [.. _areas.Where(a => !before.ContainsKey(a.Code))],
            [.. _areas.Where(a => before.TryGetValue(a.Code, out var old) && old != a).Select(a => (before[a.Code], a))],
            [.. existing.Where(a => counties.Contains(a.Code[..Math.Min(6, a.Code.Length)]) && !incoming.ContainsKey(a.Code)).OrderBy(a => a.Code, StringComparer.Ordinal)],
            _areas.Count(a => before.TryGetValue(a.Code, out var old) && old == a),
            errors);
    }

    private LocalizedText? CsvRow(int line, string[] f)
    {
        var (code, name, parent, levelName) = (f[0], f[1], f[2], f[3]);
        if (!IsCode(code, 6, 9, 12))
        {
            return ServerText.Get("AreaCodeDigits", line, code);
        }

        if (Area.LevelOf(levelName) is not { } level)
        {
            return ServerText.Get("AreaLevelUnknown", line, levelName);
        }

        if (code.Length != DigitsOf(level))
        {
            return ServerText.Get("AreaLevelDigits", line, levelName, code);
        }

        var expected = level == AreaLevel.County ? null : code[..(code.Length == 12 ? 9 : 6)];
        var parentOk = level == AreaLevel.County
            ? parent.Length == 0 || (parent.All(char.IsAsciiDigit) && parent.Length < 6 && code.StartsWith(parent, StringComparison.Ordinal))
            : parent == expected;
        return !parentOk
            ? ServerText.Get("AreaParent", line, parent, code, expected ?? code[..4])
            : Add(line, new Area(code, name, parent.Length == 0 ? null : parent, level));
    }

    private LocalizedText? NbsRow(int line, string[] f, string[] header)
    {
        var code = f[Array.IndexOf(header, NbsCode)];
        var name = f[Array.IndexOf(header, NbsName)];
        var urbanRural = Array.IndexOf(header, NbsUrbanRural) is var at and >= 0 ? f[at] : "";
        if (!IsCode(code, 12))
        {
            return ServerText.Get("AreaNbsCode", line, code);
        }

        if (urbanRural.Length > 0 && !IsCode(urbanRural, 3))
        {
            return ServerText.Get("AreaUrbanRural", line, urbanRural);
        }

        if (code[4..6] == "00")
        {
            Skipped++;
            return null;
        }

        var area = code[6..] == "000000" ? new Area(code[..6], name, code[..4], AreaLevel.County)
            : code[9..] == "000" ? new Area(code[..9], name, code[..6], AreaLevel.Township)
            : new Area(code, name, code[..9], int.Parse(code[9..], System.Globalization.CultureInfo.InvariantCulture) < 200 ? AreaLevel.Community : AreaLevel.Village);
        return Add(line, area);
    }

    private LocalizedText? Add(int line, Area area)
    {
        if (area.Name.Length == 0)
        {
            return ServerText.Get("AreaName", line);
        }

        if (_lines.TryGetValue(area.Code, out var first))
        {
            return ServerText.Get("AreaDuplicate", line, area.Code, first);
        }

        _lines[area.Code] = line;
        _areas.Add(area);
        return null;
    }

    private static int DigitsOf(AreaLevel level) => level switch
    {
        AreaLevel.County => 6,
        AreaLevel.Township => 9,
        _ => 12,
    };

    private static bool IsCode(string text, params int[] lengths) => lengths.Contains(text.Length) && text.All(char.IsAsciiDigit);

    private static string[] Fields(string line, char separator) =>
        [.. line.TrimEnd('\r').Split(separator).Select(f => f.Trim().Trim('"').Trim())];
}

/// <summary>What an import changes: areas added, areas whose name (or level, or parent) changed, areas of the same counties the file leaves out (kept, never deleted).</summary>
public sealed record AreaChanges(
    IReadOnlyList<Area> Added,
    IReadOnlyList<(Area Before, Area After)> Updated,
    IReadOnlyList<Area> NotInFile,
    int Unchanged,
    IReadOnlyList<LocalizedText> Errors)
{
    /// <summary>The rows to write: the added and the updated.</summary>
    public IReadOnlyList<Area> ToWrite => [.. Added, .. Updated.Select(u => u.After)];
}

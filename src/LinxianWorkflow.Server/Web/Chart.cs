using System.Globalization;
using LinxianWorkflow.Server.Features.Audit;

namespace LinxianWorkflow.Server.Web;

/// <summary>
/// A chart of the overview with its numbers: drawn as horizontal bars in SVG (<c>Shared/_Chart.cshtml</c>), given as a table
/// beside it, and downloadable as CSV; the table and the CSV are the same cells.
/// </summary>
/// <param name="Id">Its name in the CSV's address (<c>?chart=steps</c>).</param>
/// <param name="Title">The SVG's title and the table's caption.</param>
/// <param name="Rows">One bar group and one table row each.</param>
/// <param name="Note">How to read it, when that needs saying.</param>
/// <param name="Columns">The table's header: the row label's column, then one per cell.</param>
/// <param name="Series">The names of the bars drawn for each row (a row's <see cref="ChartRow.Bars"/>, in order).</param>
/// <param name="MarkerName">What a row's marker line stands for, when rows have one.</param>
public sealed record Chart(string Id, string Title, IReadOnlyList<string> Columns, IReadOnlyList<ChartRow> Rows, IReadOnlyList<string> Series, string? Note = null, string? MarkerName = null)
{
    public const int Width = 640;
    public const int LabelWidth = 250;
    public const int BarHeight = 14;
    public const int RowGap = 8;
    private const int ValueRoom = 60;

    /// <summary>Where this chart's numbers are downloaded as CSV.</summary>
    public string? CsvHref { get; init; }

    /// <summary>The table and its CSV: one line per row, the label first.</summary>
    public string Csv() => DossierRendering.Csv(Columns, Rows.Select(r => (IReadOnlyList<string>)[r.Label, .. r.Cells]));

    public int RowHeight => Math.Max(1, Series.Count) * BarHeight + RowGap;

    public int Height => Math.Max(1, Rows.Count) * RowHeight + RowGap;

    private decimal Max => Math.Max(1m, Rows.SelectMany(r => r.Marker is { } m ? r.Bars.Append(m) : r.Bars).DefaultIfEmpty(0m).Max());

    /// <summary>The length of a bar (or where a marker stands) for <paramref name="value"/>, in the chart's units.</summary>
    public int Length(decimal value) => (int)Math.Round(value / Max * (Width - LabelWidth - ValueRoom));

    /// <summary>A count as the tables write it.</summary>
    public static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Days to a tenth, as the tables write them.</summary>
    public static string Days(decimal days) => days.ToString("0.0", CultureInfo.InvariantCulture);
}

/// <summary>One row: its label, its table cells (after the label), the bars drawn, and an optional marker (a deadline).</summary>
public sealed record ChartRow(string Label, IReadOnlyList<string> Cells, IReadOnlyList<decimal> Bars, decimal? Marker = null);

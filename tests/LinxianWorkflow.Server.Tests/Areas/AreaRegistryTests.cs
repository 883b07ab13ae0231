using LinxianWorkflow.Server.Areas;

namespace LinxianWorkflow.Server.Tests.Areas;

// The registry over the table the service ships (workflows/areas/141124.csv, copied beside the program as areas/).
public class AreaRegistryTests
{
    private static readonly AreaRegistry Linxian = Shipped();

    private static AreaRegistry Shipped()
    {
        var table = AreaTable.Read(Path.Combine(AppContext.BaseDirectory, "areas", "141124.csv"));
        Assert.Empty(table.Errors);
        var registry = new AreaRegistry("unused");
        registry.Load(table.Areas);
        return registry;
    }

    [Fact]
    public void The_shipped_table_is_the_county_its_23_townships_and_504_villages_and_communities()
    {
        Assert.Equal(1 + 23 + 504, Linxian.Count);
        var townships = Linxian.Townships("141124");
        Assert.Equal(23, townships.Count);
        Assert.Equal(("141124100", "临泉镇"), (townships[0].Code, townships[0].Name));
        Assert.Equal(townships.Select(t => t.Code).Order(StringComparer.Ordinal), townships.Select(t => t.Code));
        Assert.Equal(504, townships.Sum(t => Linxian.Children(t.Code).Count));
        Assert.Equal(32, townships.SelectMany(t => Linxian.Children(t.Code)).Count(a => a.Level == AreaLevel.Community));
    }

    [Fact]
    public void An_area_is_found_by_its_code_or_by_a_path_ending_in_it()
    {
        var xiwan = Linxian.Find("141124/141124109/141124109207");
        Assert.Equal(new Area("141124109207", "西湾村委会", "141124109", AreaLevel.Village), xiwan);
        Assert.Same(xiwan, Linxian.Find("141124109207"));
        Assert.Null(Linxian.Find("141124109999"));
        Assert.Null(Linxian.Find(""));
    }

    [Theory]
    [InlineData("141124109207", "西湾村", "碛口镇西湾村")] // 西湾村委会
    [InlineData("141124101223", "桐村", "白文镇桐村")] // 桐村村委会: the village's name already ends in 村
    [InlineData("141124100009", "凤凰社区", "临泉镇凤凰社区")] // 凤凰社区居委会
    [InlineData("141124102001", "西城庄社区", "城庄镇西城庄社区")] // 西城庄农村社区居委会
    [InlineData("141124109001", "碛口社区", "碛口镇碛口社区")] // 碛口居委会
    [InlineData("141124109", "碛口镇", "碛口镇")]
    [InlineData("141124200", "木瓜坪乡", "木瓜坪乡")]
    [InlineData("141124", "临县", "临县")]
    [InlineData("141124/141124105/141124105209", "孙家沟村", "三交镇孙家沟村")]
    public void Names_are_the_ones_people_say_and_a_village_is_read_with_its_township(string codeOrPath, string shortName, string displayName)
    {
        Assert.Equal(shortName, Linxian.ShortName(codeOrPath));
        Assert.Equal(displayName, Linxian.DisplayName(codeOrPath));
    }

    [Fact]
    public void An_unknown_area_reads_as_its_code_and_nothing_throws()
    {
        Assert.Equal("141124109999", Linxian.ShortName("141124/141124109/141124109999"));
        Assert.Equal("141124109999", Linxian.DisplayName("141124109999"));
        Assert.Equal("", Linxian.DisplayName(""));
        Assert.Equal("x", Linxian.ShortName("x"));
        Assert.Empty(Linxian.Children("141124109207"));
        Assert.Empty(Linxian.Children("nowhere"));
        Assert.Empty(new AreaRegistry("unused").Search("西湾"));
    }

    [Fact]
    public void A_path_is_county_township_village()
    {
        Assert.Equal("141124/141124109/141124109207", Linxian.PathOf("141124109207"));
        Assert.Equal("141124/141124109", Linxian.PathOf("141124109"));
        Assert.Equal("141124", Linxian.PathOf("141124"));
        Assert.Equal("141124/141124109/141124109207", Linxian.PathOf("141124/141124109/141124109207"));
        Assert.Equal("142301/142301100/142301100200", Linxian.PathOf("142301100200")); // not loaded: read from the digits
        Assert.Equal("abc", Linxian.PathOf("abc"));
    }

    [Fact]
    public void A_townships_villages_are_listed_by_code()
    {
        var qikou = Linxian.Children("141124/141124109");
        Assert.Equal(32, qikou.Count);
        Assert.Equal(qikou.Select(a => a.Code).Order(StringComparer.Ordinal), qikou.Select(a => a.Code));
        Assert.All(qikou, a => Assert.Equal("141124109", a.ParentCode));
        Assert.Contains(qikou, a => a.Code == "141124109230" && a.ShortName == "李家山村");
    }

    [Fact]
    public void Search_finds_by_name_short_name_name_with_township_or_code_prefix()
    {
        // Names repeat across townships: both 李家山村, in code order.
        Assert.Equal(["141124109230", "141124110221"], Linxian.Search("李家山").Select(a => a.Code));
        Assert.Equal(["141124109207"], Linxian.Search("碛口镇西湾").Select(a => a.Code));
        Assert.Equal(["141124109207"], Linxian.Search("碛口西湾村").Select(a => a.Code));
        Assert.Equal(["141124109207"], Linxian.Search("西湾村委会").Select(a => a.Code));

        // The township first, then its villages; the county is not a search result.
        var qikou = Linxian.Search("碛口", limit: 100);
        Assert.Equal("141124109", qikou[0].Code);
        Assert.Equal(33, qikou.Count);
        Assert.DoesNotContain(Linxian.Search("临县"), a => a.Level == AreaLevel.County);

        // An exact name comes before names that merely contain it: 西坡村 (三交镇) before 上西坡村 (临泉镇, a lower code) and 下西坡村.
        Assert.Equal(["141124105204", "141124100234", "141124201214"], Linxian.Search("西坡村").Select(a => a.Code));
        Assert.Equal(["141124109200", "141124109202"], Linxian.Search("14112410920", limit: 2).Select(a => a.Code));
        Assert.Empty(Linxian.Search("   "));
        Assert.Empty(Linxian.Search("西湾", limit: 0));
    }
}

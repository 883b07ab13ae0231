using LinxianWorkflow.Server.Areas;

namespace LinxianWorkflow.Server.Tests.Areas;

public class AreaTableTests
{
    /// <summary>碛口镇, a community and two villages as the NBS publishes them (its web table, copied: tabs), with the province and city rows.</summary>
    internal const string Nbs = """
        统计用区划代码	城乡分类代码	名称
        140000000000		山西省
        141100000000		吕梁市
        141124000000		临县
        141124109000		碛口镇
        141124109001	121	碛口居委会
        141124109207	220	西湾村委会
        141124109230	220	李家山村委会
        """;

    [Fact]
    public void Our_table_is_read_as_written()
    {
        var table = AreaTable.Parse("\uFEFFcode,name,parent_code,level\r\n141124,临县,1411,county\r\n141124109,碛口镇,141124,township\r\n141124109207,西湾村委会,141124109,village\r\n\r\n");
        Assert.Empty(table.Errors);
        Assert.Equal(
            [new Area("141124", "临县", "1411", AreaLevel.County), new Area("141124109", "碛口镇", "141124", AreaLevel.Township), new Area("141124109207", "西湾村委会", "141124109", AreaLevel.Village)],
            table.Areas);
        Assert.Equal(4, table.LineOf("141124109207"));
    }

    [Fact]
    public void The_nbs_table_gives_level_and_parent_by_the_digits_and_a_serial_below_200_is_a_community()
    {
        var table = AreaTable.Parse(Nbs);
        Assert.Empty(table.Errors);
        Assert.Equal(2, table.Skipped);
        Assert.Equal(
            [
                new Area("141124", "临县", "1411", AreaLevel.County),
                new Area("141124109", "碛口镇", "141124", AreaLevel.Township),
                new Area("141124109001", "碛口居委会", "141124109", AreaLevel.Community),
                new Area("141124109207", "西湾村委会", "141124109", AreaLevel.Village),
                new Area("141124109230", "李家山村委会", "141124109", AreaLevel.Village),
            ],
            table.Areas);

        // Commas work too, and the urban-rural column may be left out.
        var commas = AreaTable.Parse("统计用区划代码,名称\n141124109000,碛口镇\n141124109207,西湾村委会\n");
        Assert.Empty(commas.Errors);
        Assert.Equal(["141124109", "141124109207"], commas.Areas.Select(a => a.Code));
    }

    [Theory]
    [InlineData("code,name,parent_code,level\n14112410920,西湾村委会,141124109,village", "第 2 行：区划代码“14112410920”无效")]
    [InlineData("code,name,parent_code,level\n141124109207,西湾村委会,141124109,township", "第 2 行：级别 township 与代码“141124109207”的位数不符")]
    [InlineData("code,name,parent_code,level\n141124109207,西湾村委会,141124109,hamlet", "第 2 行：级别“hamlet”无效")]
    [InlineData("code,name,parent_code,level\n141124109207,西湾村委会,141124105,village", "第 2 行：上级代码“141124105”不是“141124109207”的上级，应为“141124109”")]
    [InlineData("code,name,parent_code,level\n141124109207,,141124109,village", "第 2 行：名称不能为空")]
    [InlineData("code,name,parent_code,level\n141124109207,西湾村委会,141124109", "第 2 行：应有 4 列，实有 3 列")]
    [InlineData("code,name,parent_code,level\n141124109207,西湾村委会,141124109,village\n\n141124109207,西湾村,141124109,village", "第 4 行：代码 141124109207 重复，第 2 行已有")]
    [InlineData("统计用区划代码,城乡分类代码,名称\n141124109207,22,西湾村委会", "第 2 行：城乡分类代码“22”无效")]
    [InlineData("统计用区划代码,城乡分类代码,名称\n141124109,,碛口镇", "第 2 行：统计用区划代码“141124109”无效，须为 12 位数字")]
    [InlineData("编码,名字\n141124109,碛口镇", "第 1 行：无法识别的表头“编码,名字”")]
    [InlineData("\n\n", "文件是空的")]
    public void A_malformed_row_is_refused_naming_its_line_in_chinese_first(string text, string error)
    {
        var table = AreaTable.Parse(text);
        var message = Assert.Single(table.Errors);
        Assert.StartsWith(error, message.Zh, StringComparison.Ordinal);
        Assert.Matches(@"^(Line \d+|The file)", message.En);
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_refused_whole()
    {
        var file = Path.Combine(Path.GetTempPath(), $"linxian-areas-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(file, [.. "code,name,parent_code,level\n141124,"u8, 0xC1, 0xD9, 0xCF, 0xD8, .. ",1411,county\n"u8]); // 临县 in GBK
        Assert.StartsWith("文件不是 UTF-8", Assert.Single(AreaTable.Read(file).Errors).Zh, StringComparison.Ordinal);
        File.Delete(file);
    }

    [Fact]
    public void An_import_adds_new_codes_renames_by_code_and_reports_the_codes_it_leaves_out_without_removing_them()
    {
        Area[] existing =
        [
            new("141124", "临县", "1411", AreaLevel.County),
            new("141124109", "碛口镇", "141124", AreaLevel.Township),
            new("141124109001", "碛口居委会", "141124109", AreaLevel.Community),
            new("141124109207", "西湾村民委员会", "141124109", AreaLevel.Village),
            new("141124109299", "旧村委会", "141124109", AreaLevel.Village),
            new("141124110", "刘家会镇", "141124", AreaLevel.Township),
            new("142301", "离石区", "1423", AreaLevel.County),
        ];

        var changes = AreaTable.Parse(Nbs).Compare(existing);

        Assert.Empty(changes.Errors);
        Assert.Equal(["141124109230"], changes.Added.Select(a => a.Code));
        var (before, after) = Assert.Single(changes.Updated);
        Assert.Equal(("西湾村民委员会", "西湾村委会"), (before.Name, after.Name));
        // Left out: a village and a township of the same county; another county is not this file's business.
        Assert.Equal(["141124109299", "141124110"], changes.NotInFile.Select(a => a.Code));
        Assert.Equal(3, changes.Unchanged);
        Assert.Equal(["141124109230", "141124109207"], changes.ToWrite.Select(a => a.Code));
    }

    [Fact]
    public void A_village_whose_township_is_neither_in_the_file_nor_already_known_is_refused()
    {
        var table = AreaTable.Parse("code,name,parent_code,level\n141124109207,西湾村委会,141124109,village\n");
        Assert.Empty(table.Errors);

        var orphan = Assert.Single(table.Compare([]).Errors);
        Assert.Equal("第 2 行：141124109207 的上级 141124109 既不在文件中，也不在已有的区划中。", orphan.Zh);
        Assert.Empty(table.Compare([new Area("141124109", "碛口镇", "141124", AreaLevel.Township)]).Errors);
    }
}

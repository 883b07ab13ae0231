using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Samples;

namespace LinxianWorkflow.Tests.Procedures;

/// <summary>The role ids 四议两公开 declares in workflows/siyi-liangkai.*.workflow.json (the engine names none of them).</summary>
public static class SiyiRoles
{
    public const string PartySecretary = "party-secretary";
    public const string VillageChair = "village-chair";
    public const string CommitteeMember = "committee-member";
    public const string SupervisionMember = "supervision-member";
    public const string TownshipReviewer = "township-reviewer";
}

/// <summary>The role ids 人民调解 declares in workflows/renmin-tiaojie.*.workflow.json.</summary>
public static class MediationRoles
{
    public const string Chair = "mediation-committee-chair";
    public const string Mediator = "mediator";
    public const string JudicialAssistant = "judicial-assistant";
}

/// <summary>The sample people of one village for 四议两公开, with the ids and names the golden streams recorded.</summary>
public static class SiyiPeople
{
    public static SampleActors For(string villagePath)
    {
        var township = villagePath[..villagePath.LastIndexOf('/')];
        return new SampleActors(
        [
            new Actor("secretary", "王书记", [new RoleGrant(SiyiRoles.PartySecretary, villagePath)]),
            new Actor("chair", "李主任", [new RoleGrant(SiyiRoles.VillageChair, villagePath)]),
            new Actor("supervisor", "张监委", [new RoleGrant(SiyiRoles.SupervisionMember, villagePath)]),
            new Actor("reviewer", "赵审核", [new RoleGrant(SiyiRoles.TownshipReviewer, township)]),
        ]);
    }

    extension(SampleActors people)
    {
        public Actor Secretary => people.People.First(a => a.Id == "secretary");

        public Actor Chair => people.People.First(a => a.Id == "chair");

        public Actor Supervisor => people.People.First(a => a.Id == "supervisor");

        public Actor Reviewer => people.People.First(a => a.Id == "reviewer");
    }
}

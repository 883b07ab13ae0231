using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Definitions;
using WorkflowDefinition = LinxianWorkflow.Engine.Definitions.WorkflowDefinition;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Engine.Samples;
using LinxianWorkflow.Engine.Time;
using Microsoft.Extensions.DependencyInjection;
using WorkflowCore.Interface;
using WorkflowCore.Models;
using WorkflowCore.Models.LifeCycleEvents;

namespace LinxianWorkflow.Benchmarks;

/// <summary>
/// One operation = one complete 四议两公开 run: every human action from registration to the archive.
/// Ours replays the actions through the pure engine (decide + fold); WorkflowCore runs a linear workflow
/// with one WaitFor per action, in memory (its default persistence, queue and lock providers), and the
/// same actions published as events. Commands per second = actions per run / mean.
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class FullRunBenchmarks
{
    private WorkflowDefinition _definition = null!;
    private RuleProfile _profile = null!;
    private List<(Actor Actor, WorkflowCommand Command, DateTimeOffset At)> _actions = null!;
    private IWorkflowHost _host = null!;
    private ServiceProvider _services = null!;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _running = new();
    private long _runs;

    /// <summary>Human actions in one run (the same for both engines).</summary>
    public int ActionsPerRun => _actions.Count;

    [GlobalSetup]
    public void Setup()
    {
        var folder = FindWorkflows();
        var (catalog, errors) = WorkflowCatalog.LoadFolder(folder);
        if (catalog is null)
        {
            throw new InvalidOperationException(string.Join("\n", errors));
        }

        _definition = catalog.LatestDefinition("siyi-liangkai")!;
        _profile = catalog.LatestProfile("siyi-liangkai", "default")!;
        _actions = RecordActions();
        Console.WriteLine($"// actions per full run: {ActionsPerRun}");

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWorkflow(o => o.UseIdleTime(TimeSpan.FromMilliseconds(1)));
        _services = services.BuildServiceProvider();
        _host = _services.GetRequiredService<IWorkflowHost>();
        _services.GetRequiredService<IWorkflowRegistry>().RegisterWorkflow(new PeerWorkflow(ActionsPerRun));
        _host.OnLifeCycleEvent += e =>
        {
            if (e is WorkflowCompleted && e.Reference is { } reference && _running.TryRemove(reference, out var done))
            {
                done.SetResult();
            }
        };
        _host.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.Stop();
        _services.Dispose();
    }

    [Benchmark(Description = "LinxianWorkflow engine: full run")]
    public InstanceState Linxian()
    {
        var state = InstanceState.Empty;
        foreach (var (actor, command, at) in _actions)
        {
            var decision = WorkflowEngine.Decide(_definition, _profile, state, actor, command, at);
            state = decision.State;
        }

        if (state.Result != EndResult.Archived)
        {
            throw new InvalidOperationException("the replayed run did not reach the archive");
        }

        return state;
    }

    [Benchmark(Baseline = true, Description = "WorkflowCore 3.22 in memory: full run")]
    public async Task WorkflowCore()
    {
        var reference = Interlocked.Increment(ref _runs).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[reference] = done;
        await _host.StartWorkflow(PeerWorkflow.Name, 1, new PeerData { Key = reference }, reference);
        for (var i = 0; i < ActionsPerRun; i++)
        {
            await _host.PublishEvent(PeerWorkflow.EventName(i), reference, i);
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private List<(Actor, WorkflowCommand, DateTimeOffset)> RecordActions()
    {
        const string Village = "141124/141124100/141124100201";
        var people = SiyiPeople.For(Village);
        var start = new DateTimeOffset(2026, 12, 1, 9, 0, 0, ChinaTime.Offset);
        var actions = new List<(Actor, WorkflowCommand, DateTimeOffset)>
        {
            (people.Secretary, new StartProposal("bench", Village, "硬化村内主干道", "方案", "public-welfare", 48_000m, "cadre"), start),
        };
        var state = WorkflowEngine.Decide(_definition, _profile, InstanceState.Empty, people.Secretary, actions[0].Item2, start).State;
        var now = start;
        while (SampleDriver.Next(_definition, _profile, state, people, now) is { } next)
        {
            actions.Add(next);
            now = next.At;
            state = WorkflowEngine.Decide(_definition, _profile, state, next.Actor, next.Command, now).State;
        }

        return actions;
    }

    private static string FindWorkflows()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LinxianWorkflow.sln")))
            {
                return Path.Combine(dir.FullName, "workflows");
            }
        }

        throw new InvalidOperationException("LinxianWorkflow.sln not found: run from inside the repository");
    }
}

/// <summary>WorkflowCore's data for the peer workflow.</summary>
public sealed class PeerData
{
    public string Key { get; set; } = "";

    public int Actions { get; set; }
}

/// <summary>The peer: a linear workflow of one external event per human action, as WorkflowCore users model approvals.</summary>
public sealed class PeerWorkflow(int actions) : IWorkflow<PeerData>
{
    public const string Name = "siyi-liangkai-peer";

    public string Id => Name;

    public int Version => 1;

    public static string EventName(int i) => "action-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Build(IWorkflowBuilder<PeerData> builder)
    {
        var step = builder.StartWith(_ => ExecutionResult.Next())
            .WaitFor(EventName(0), (data, _) => data.Key, _ => DateTime.MinValue)
            .Output(data => data.Actions, step => (int)step.EventData + 1);
        for (var i = 1; i < actions; i++)
        {
            step = step.WaitFor(EventName(i), (data, _) => data.Key, _ => DateTime.MinValue)
                .Output(data => data.Actions, s => (int)s.EventData + 1);
        }

        step.Then(_ => ExecutionResult.Next());
    }
}
